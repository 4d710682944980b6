"""The PostgreSQL pool (the default) survives fork(): a child opens its own connections and
nothing it does, closing what it inherited included, reaches the parent's session."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_pool_is_on_by_default():
    assert settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"] >= 1
    assert connection.pool is not None


def test_forked_child_opens_its_own_connection_and_leaves_the_parents_alone():
    parent_pid = _backend_pid()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: query, then close everything it inherited, the hard way
        status = 1
        try:
            from config.postgresql import fork as postgres

            child_pid = _backend_pid()
            for inherited in postgres._inherited:
                close = getattr(inherited, "close", None)
                if close is not None:
                    close()  # libpq's Terminate now goes to /dev/null, not the parent's server
            os.write(write, str(child_pid).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    _, status = os.waitpid(child, 0)
    child_pid = int(os.read(read, 64) or b"0")
    os.close(read)
    assert os.waitstatus_to_exitcode(status) == 0
    assert child_pid not in (0, parent_pid)
    # The parent's session is the same one and still in sync with the server.
    assert _backend_pid() == parent_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 + 1")
        assert cursor.fetchone() == (2,)


def test_the_pool_hands_out_the_connection_returned_last():
    from config.postgresql.base import LifoConnectionPool

    assert isinstance(connection.pool, LifoConnectionPool)
    pool = LifoConnectionPool(
        kwargs=connection.get_connection_params() | {"autocommit": True},
        min_size=3,
        max_size=3,
        open=True,
    )
    try:
        held = [pool.getconn() for _ in range(3)]
        pids = [c.info.backend_pid for c in held]
        for conn in held:  # returned oldest first: the last one back is pids[2]
            pool.putconn(conn)
        again = pool.getconn()
        assert again.info.backend_pid == pids[2]
        pool.putconn(again)
        assert pool.getconn().info.backend_pid == pids[2]  # still the hottest
    finally:
        pool.close()


def _lend_and_return() -> int:
    """Run a query on a pooled connection, return it to the pool; its backend pid."""
    pid = _backend_pid()
    connection.close()  # back to the pool
    return pid


@pytest.fixture
def round_trip_checks(monkeypatch):
    """Counts the pool's "are you there?" round trips (psycopg_pool's own check)."""
    from psycopg_pool import ConnectionPool

    calls = []
    original = ConnectionPool.check_connection

    def counting(conn):
        calls.append(conn.info.backend_pid)
        return original(conn)

    monkeypatch.setattr(ConnectionPool, "check_connection", staticmethod(counting))
    return calls


def test_a_connection_returned_moments_ago_is_lent_without_a_round_trip(round_trip_checks):
    pid = _lend_and_return()
    assert _backend_pid() == pid
    assert round_trip_checks == []


def test_a_connection_idle_for_a_while_is_checked_with_a_round_trip(round_trip_checks):
    from config.postgresql import base

    _lend_and_return()
    for conn in connection.pool._pool:
        conn._execlave_returned_at -= base.RECHECK_AFTER_IDLE + 1
    _backend_pid()
    assert len(round_trip_checks) == 1


def test_a_connection_the_server_ended_is_replaced_before_it_is_lent(round_trip_checks):
    import time

    import psycopg

    pid = _lend_and_return()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)  # the server's goodbye reaches the idle socket
    new_pid = _backend_pid()  # no error: the pool noticed and gave a working connection
    assert new_pid != pid
    assert pid in round_trip_checks  # the dead one was asked (and failed), not trusted


def test_a_database_that_cannot_be_reached_fails_at_once_saying_why():
    import time

    from django.db import OperationalError

    from config.postgresql.base import DatabaseWrapper

    settings_dict = {**connection.settings_dict, "NAME": "execlave_no_such_database"}
    wrapper = DatabaseWrapper(settings_dict, alias="unreachable")
    started = time.monotonic()
    try:
        with pytest.raises(OperationalError, match="does not exist"):
            wrapper.ensure_connection()
    finally:
        pool = DatabaseWrapper._connection_pools.pop("unreachable", None)
        if pool is not None:
            pool.close()
    # Not the pool's 10 s timeout: the first connection is made directly.
    assert time.monotonic() - started < 5
