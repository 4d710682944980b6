"""Long-polls that cost almost nothing while they wait.

A waiting agent is a coroutine parked on an ``asyncio.Future``: no database connection, and
no work until something changes. One watcher task per event loop (one per server process)
asks, once per tick, which requests were decided since the last tick, and wakes their
waiters. However many agents wait, that is one small indexed query
(``WHERE decided_at >= …``) every ``APPROVALS_WAIT_POLL_SECONDS`` (0.25 s by default); a
decision made in the same process wakes its waiters at once (``poke_all``).

All database work of the long-poll path — authenticating the key, loading the request, the
watcher's ticks — runs through ``db_call`` in one thread per process that keeps one
connection open. 200 agents re-asking every 25 s then never open 200 connections at once
(measured: a connection per request peaked at 76 PostgreSQL connections when 200 agents
arrived together, and exhausted ``max_connections`` next to the /check load).

Why polling and not PostgreSQL LISTEN/NOTIFY: it works the same on SQLite and PostgreSQL,
through PgBouncer in transaction mode, and with several app servers; a decision reaches the
agent within one tick (see ``bench/approvals.py`` for the measured latency and cost).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import weakref
from datetime import datetime, timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

# How far back each tick looks before the previous one: covers transactions that commit
# after a tick read, and clock skew between app servers.
OVERLAP = timedelta(seconds=5)


def poll_interval() -> float:
    return float(getattr(settings, "APPROVALS_WAIT_POLL_SECONDS", 0.25))


def _keep_connection() -> None:
    """Before each unit of work in the shared thread: keep its one connection open for every
    waiter of the process (whatever CONN_MAX_AGE says for request threads), but drop it if
    it broke. Inside a transaction (the tests' own thread) leave everything alone."""
    if connection.in_atomic_block:
        return
    connection.close_at = None
    close_old_connections()


def _with_kept_connection(function):
    def run(*args, **kwargs):
        _keep_connection()
        return function(*args, **kwargs)

    return run


async def db_call(function, *args, **kwargs):
    """Run ORM work for the long-poll path in the process's shared database thread.

    The call runs in a fresh context, so asgiref does not send it to the calling request's
    own thread: under an ASGI server it lands on asgiref's process-wide single sync thread;
    under the test client (``async_to_sync`` from the test's thread) on the test's thread,
    inside the test's transaction."""
    call = sync_to_async(_with_kept_connection(function), thread_sensitive=True)
    task = asyncio.get_running_loop().create_task(
        call(*args, **kwargs), context=contextvars.Context()
    )
    return await task


def decided_since(since: datetime) -> set[str]:
    """Ids of requests that reached a final state at or after ``since`` (any organisation).

    Every final state (approved, denied, expired, cancelled) sets ``decided_at``, which is
    indexed, so a tick costs one small index range scan however many agents are waiting."""
    from .models import Approval

    return {
        str(pk)
        for pk in Approval.objects.filter(decided_at__gte=since).values_list("pk", flat=True)
    }


class Watcher:
    """Wakes the waiters of one event loop when their request settles.

    Each tick asks which requests were decided since the previous tick (minus
    ``OVERLAP``, for transactions that committed after the previous tick read, and for
    clock skew between app servers). A waiter also says when it read its request as
    pending, so a decision between that read and its registration is not missed. Expiry
    needs no tick: a waiter's timeout never runs past its request's ``expires_at``, and the
    view expires it lazily when it reads again.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.waiters: dict[str, set[asyncio.Future]] = {}
        self.task: asyncio.Task | None = None
        self.poked = asyncio.Event()
        self.checked_until: datetime | None = None  # the previous tick's start
        self.unchecked_from: datetime | None = None  # earliest read of a waiter not yet covered
        self.ticks = 0

    async def wait(self, approval_id: str, timeout: float, read_at: datetime) -> bool:
        """Wait until the request, read as pending at ``read_at``, settles (True) or
        ``timeout`` seconds pass (False)."""
        if timeout <= 0:
            return False
        future = self.loop.create_future()
        self.waiters.setdefault(approval_id, set()).add(future)
        if self.unchecked_from is None or read_at < self.unchecked_from:
            self.unchecked_from = read_at
        self._ensure_running()
        try:
            await asyncio.wait_for(future, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            bucket = self.waiters.get(approval_id)
            if bucket is not None:
                bucket.discard(future)
                if not bucket:
                    del self.waiters[approval_id]

    def _ensure_running(self) -> None:
        if self.task is None or self.task.done():
            # A fresh context: the watcher outlives the request that started it and must not
            # run its queries in that request's (per-request) sync thread.
            self.task = self.loop.create_task(self._run(), context=contextvars.Context())

    async def _run(self) -> None:
        while self.waiters:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.poked.wait(), poll_interval())
            self.poked.clear()
            if not self.waiters:
                break
            started = timezone.now()
            marks = [m for m in (self.checked_until, self.unchecked_from) if m is not None]
            since = min(marks, default=started) - OVERLAP
            self.unchecked_from = None
            try:
                done = await db_call(decided_since, since)
            except Exception:  # a database hiccup must not kill the watcher
                logger.exception("approval watcher: status check failed")
                self.unchecked_from = since + OVERLAP  # look again from here next tick
                continue
            self.checked_until = started
            self.ticks += 1
            for approval_id in done & self.waiters.keys():
                for future in self.waiters.pop(approval_id, ()):
                    if not future.done():
                        future.set_result(True)
        self.checked_until = None

    def poke(self) -> None:
        """Check now instead of at the next tick (thread-safe)."""
        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.poked.set)


_watchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Watcher] = (
    weakref.WeakKeyDictionary()
)


def watcher() -> Watcher:
    loop = asyncio.get_running_loop()
    found = _watchers.get(loop)
    if found is None:
        found = _watchers[loop] = Watcher(loop)
    return found


def poke_all() -> None:
    """A request settled in this process: let its local waiters know at once. Waiters in
    other processes learn it at their watcher's next tick."""
    for found in list(_watchers.values()):
        if found.waiters:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                found.poke()
