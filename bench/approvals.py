"""Does a crowd of agents waiting for approval slow down everyone else?

Serves the app the way production does (uvicorn, ASGI), then measures ``POST /api/v1/check``
latency side by side: without, and with N agents (200 by default) long-polling
``GET /api/v1/approvals/<id>?wait=60`` the whole time. Goal: p99 with waiters <= 2x p99 without.
It also reports how quickly a decision reaches a waiting agent and, on PostgreSQL, how many
database connections the waiters hold.

    .venv/bin/python bench/approvals.py                     # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/execlave_bench_approvals \\
        .venv/bin/python bench/approvals.py                 # PostgreSQL (database recreated)
    .venv/bin/python bench/approvals.py --requests 4000 --concurrency 16 --waiters 200 --rounds 3

Rounds alternate (without, with, without, with, ...) so drift affects both sides alike.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

from _common import free_port
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
console = Console()

SQLITE_PATH = ROOT / "var" / "bench-approvals.sqlite3"
CHECK_PATH = "/api/v1/check"


# --- the database and the server -------------------------------------------------------------------


SETTINGS = os.environ.get("BENCH_SETTINGS", "config.settings.base")


def server_env() -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DEBUG": "false",
        "THROTTLE_BURST": "1000000/second",
        "THROTTLE_SUSTAINED": "1000000000/hour",
        "LOG_LEVEL": "WARNING",
        # Under ASGI every request runs in its own thread; a persistent connection per thread
        # outlives the thread and exhausts PostgreSQL's max_connections (measured: "too many
        # clients" 500s at 8 concurrent clients). Connections are opened per request instead.
        "DATABASE_CONN_MAX_AGE": "0",
    }
    if not os.environ.get("DATABASE_URL"):
        env["SQLITE_PATH"] = str(SQLITE_PATH)
    return env


def recreate_database() -> str:
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parsed = urlparse(url)
        name = parsed.path.lstrip("/")
        with psycopg.connect(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 5432,
            user=parsed.username or "postgres",
            password=parsed.password,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"PostgreSQL ({name})"
    SQLITE_PATH.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    return f"SQLite ({SQLITE_PATH.relative_to(ROOT)})"


def migrate() -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=server_env(),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def setup_django() -> None:
    for key, value in server_env().items():
        os.environ[key] = value
    import django

    django.setup()


def seed(waiters: int) -> tuple[str, list[str]]:
    """An organisation with realistic policies, an agent key, and ``waiters`` pending requests."""
    from approvals.services import approval_request_create
    from governance import services
    from governance.models import Agent
    from tests.factories import UserFactory

    owner = UserFactory(username="bench-owner@example.com")
    org = services.organisation_create(name="Bench", slug="bench", owner=owner)
    agent = services.agent_create(organisation=org, name="bench-bot", actor=owner)
    _, key = services.api_key_create(organisation=org, name="bench", actor=owner, scopes=["check"])
    created = []
    try:
        from policies.services import policy_create

        specs = [
            (
                "Destructive SQL",
                "action_approval",
                "require_approval",
                {"restricted_actions": ["database.delete"]},
            ),
            (
                "No card numbers",
                "pii_access",
                "block",
                {"denied_pii_types": ["credit_card", "ssn"]},
            ),
            ("Expensive calls", "cost_limit", "warn", {"max_cost_per_call": "5.00"}),
            ("Injection", "prompt_injection", "monitor", {}),
        ]
        for name, kind, mode, threshold in specs:
            try:
                policy_create(
                    organisation=org,
                    actor=owner,
                    name=name,
                    type=kind,
                    mode=mode,
                    threshold=threshold,
                )
                created.append(name)
            except Exception as exc:  # noqa: BLE001 - the bench runs with whatever policies exist
                console.print(f"[yellow]policy {name!r} not created: {exc}")
    except ImportError:
        console.print("[yellow]policies.services not available: /check runs with no policies")
    approval_ids = [
        str(
            approval_request_create(
                organisation=org,
                trace_id=uuid.uuid4(),
                agent=Agent.objects.get(pk=agent.pk),
                tool="database.delete",
                input={"table": "orders", "id": i},
                policy=None,
                reason="bench",
                timeout_seconds=3600,
                required_role="reviewer",
            ).pk
        )
        for i in range(waiters)
    ]
    console.print(f"Seeded: policies {created or 'none'}, {waiters} pending approval requests.")
    return key, approval_ids


class Server:
    """``uvicorn`` (ASGI, the way Execlave is served) or, for comparison only,
    ``gunicorn-gthread`` (WSGI: every waiting agent then holds a worker thread)."""

    def __init__(self, workers: int, kind: str = "uvicorn", threads: int = 4):
        self.port = free_port()
        if kind == "uvicorn":
            command = [
                sys.executable,
                "-m",
                "uvicorn",
                "config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                "--no-access-log",
            ]
        else:
            command = [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(threads),
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=server_env())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{kind} did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- load ----------------------------------------------------------------------------------------


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


# --- report --------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000, help="checks per round and side")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent /check clients")
    parser.add_argument("--waiters", type=int, default=200, help="agents long-polling at once")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument(
        "--server",
        choices=["uvicorn", "gunicorn-gthread"],
        default="uvicorn",
        help="gunicorn-gthread (WSGI) only to show why the app is served by ASGI",
    )
    args = parser.parse_args()

    database = recreate_database()
    console.print(
        f"[bold]Approvals long-poll benchmark[/] on {database}, {args.server} x{args.workers}"
    )
    migrate()
    setup_django()
    key, approval_ids = seed(args.waiters)

    server = Server(args.workers, args.server)
    results = {
        "without": {"latencies": [], "errors": {}, "wall": 0.0},
        "with": {"latencies": [], "errors": {}, "wall": 0.0},
    }
    peaks: dict[str, dict[str, int | None]] = {"without": {}, "with": {}}
    wake: list[float] = []
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            check_load(server.port, key, 200, args.concurrency)  # warm-up
            idle_threads = server_threads(server.process.pid)
            for round_no in range(1, args.rounds + 1):
                for side in ("without", "with"):
                    progress.console.print(
                        f"round {round_no}: {side} {args.waiters} waiting agents"
                    )
                    waiters = None
                    if side == "with":
                        waiters = Waiters(server.port, key, approval_ids)
                        waiters.wait_connected()
                    sampler = Sampler(server.process.pid)
                    sampler.start()
                    outcome = check_load(
                        server.port, key, args.requests, args.concurrency, progress
                    )
                    sampler.stop()
                    peak = peaks[side]
                    peak["threads"] = max(peak.get("threads") or 0, sampler.threads)
                    if sampler.connections is not None:
                        peak["connections"] = max(peak.get("connections") or 0, sampler.connections)
                    if waiters is not None:
                        peak["polls"] = (peak.get("polls") or 0) + waiters.polls
                    results[side]["latencies"] += outcome["latencies"]
                    results[side]["wall"] += outcome["wall"]
                    for k, v in outcome["errors"].items():
                        results[side]["errors"][k] = results[side]["errors"].get(k, 0) + v
                    if waiters is not None:
                        progress.console.print(f"  waiters: {waiters.summary()}")
                        if round_no == args.rounds:
                            progress.console.print("deciding every waited-on request …")
                            wake = wake_latency(waiters, approval_ids)
                        waiters.stop()
                        # The server notices a vanished client only when the wait ends; let
                        # those waits run out so the next "without" side really has none.
                        settle_until = time.monotonic() + 40
                        while (
                            server_threads(server.process.pid)
                            > idle_threads + args.concurrency + 10
                            and time.monotonic() < settle_until
                        ):
                            time.sleep(0.5)
    finally:
        server.stop()

    table = Table(
        title=f"POST /api/v1/check — {args.requests * args.rounds} calls per side, {args.concurrency} concurrent clients"
    )
    table.add_column("")
    table.add_column("without waiters", justify="right")
    table.add_column(f"with {args.waiters} long-polls", justify="right")
    table.add_column("ratio", justify="right")
    for label, q in (("p50 ms", 50), ("p95 ms", 95), ("p99 ms", 99)):
        a, b = pct(results["without"]["latencies"], q), pct(results["with"]["latencies"], q)
        table.add_row(label, f"{a:.1f}", f"{b:.1f}", f"{b / a:.2f}x")
    a, b = max(results["without"]["latencies"]), max(results["with"]["latencies"])
    table.add_row("max ms", f"{a:.1f}", f"{b:.1f}", f"{b / a:.2f}x")
    ta = len(results["without"]["latencies"]) / results["without"]["wall"]
    tb = len(results["with"]["latencies"]) / results["with"]["wall"]
    table.add_row("throughput /s", f"{ta:.0f}", f"{tb:.0f}", f"{tb / ta:.2f}x")
    table.add_row(
        "failed checks",
        str(sum(results["without"]["errors"].values())),
        str(sum(results["with"]["errors"].values())),
        "",
    )
    table.add_row(
        "server threads (peak)", str(peaks["without"]["threads"]), str(peaks["with"]["threads"]), ""
    )
    if peaks["with"].get("connections") is not None:
        table.add_row(
            "DB connections (peak)",
            str(peaks["without"]["connections"]),
            str(peaks["with"]["connections"]),
            "",
        )
    console.print(table)
    if wake:
        console.print(
            f"Decision -> waiting agent: p50 {statistics.median(wake):.0f} ms, p99 {pct(wake, 99):.0f} ms, "
            f"max {max(wake):.0f} ms ({len(wake)}/{len(approval_ids)} agents woken; decided from another "
            "process, so each waiter learns it at its server's next watcher tick)."
        )
    for side in ("without", "with"):
        if results[side]["errors"]:
            console.print(f"[red]{side}: non-2xx or failed checks {results[side]['errors']}")
    ratio = pct(results["with"]["latencies"], 99) / pct(results["without"]["latencies"], 99)
    verdict = "[green]meets[/]" if ratio <= 2 else "[red]misses[/]"
    console.print(f"p99 ratio {ratio:.2f}x — {verdict} the goal of <= 2x.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
