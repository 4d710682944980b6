"""Trace delivery: a background worker that batches, retries and spools.

The caller only appends to an in-memory queue (microseconds). One daemon
thread per client takes up to ``batch_size`` traces or whatever arrived within
``flush_interval`` and posts them as ``{"traces": [...]}``.

Order and durability rules:

* While the spool holds anything for this stream, new batches are appended
  to it rather than sent, and the spool is drained oldest first — so traces
  reach the server in the order they were produced, across restarts too.
* A batch that fails (no connection, timeout, 408/429/5xx, 401/403) is
  written to the spool and retried later with exponential backoff and full
  jitter, never sooner than the server's ``Retry-After``.
* Rows leave the spool only after a 2xx; re-sending after an ambiguous
  failure is safe because the server is idempotent on ``trace_id``.
* A 400/413 on a batch is retried trace by trace to isolate the offending
  one, which is then dropped with an error log (it would never be accepted).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .config import Settings
from .encoding import dumps
from .spool import Spool
from .transport import Transport, TransportError

logger = logging.getLogger("execlave")

TRACES_PATH = "/api/v1/traces"
_RETRY_STATUSES = {401, 403, 408, 425, 429, 500, 502, 503, 504}


@dataclass
class _Flush:
    deadline: float
    done: threading.Event = field(default_factory=threading.Event)
    delivered: bool = False


class _Stop:
    pass


class MemorySpool:
    """Stand-in for :class:`Spool` when spooling is disabled: bounded, not durable."""

    def __init__(self, *, max_items: int, full_policy: str) -> None:
        self._rows: deque[tuple[int, str, str]] = deque()
        self._next = 0
        self._max = max_items
        self._policy = full_policy
        self.dropped = 0
        self.path = None

    def pending(self) -> int:
        return len(self._rows)

    def append(self, items: list[tuple[str, str]]) -> int:
        stored = 0
        for tid, body in items:
            if len(self._rows) >= self._max:
                self.dropped += 1
                if self._policy == "drop_newest":
                    continue
                self._rows.popleft()
            self._next += 1
            self._rows.append((self._next, tid, body))
            stored += 1
        return stored

    def head(self, limit: int) -> list[tuple[int, str, str]]:
        return [self._rows[i] for i in range(min(limit, len(self._rows)))]

    def remove(self, row_ids: list[int]) -> None:
        gone = set(row_ids)
        self._rows = deque(r for r in self._rows if r[0] not in gone)

    def reopen(self) -> None:
        pass

    def close(self) -> None:
        pass


class Delivery:
    def __init__(
        self, settings: Settings, transport: Transport, spool: Spool | MemorySpool
    ) -> None:
        self.settings = settings
        self.transport = transport
        self.spool = spool
        self.stats = {"queued": 0, "sent": 0, "spooled": 0, "rejected": 0, "dropped_queue_full": 0}
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=settings.max_queue_size)
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._closed = False
        self._failures = 0
        self._next_attempt = 0.0
        self._auth_logged = False

    # -- caller side -------------------------------------------------------------
    def submit(self, trace: dict[str, Any]) -> None:
        self.ensure_started()
        try:
            self._queue.put_nowait(trace)
            self.stats["queued"] += 1
        except queue.Full:
            self.stats["dropped_queue_full"] += 1
            if (
                self.stats["dropped_queue_full"] in (1, 10, 100)
                or not self.stats["dropped_queue_full"] % 1000
            ):
                logger.warning(
                    "execlave trace queue is full (%d); dropped %d trace(s) so far",
                    self.settings.max_queue_size,
                    self.stats["dropped_queue_full"],
                )

    def ensure_started(self) -> None:
        if self._thread is not None or self._closed:
            return
        with self._start_lock:
            if self._thread is None and not self._closed:
                thread = threading.Thread(target=self._run, name="execlave-delivery", daemon=True)
                thread.start()
                self._thread = thread

    def flush(self, timeout: float | None = None) -> bool:
        """Deliver everything queued so far; True when nothing is left undelivered."""
        timeout = self.settings.flush_timeout if timeout is None else timeout
        if self._thread is None:
            if self.spool.pending() == 0:
                return True
            self.ensure_started()
        marker = _Flush(deadline=time.monotonic() + timeout)
        try:
            self._queue.put(marker, timeout=timeout)
        except queue.Full:
            return False
        marker.done.wait(timeout + 0.5)
        return marker.delivered

    def close(self, timeout: float | None = None) -> bool:
        if self._closed:
            return True
        delivered = self.flush(timeout)
        self._closed = True
        thread = self._thread
        if thread is not None:
            with contextlib.suppress(queue.Full):
                self._queue.put(_Stop(), timeout=1.0)
            thread.join(timeout=2.0)
        self.spool.close()
        return delivered

    def after_fork_in_child(self) -> None:
        # The parent still owns (and will deliver) what was queued before the fork.
        self._queue = queue.Queue(maxsize=self.settings.max_queue_size)
        self._thread = None
        self._start_lock = threading.Lock()
        self.spool.reopen()

    # -- worker side -------------------------------------------------------------
    def _run(self) -> None:
        while True:
            batch, markers, stop = self._collect()
            try:
                if batch:
                    self._handle(batch)
                deadline = min((m.deadline for m in markers), default=None)
                self._drain(deadline=deadline)
            except Exception:  # noqa: BLE001 - the worker must survive anything
                logger.exception("execlave delivery worker error")
            for marker in markers:
                marker.delivered = self.spool.pending() == 0
                marker.done.set()
            if stop:
                return

    def _collect(self) -> tuple[list[dict[str, Any]], list[_Flush], bool]:
        batch: list[dict[str, Any]] = []
        markers: list[_Flush] = []
        deadline = time.monotonic() + self.settings.flush_interval
        while len(batch) < self.settings.batch_size:
            remaining = deadline - time.monotonic()
            try:
                item = (
                    self._queue.get(timeout=max(remaining, 0.0))
                    if remaining > 0
                    else self._queue.get_nowait()
                )
            except queue.Empty:
                break
            if isinstance(item, _Flush):
                markers.append(item)
                break
            if isinstance(item, _Stop):
                return batch, markers, True
            batch.append(item)
        return batch, markers, False

    def _handle(self, batch: list[dict[str, Any]]) -> None:
        encoded = [(str(t["trace_id"]), dumps(t)) for t in batch]
        if self.spool.pending() or time.monotonic() < self._next_attempt:
            self._spool(encoded)
            return
        undelivered, retry_after = self._deliver(encoded)
        if undelivered:
            self._spool(undelivered)
            self._back_off(retry_after)
        else:
            self._failures = 0

    def _spool(self, encoded: list[tuple[str, str]]) -> None:
        self.stats["spooled"] += self.spool.append(encoded)

    def _drain(self, *, deadline: float | None) -> None:
        """Send spooled rows oldest first. With a deadline (a flush) try once even in backoff."""
        forced = deadline is not None
        rounds = 0
        while self.spool.pending():
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                return
            if now < self._next_attempt and not forced:
                return
            if deadline is None and rounds >= 10:
                return  # go back to the queue now and then; new traces join the spool's tail
            forced = False
            rounds += 1
            rows = self.spool.head(self.settings.batch_size)
            timeout = (
                None if deadline is None else max(0.05, min(self.settings.timeout, deadline - now))
            )
            undelivered, retry_after = self._deliver(
                [(tid, body) for _, tid, body in rows], timeout=timeout
            )
            left = {tid for tid, _ in undelivered}
            self.spool.remove([row_id for row_id, tid, _ in rows if tid not in left])
            if undelivered:
                self._back_off(retry_after)
                return
            self._failures = 0
            self._next_attempt = 0.0

    def _back_off(self, retry_after: float | None) -> None:
        self._failures += 1
        ceiling = min(self.settings.max_retry_delay, 0.25 * 2 ** min(self._failures, 16))
        delay = random.uniform(ceiling / 2, ceiling)  # "equal jitter": never 0, never synchronised
        if retry_after is not None:
            delay = max(delay, retry_after)
        self._next_attempt = time.monotonic() + delay

    def _deliver(
        self, items: list[tuple[str, str]], *, timeout: float | None = None
    ) -> tuple[list[tuple[str, str]], float | None]:
        """POST the items; returns those still to deliver (retryable failures) and Retry-After."""
        if not items:
            return [], None
        body = ('{"traces":[' + ",".join(b for _, b in items) + "]}").encode("utf-8")
        try:
            resp = self.transport.request("POST", TRACES_PATH, body=body, timeout=timeout)
        except TransportError as exc:
            logger.debug("execlave trace delivery failed: %s", exc)
            return items, None
        if resp.ok:
            self.stats["sent"] += len(items)
            self._auth_logged = False
            return [], None
        if resp.status in _RETRY_STATUSES:
            if resp.status in (401, 403) and not self._auth_logged:
                self._auth_logged = True
                logger.error(
                    "execlave: the server refused the API key for trace ingest (%s); traces are kept"
                    " in the spool until it is fixed",
                    resp.status,
                )
            return items, resp.retry_after
        if len(items) > 1:  # 400 / 413 / other: find the offending trace(s)
            left: list[tuple[str, str]] = []
            retry_after = None
            for index, item in enumerate(items):
                rest, retry_after = self._deliver([item], timeout=timeout)
                if rest:  # a retryable failure: keep this one and everything after it, in order
                    left.extend(items[index:])
                    break
            return left, retry_after
        self.stats["rejected"] += 1
        logger.error(
            "execlave: the server rejected trace %s (%s): %s; it is dropped",
            items[0][0],
            resp.status,
            resp.body,
        )
        return [], None
