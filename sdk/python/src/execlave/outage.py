"""Never silently ungoverned: what the operator is told while the server is unreachable.

The first call that runs ungoverned (fail-open, server unreachable) logs a WARNING naming
the base URL and the reason; while the outage lasts, one summary line a minute counts the
calls that ran ungoverned; when a check gets an answer again, one line says so.
"""

from __future__ import annotations

import logging
import threading
import time

logger = logging.getLogger("execlave")

MINUTE = 60.0


class OutageReporter:
    def __init__(self, base_url: str, *, interval: float = MINUTE) -> None:
        self.base_url = base_url
        self.interval = interval
        self._lock = threading.Lock()
        self._active = False
        self._since = 0.0
        self._total = 0
        self._in_window = 0
        self._reason = ""
        self._timer: threading.Timer | None = None

    @property
    def ungoverned_calls(self) -> int:
        return self._total

    def ungoverned(self, tool: str, reason: str) -> None:
        with self._lock:
            self._total += 1
            self._in_window += 1
            self._reason = reason
            if self._active:
                return
            self._active = True
            self._since = time.monotonic()
            self._in_window = 0
            self._schedule()
        logger.warning(
            "execlave: %s ran UNGOVERNED: the Execlave server at %s is unreachable (%s);"
            " fail_mode='open' lets tools run without policy checks until it is back",
            tool,
            self.base_url,
            reason,
        )

    def _schedule(self) -> None:
        timer = threading.Timer(self.interval, self._summary)
        timer.daemon = True
        timer.start()
        self._timer = timer

    def _summary(self) -> None:
        with self._lock:
            if not self._active:
                return
            count, self._in_window = self._in_window, 0
            reason = self._reason
            self._schedule()
        if count:
            logger.warning(
                "execlave: %d call%s ran ungoverned in the last minute"
                " (the Execlave server at %s is still unreachable: %s)",
                count,
                "" if count == 1 else "s",
                self.base_url,
                reason,
            )

    def recovered(self) -> None:
        if not self._active:  # the hot path: one attribute read
            return
        with self._lock:
            if not self._active:
                return
            self._active = False
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            total, seconds = self._total, round(time.monotonic() - self._since)
            self._total = self._in_window = 0
        logger.info(
            "execlave: the Execlave server at %s is reachable again; calls are governed"
            " (%d ran ungoverned during the %d s outage)",
            self.base_url,
            total,
            seconds,
        )

    def stop(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
