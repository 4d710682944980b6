"""``bench/approvals.py``'s load: /check clients, the long-polling agents waiting for approval
(in a process of their own), a sampler of the server's threads and database connections, and
how quickly a decision reaches a waiting agent."""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
import time
import uuid
from pathlib import Path

from rich.progress import Progress

CHECK_PATH = "/api/v1/check"


def check_load(
    port: int, key: str, total: int, concurrency: int, progress: Progress | None = None
) -> dict:
    """``total`` checks from ``concurrency`` keep-alive clients; latencies in milliseconds."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    remaining = [total]
    task = progress.add_task("checks", total=total) if progress else None
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            body = json.dumps(
                {
                    "trace_id": str(uuid.uuid4()),
                    "agent": "bench-bot",
                    "tool": "database.query",
                    "input": {
                        "query": "SELECT id, total FROM orders WHERE customer_id = 42 LIMIT 20",
                        "note": "call jane.doe@example.com if empty",
                    },
                    "context": {"estimated_cost": "0.02"},
                }
            )
            started = time.perf_counter()
            try:
                conn.request("POST", CHECK_PATH, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                elapsed = (time.perf_counter() - started) * 1000
                outcome = (
                    str(response.status)
                    if response.status != 200
                    else json.loads(payload).get("decision", "?")
                )
            except (OSError, http.client.HTTPException) as exc:
                elapsed = (time.perf_counter() - started) * 1000
                outcome = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with lock:
                latencies.append(elapsed)
                if outcome not in ("allow", "warn"):
                    errors[outcome] = errors.get(outcome, 0) + 1
            if progress:
                progress.advance(task)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    if progress:
        progress.remove_task(task)
    return {"latencies": latencies, "errors": errors, "wall": wall}


async def _long_poll(port: int, key: str, approval_id: str, wait: int, report) -> None:
    # The first wait is spread over 1..wait seconds so the re-asks of independent agents
    # arrive steadily (about N/wait per second), not in lockstep.
    this_wait = 1 + (int(approval_id[:8], 16) % wait)
    while True:
        request = (
            f"GET /api/v1/approvals/{approval_id}?wait={this_wait} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {key}\r\nConnection: close\r\n\r\n"
        ).encode()
        this_wait = wait
        report("poll")
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            await writer.drain()
            report("sent")
            raw = await reader.read()
            report("done")
            writer.close()
            head, _, body = raw.partition(b"\r\n\r\n")
            status = json.loads(body).get("status") if head.split(b" ")[1] == b"200" else "error"
        except (OSError, ValueError, IndexError):
            report("error")
            await asyncio.sleep(0.5)
            continue
        if status != "pending":
            report("answer", approval_id, time.monotonic(), status)
            return


def _waiters_process(port: int, key: str, ids: list[str], wait: int, events, stop) -> None:
    """The waiting agents, in their own process so they never share a GIL with the
    /check clients being measured. ``time.monotonic`` is system-wide on Linux, so the
    answer times compare with the parent's decision times."""
    batch: list = []

    def report(*event) -> None:
        batch.append(event)

    async def main() -> None:
        tasks = [asyncio.create_task(_long_poll(port, key, i, wait, report)) for i in ids]
        while not stop.is_set():
            await asyncio.sleep(0.05)
            if batch:
                events.put(list(batch))
                batch.clear()
        for task in tasks:
            task.cancel()
        if batch:
            events.put(list(batch))

    asyncio.run(main())


class Waiters:
    """N agents long-polling their approvals the way the SDK does: ``wait=25``, asked again
    whenever a wait ends still pending."""

    def __init__(self, port: int, key: str, approval_ids: list[str], wait: int = 25):
        import multiprocessing

        self.ids = approval_ids
        self.polls = self.in_flight = self.errors = 0
        self.answers: dict[str, tuple[float, str]] = {}  # id -> (monotonic time answered, status)
        context = multiprocessing.get_context("spawn")
        self.events = context.Queue()
        self.stopping = context.Event()
        self.process = context.Process(
            target=_waiters_process,
            args=(port, key, approval_ids, wait, self.events, self.stopping),
            daemon=True,
        )
        self.process.start()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        import queue

        while self.process.is_alive() or not self.events.empty():
            try:
                batch = self.events.get(timeout=0.2)
            except queue.Empty:
                continue
            for kind, *rest in batch:
                if kind == "poll":
                    self.polls += 1
                elif kind == "sent":
                    self.in_flight += 1
                elif kind == "done":
                    self.in_flight -= 1
                elif kind == "error":
                    self.errors += 1
                elif kind == "answer":
                    approval_id, at, status = rest
                    self.answers[approval_id] = (at, status)

    def wait_connected(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.in_flight < len(self.ids) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # let the server park them all

    def summary(self) -> str:
        return f"{self.in_flight} waiting, {self.polls} long-poll requests so far, {self.errors} errors"

    def stop(self) -> None:
        self.stopping.set()
        self.process.join(10)
        self.reader.join(5)


def server_threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return -1


def pg_connections() -> int | None:
    from django.conf import settings
    from django.db import connection

    if not settings.IS_POSTGRES:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


class Sampler(threading.Thread):
    """Peak server threads and database connections while a side runs."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.threads = 0
        self.connections: int | None = None
        self.stopping = threading.Event()

    def run(self) -> None:
        from django.db import connection

        try:
            while not self.stopping.is_set():
                self.threads = max(self.threads, server_threads(self.pid))
                count = pg_connections()
                if count is not None:
                    self.connections = max(self.connections or 0, count)
                self.stopping.wait(0.25)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join()


def wake_latency(waiters: Waiters, approval_ids: list[str]) -> list[float]:
    """Approve every waited-on request from this process (as a reviewer in another server
    process would) and time how long each agent takes to hear it."""
    from django.contrib.auth import get_user_model

    from approvals.models import Approval
    from approvals.services import approval_decide

    owner = get_user_model().objects.get(username="bench-owner@example.com")
    decided_at: dict[str, float] = {}
    for approval_id in approval_ids:
        approval_decide(
            approval=Approval.objects.get(pk=approval_id), actor=owner, verdict="approve"
        )
        decided_at[approval_id] = time.monotonic()
        time.sleep(0.005)
    deadline = time.monotonic() + 10
    while len(waiters.answers) < len(approval_ids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [
        (waiters.answers[i][0] - decided_at[i]) * 1000
        for i in approval_ids
        if i in waiters.answers and waiters.answers[i][1] == "approved"
    ]
