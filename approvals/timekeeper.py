"""The approvals' clock: expiry and escalation within about a second of their deadlines.

The django-q2 schedules tick once a minute and their tasks wait in the same queue as bulk work,
so under load an approval was marked expired 20-40 s late (issue 19). The timekeeper is a small
loop of its own (``manage.py timekeeper``) that needs neither the scheduler nor the queue: every
``interval`` it runs the same conditional UPDATEs as the schedules, so several timekeepers (one
per worker machine) and the schedules (kept as a backstop) never expire or escalate twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections, connection

from . import tasks

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tick:
    expired: int
    escalated: int


def tick() -> Tick:
    """One pass: expire what is overdue, escalate what waited past ``escalate_after``."""
    return Tick(expired=tasks.expire_overdue(), escalated=tasks.escalate_due())


def run(
    *,
    interval: float,
    stop: threading.Event,
    on_tick: Callable[[Tick], None] | None = None,
) -> int:
    """Tick every ``interval`` seconds until ``stop`` is set; returns how many ticks ran.

    A failed tick (the database restarting, say) is logged and retried on the next one. On
    stopping it closes its thread's connection: with the PostgreSQL pool, a connection that a
    finished thread still holds is never lent again (session 16: a test's two timekeeper threads
    left its process's pool two connections short for the rest of the run)."""
    ticks = 0
    try:
        while not stop.is_set():
            started = time.monotonic()
            close_old_connections()  # a connection the server dropped is replaced, not reused
            try:
                result = tick()
            except Exception:  # keep ticking: the next pass retries whatever this one missed
                logger.exception("timekeeper tick failed")
            else:
                ticks += 1
                if on_tick is not None:
                    on_tick(result)
            stop.wait(max(0.0, interval - (time.monotonic() - started)))
    finally:
        connection.close()
    return ticks
