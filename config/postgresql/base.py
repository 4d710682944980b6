"""``DatabaseWrapper``: Django's PostgreSQL backend, building a ``LifoConnectionPool``.

Two private psycopg_pool methods are overridden (3.3; no public option does either):
- ``_get_ready_connection``, for the LIFO order: psycopg_pool keeps idle connections in a
  FIFO deque and has no setting for the order.
- ``_add_to_pool``, to time-stamp a connection when it comes back. The public ``reset=``
  callback would do it, but a pool with ``reset`` hands every returned connection to a
  worker thread (``ReturnConnection``) instead of re-pooling it at once: a thread hand-off
  per request, and the next request may not find it back yet (tried: the pool test of a
  connection lent again without a round trip fails).
tests/governance/test_postgres_pool.py holds both behaviours, so an upgrade that changes the
internals fails there, not in production. Django builds its pool class itself
(``OPTIONS["pool"]`` only passes keyword arguments), so ``DatabaseWrapper.pool`` is Django's
own property with our class in it.
"""

from __future__ import annotations

import select
from time import monotonic

from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool

from .fork import install_fork_guard

install_fork_guard()

# A connection lent out again within this many seconds of its return is checked without a
# round trip (see ``check_connection``); one idle longer is asked "are you there?".
RECHECK_AFTER_IDLE = 5.0


def _has_something_to_read(conn) -> bool:
    """An idle connection has nothing to read unless the server wrote to it: an error before
    closing it (restart, ``pg_terminate_backend``, idle timeout) or the end of the stream."""
    try:
        poller = select.poll()
        poller.register(conn.fileno(), select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError):  # closed already
        return True


def check_connection(conn) -> None:
    """The pool's check before lending ``conn``, with a round trip only when it is in doubt.

    psycopg_pool's own check sends an empty query every time: a round trip per request
    (0.1-0.2 ms on loopback, on every endpoint). A connection returned moments ago with
    nothing waiting on its socket is healthy as far as any check could tell; a dead server
    shows up as data or end-of-file there. Like HikariCP's alive-bypass window, but also
    catching a server that said goodbye within the window."""
    returned_at = getattr(conn, "_execlave_returned_at", None)
    if (
        returned_at is not None
        and monotonic() - returned_at < RECHECK_AFTER_IDLE
        and not _has_something_to_read(conn)
    ):
        return
    ConnectionPool.check_connection(conn)


class LifoConnectionPool(ConnectionPool):
    """Hands out the connection returned last, not the one idle longest.

    psycopg_pool rotates through its idle connections, so after a burst has opened several,
    each request lands on the PostgreSQL backend least recently used, its caches cold: a
    single client's ``/check`` took 6.3 ms that way against 4.2 ms on a pool of one
    (bench/check.py). Connections left idle at the far end still age out (``max_idle``)."""

    def _get_ready_connection(self, timeout):
        if self._pool:  # called under the pool's lock
            self._pool.rotate(1)  # the newest (returned last, at the right) to the front
        return super()._get_ready_connection(timeout)

    def _add_to_pool(self, conn) -> None:
        conn._execlave_returned_at = monotonic()  # for check_connection
        super()._add_to_pool(conn)


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        # Django's own property, building our pool class instead of psycopg_pool's.
        options = self.settings_dict["OPTIONS"].get("pool")
        if self.alias == base.NO_DB_ALIAS or not options:
            return None
        if self.alias not in self._connection_pools:
            if self.settings_dict.get("CONN_MAX_AGE", 0) != 0:
                raise base.ImproperlyConfigured("Pooling doesn't support persistent connections.")
            connect_kwargs = self.get_connection_params()
            connect_kwargs["autocommit"] = True  # as Django does; it sets the mode itself later
            checks = self.settings_dict["CONN_HEALTH_CHECKS"]
            pool = LifoConnectionPool(
                kwargs=connect_kwargs,
                open=False,
                configure=self._configure_connection,
                check=check_connection if checks else None,
                **({} if options is True else options),
            )
            self._connection_pools.setdefault(self.alias, pool)
        return self._connection_pools[self.alias]

    def get_new_connection(self, conn_params):
        pool = self.pool
        if pool is not None and pool.closed:
            # First use in this process. A pool that cannot connect only says "couldn't get a
            # connection after 10 sec" (the reason - no such database, refused password,
            # nothing listening - goes to its log), so connect once directly: a wrong
            # DATABASE_URL fails at once, saying why.
            timeout = max(1, int(pool.timeout))
            with self.wrap_database_errors:
                self.Database.connect(**{"connect_timeout": timeout, **pool.kwargs}).close()
        return super().get_new_connection(conn_params)

    def prepared_cursor(self):
        """A cursor binding parameters on the server, so psycopg prepares a statement run
        often (``prepare_threshold``) and PostgreSQL plans it once per connection. Django's
        cursors bind on the client and never prepare; this is for the few hand-written
        statements on every request's path (the API-key lookup, the ledger append)."""
        self.ensure_connection()
        with self.wrap_database_errors:
            return self._prepare_cursor(base.ServerBindingCursor(self.connection))
