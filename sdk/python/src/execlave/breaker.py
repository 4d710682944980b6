"""A circuit breaker so that a dead server costs (almost) nothing per call.

closed     -> every call goes to the server; ``threshold`` consecutive failures open it.
open       -> calls fail fast with no network I/O until ``cooldown`` has passed.
half-open  -> one caller is let through as a probe; success closes, failure re-opens.

A server that answers 429 with ``Retry-After`` opens the breaker for that long.
"""

from __future__ import annotations

import threading
import time


class CircuitBreaker:
    def __init__(self, *, threshold: int, cooldown: float) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self._lock = threading.Lock()
        self._failures = 0
        self._open_until = 0.0
        self._probe_in_flight = False

    @property
    def state(self) -> str:
        if self._open_until == 0.0:
            return "closed"
        return "open" if time.monotonic() < self._open_until else "half-open"

    def allow(self) -> bool:
        """May this caller talk to the server now? Lock-free on the hot paths."""
        open_until = self._open_until
        if open_until == 0.0:
            return True
        if time.monotonic() < open_until:
            return False
        with self._lock:
            if self._probe_in_flight:
                return False
            self._probe_in_flight = True
            return True

    def record_success(self) -> None:
        if self._failures or self._open_until:
            with self._lock:
                self._failures = 0
                self._open_until = 0.0
                self._probe_in_flight = False

    def record_failure(self, *, retry_after: float | None = None) -> None:
        with self._lock:
            self._failures += 1
            self._probe_in_flight = False
            if retry_after is not None:
                self._open_until = time.monotonic() + max(retry_after, 0.001)
            elif self._failures >= self.threshold or self._open_until:
                self._open_until = time.monotonic() + self.cooldown
