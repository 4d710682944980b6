"""Group commit of one process's autocommit ledger appends on PostgreSQL (every ``/check``).

Appends to one organisation's chain serialise on its chain-head row lock, and each single
append pays a statement, the lock, a chain-row update and a durable commit. So, in one
process (a gunicorn gthread worker's threads): up to ``in_flight`` (2, the setting
``LEDGER_APPENDS_IN_FLIGHT``) threads' appends for the same organisation go to the database at
once, the second waiting on the row lock there; a thread that comes while two are in flight
queues its prepared events and waits. When an
in-flight statement returns, the first waiter becomes the leader and writes every queued event
(up to ``MAX_EVENTS``, first come first served) in ONE statement on its own connection, then
hands each waiter its own answers. No timer: a group is only what piled up behind the
statements anyway. Per event, worker + PostgreSQL CPU (session 12, docs/performance.md): ~570
µs alone, ~360 in twos, ~310 in threes. Groups form only between threads of one process
(gthread workers); a sync worker or a single client never waits here, and other processes
still take turns on the row lock.

Why two in flight, not one (session 13): with one, the second of two appends waited in Python
for the first to return, for that thread to take the GIL back and wake it, and for the GIL
again before it could even send its statement — two GIL hand-offs in series on the chain's
critical path while the threads' detectors hold the GIL, and the row lock idle meanwhile. A
second statement already waiting on the row lock in PostgreSQL goes the moment the first
commits, and the Python hand-off to the next group overlaps its run. (py-spy, 4 clients on
one worker × 4 threads: appending took 2.8× the rest of a check's time with one in flight,
2.1× with no group commit, 1.9× with two.)

Durability is unchanged: the statement runs in autocommit, so it has committed when it
returns, and only then is any waiter woken. One statement is atomic: a group is written whole
or not at all. When it fails, every member appends again on its own (a bad event fails only
its own caller; an outage reaches each waiter as its own error); appends are idempotent on
(organisation, trace_id, kind), so a second try never stores an entry twice.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

MAX_EVENTS = 32  # per statement (the batch path's own bound, traces.append.SMALL_BATCH)


class _Member:
    """One caller's events in a group; ``done`` is set when its answers, a group to lead or a
    request to append alone are there."""

    __slots__ = ("prepared", "done", "stored", "lead", "alone")

    def __init__(self, prepared: list) -> None:
        self.prepared = prepared
        self.done: threading.Event | None = None  # only a queued member waits
        self.stored: list | None = None
        self.lead: list[_Member] | None = None
        self.alone = False


class _Queue:
    __slots__ = ("in_flight", "waiting")

    def __init__(self) -> None:
        self.in_flight = 0  # statements for this organisation sent and not yet returned
        self.waiting: deque[_Member] = deque()


_lock = threading.Lock()
_queues: dict[int, _Queue] = {}


def _forget_after_fork() -> None:
    # A forked child starts with no thread in flight (the lock may have been held at fork).
    global _lock
    _lock = threading.Lock()
    _queues.clear()


os.register_at_fork(after_in_child=_forget_after_fork)


def append_grouped(
    org_id: int, prepared: list, write: Callable[[list], list], in_flight: int
) -> list:
    """Append ``prepared`` for organisation ``org_id`` through ``write`` (one atomic
    autocommit statement on the calling thread's connection, answering for each event in
    order): at once while fewer than ``in_flight`` statements for it are in flight, else
    grouped with other threads' appends queued meanwhile. Returns the answers for
    ``prepared``; raises what its statement raised."""
    me = _Member(prepared)
    with _lock:
        queue = _queues.get(org_id)
        if queue is None:
            queue = _queues[org_id] = _Queue()
        if queue.in_flight >= in_flight:
            me.done = threading.Event()
            queue.waiting.append(me)
        else:
            queue.in_flight += 1
            me.lead = [me]
    if me.done is not None:
        me.done.wait()
        if me.alone:
            return write(prepared)
        if me.lead is None:
            return me.stored  # type: ignore[return-value]
    return _lead(queue, me, write)


def _lead(queue: _Queue, me: _Member, write: Callable[[list], list]) -> list:
    group: list[_Member] = me.lead  # type: ignore[assignment]
    try:
        stored = write([p for member in group for p in member.prepared])
    except BaseException as exc:
        _hand_off(queue)
        others = [member for member in group if member is not me]
        for member in others:
            member.alone = True
            member.done.set()  # type: ignore[union-attr]
        if not others or not isinstance(exc, Exception):
            raise
        return write(me.prepared)
    _hand_off(queue)
    _share(group, stored)
    for member in group:
        if member is not me:
            member.done.set()  # type: ignore[union-attr]
    return me.stored  # type: ignore[return-value]


def _hand_off(queue: _Queue) -> None:
    """A statement returned: the next group (the waiters in order, up to ``MAX_EVENTS``) to
    its first member, who sends it in its place; or one statement fewer in flight."""
    with _lock:
        if not queue.waiting:
            queue.in_flight -= 1
            return
        group = [queue.waiting.popleft()]
        size = len(group[0].prepared)
        while queue.waiting and size + len(queue.waiting[0].prepared) <= MAX_EVENTS:
            member = queue.waiting.popleft()
            size += len(member.prepared)
            group.append(member)
    group[0].lead = group
    group[0].done.set()  # type: ignore[union-attr]


def _share(group: list[_Member], stored: list[Any]) -> None:
    """Each member's part of the statement's answers (one per event, in order)."""
    start = 0
    for member in group:
        end = start + len(member.prepared)
        member.stored = stored[start:end]
        start = end
