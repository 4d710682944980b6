"""Under load, does background work keep time? (issue 19)

Runs Execlave as production runs it: two app servers (uvicorn), two django-q2 workers on Redis,
the approvals timekeeper, one PostgreSQL. For ``--seconds`` (60) agents post ``/check`` calls and
batches of cost-carrying traces through both servers; some calls pause for approval and nobody
decides them, so each one is escalated (``escalate_after`` 10 s) and then expires (20 s). Then it
prints, against the targets:

- expiry recorded after the deadline (median <= 2 s, worst <= 5 s);
- every approval that outlived ``escalate_after`` escalated exactly once;
- reported costs counted against the budget (median and worst after ingestion, <= 5 s);
- the task backlog's peak (queued tasks on Redis, sampled every 0.2 s);
- zero loss: every accepted trace stored once, the chain verifies, the budget's spend equals the
  reported costs, no approval expired twice, each schedule tick run once.

    .venv/bin/python bench/under_load.py                      # 60 s, database execlave_bench_load
    .venv/bin/python bench/under_load.py --seconds 20 --clients 6
    .venv/bin/python bench/under_load.py --compare            # first without the timekeeper

``--compare`` runs the same load first with the schedules alone (the 60 s tick, as before the
timekeeper) and prints both side by side.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import redis
from _common import free_port, recreate_database
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
console = Console()

DB_NAME = "execlave_bench_load"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
APPROVAL_TIMEOUT, ESCALATE_AFTER = 20, 10
BATCH = 50
# One queue name for the whole process: django-q2 reads its configuration once, at import.
CLUSTER = f"bench-load-{uuid.uuid4().hex[:8]}"


def environment(database_url: str, cluster: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "Q_CLUSTER_NAME": cluster,
        "Q_WORKERS": "2",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "THROTTLE_BURST": "1000000/second",
        "THROTTLE_SUSTAINED": "1000000000/hour",
        "DATABASE_CONN_MAX_AGE": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def seed(env: dict[str, str]) -> str:
    """An organisation with a budget and an approval policy; returns an agent key."""
    for key, value in env.items():
        os.environ[key] = value
    import django

    django.setup()
    from governance import services
    from policies.services import policy_create
    from tests.factories import UserFactory

    owner = UserFactory(username="load-owner@example.com")
    org = services.organisation_create(name="Load", slug="load", owner=owner)
    services.agent_create(organisation=org, name="load-bot", actor=owner)
    _, key = services.api_key_create(
        organisation=org, name="load", actor=owner, scopes=["check", "ingest", "read"]
    )
    policy_create(organisation=org, actor=owner, name="Daily spend", type="budget_cap",
                  mode="block", threshold={"amount": "1000000", "period": "day"})  # fmt: skip
    policy_create(organisation=org, actor=owner, name="Payments need a person",
                  type="action_approval", mode="require_approval",
                  threshold={"restricted_actions": ["payments.send"],
                             "approval_timeout": APPROVAL_TIMEOUT,
                             "escalate_after": ESCALATE_AFTER,
                             "escalation_contacts": ["cfo@example.com"]})  # fmt: skip
    from django.db import connections

    connections.close_all()
    return key


def wait_for_http(port: int, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/health")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server on port {port} did not start")


class Processes:
    def __init__(self, env: dict[str, str], timekeeper: bool):
        self.env = env
        self.ports = [free_port(), free_port()]
        self.procs: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        (ROOT / "var" / "bench-load").mkdir(parents=True, exist_ok=True)
        for port in self.ports:
            self._start("-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
                        "--port", str(port), "--log-level", "warning", "--no-access-log")  # fmt: skip
        for _ in range(2):
            self._start("manage.py", "qcluster")
        if timekeeper:
            self._start("manage.py", "timekeeper")
        try:
            for port in self.ports:
                wait_for_http(port)
            self._wait_for_workers()
        except BaseException:
            self.stop()  # never leave workers running against the next run's database
            raise

    def _start(self, *args: str) -> None:
        # Output to files, not pipes: a worker logging into a pipe nobody reads blocks when the
        # pipe fills, and the bench would measure that instead.
        log = ROOT / "var" / "bench-load" / f"{len(self.procs)}-{Path(args[-1]).name}.log"
        self.logs.append(log)
        with log.open("w") as out:
            self.procs.append(
                subprocess.Popen(
                    [sys.executable, *args],
                    cwd=ROOT,
                    env=self.env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
            )

    def _wait_for_workers(self) -> None:
        """Until a task round-trips through Redis: the load must not start before the workers."""
        from django_q.tasks import async_task, result

        task_id = async_task("math.floor", 1.5)
        if result(task_id, wait=120_000) != 1:
            raise SystemExit(f"the django-q2 workers did not start; logs in {self.logs[0].parent}")

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


@dataclass
class Load:
    accepted: int = 0
    checks: int = 0
    approvals: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    costs: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def agent_loop(port: int, key: str, until: float, pause_until: float, load: Load, n: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def post(path: str, body: dict) -> dict:
        conn.request("POST", path, json.dumps(body), headers)
        response = conn.getresponse()
        data = response.read()
        if response.status >= 300:
            with load.lock:
                load.errors.append(f"{path} {response.status} {data[:200]!r}")
            return {}
        return json.loads(data)

    i = 0
    while time.monotonic() < until:
        i += 1
        traces = [
            {"trace_id": str(uuid.uuid4()), "agent": "load-bot", "tool": "llm.chat",
             "input": {"prompt": "hello"}, "output": {"text": "hi"}, "status": "ok",
             "cost": "0.01"}
            for _ in range(BATCH)
        ]  # fmt: skip
        answer = post("/api/v1/traces", {"traces": traces})
        checked = post("/api/v1/check", {"trace_id": str(uuid.uuid4()), "agent": "load-bot",
                                         "tool": "search.web", "input": {"q": "x"}})  # fmt: skip
        with load.lock:
            load.accepted += answer.get("accepted", 0)
            load.costs += 0.01 * answer.get("accepted", 0)
            load.checks += bool(checked)
        if i % 10 == n % 10 and time.monotonic() < pause_until:
            paused = post("/api/v1/check", {"trace_id": str(uuid.uuid4()), "agent": "load-bot",
                                            "tool": "payments.send", "input": {"amount": 5}})  # fmt: skip
            if paused.get("approval"):
                with load.lock:
                    load.approvals.append(paused["approval"]["id"])


def backlog_sampler(queue: str, stop: threading.Event, samples: list[int]) -> None:
    r = redis.Redis.from_url(REDIS_URL)
    while not stop.is_set():
        samples.append(r.llen(queue))
        stop.wait(0.2)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def measure(load: Load, started_at, ended_at) -> dict:
    """Read the outcome from the database (the bench's process has Django set up)."""
    from django.db import connections
    from django.db.models import Count
    from django_q.models import Task

    from approvals.models import Approval, ApprovalStatus
    from governance.audit import AuditAction
    from governance.models import AuditLog, Organisation
    from policies.models import BudgetReservation, BudgetWindow
    from traces.models import EventKind, LedgerEntry
    from traces.verification import ledger_verify

    connections.close_all()
    org = Organisation.objects.get(slug="load")
    approvals = list(Approval.objects.filter(pk__in=load.approvals))
    lags = [
        (a.decided_at - a.expires_at).total_seconds()
        for a in approvals
        if a.status == ApprovalStatus.EXPIRED
    ]
    expired_twice = (
        AuditLog.objects.filter(action=AuditAction.APPROVAL_EXPIRED, organisation=org)
        .values("object_id").annotate(n=Count("id")).filter(n__gt=1).count()
    )  # fmt: skip
    escalations = dict(
        AuditLog.objects.filter(action=AuditAction.APPROVAL_ESCALATED, organisation=org)
        .values_list("object_id").annotate(n=Count("id"))
    )  # fmt: skip
    escalated_once = sum(1 for a in approvals if escalations.get(str(a.pk)) == 1)
    escalation_lags = [
        (a.escalated_at - a.escalate_at).total_seconds() for a in approvals if a.escalated_at
    ]
    recorded = dict(
        LedgerEntry.objects.filter(organisation=org, kind=EventKind.COMPLETION)
        .values_list("trace_id", "recorded_at")
    )  # fmt: skip
    completions = LedgerEntry.objects.filter(organisation=org, kind=EventKind.COMPLETION)
    duplicated = completions.values("trace_id").annotate(n=Count("id")).filter(n__gt=1).count()
    cost_lags = [
        (r.reconciled_at - recorded[r.trace_id]).total_seconds()
        for r in BudgetReservation.objects.filter(organisation=org, reconciled_at__isnull=False)
        if r.trace_id in recorded
    ]
    window = BudgetWindow.objects.filter(organisation=org).order_by("-spent").first()
    verification = ledger_verify(organisation=org)
    reconcile_tasks = Task.objects.filter(func="checks.tasks.reconcile_costs").count()
    schedule_runs = dict(
        Task.objects.filter(started__gte=started_at, group__startswith="approvals:")
        .values_list("group").annotate(n=Count("id"))
    )  # fmt: skip
    return {
        "approvals": len(approvals),
        "expired": len(lags),
        "expiry_median": statistics.median(lags) if lags else float("nan"),
        "expiry_worst": max(lags, default=float("nan")),
        "escalated_once": escalated_once,
        "escalation_worst": max(escalation_lags, default=float("nan")),
        "expired_twice": expired_twice,
        "cost_median": statistics.median(cost_lags) if cost_lags else float("nan"),
        "cost_worst": max(cost_lags, default=float("nan")),
        "costed_traces": len(cost_lags),
        "accepted": load.accepted,
        "stored": completions.count(),
        "duplicated": duplicated,
        "chain_ok": bool(getattr(verification, "ok", verification)),
        "spent": float(window.spent) if window else 0.0,
        "reported": round(load.costs, 2),
        "reconcile_tasks": reconcile_tasks,
        "schedule_runs": schedule_runs,
        "errors": len(load.errors),
    }


def run(seconds: int, clients: int, timekeeper: bool) -> dict:
    database_url = recreate_database(DB_NAME)
    cluster = CLUSTER
    env = environment(database_url, cluster)
    manage(env, "migrate", "--noinput")
    key = seed(env)
    queue = f"django_q:{cluster}:q"
    procs = Processes(env, timekeeper=timekeeper)
    load, samples, stop = Load(), [], threading.Event()
    sampler = threading.Thread(target=backlog_sampler, args=(queue, stop, samples), daemon=True)
    from django.utils import timezone

    started_at = timezone.now()
    try:
        sampler.start()
        begin = time.monotonic()
        until, pause_until = begin + seconds, begin + max(1, seconds - APPROVAL_TIMEOUT - 2)
        agents = [
            threading.Thread(
                target=agent_loop,
                args=(procs.ports[n % 2], key, until, pause_until, load, n),
                daemon=True,
            )
            for n in range(clients)
        ]
        for agent in agents:
            agent.start()
        label = "with the timekeeper" if timekeeper else "schedules only"
        with Progress(TextColumn(f"load ({label})"), BarColumn(), TimeElapsedColumn(),
                      TextColumn("{task.fields[info]}"), console=console) as progress:  # fmt: skip
            task = progress.add_task("load", total=seconds, info="")
            while any(a.is_alive() for a in agents):
                time.sleep(0.5)
                progress.update(
                    task,
                    completed=min(seconds, time.monotonic() - begin),
                    info=f"{load.accepted:,} traces, {len(load.approvals)} approvals, "
                    f"backlog {samples[-1] if samples else 0}",
                )
        ended_at = timezone.now()
        # Let the last deadlines pass (every approval was requested >= 22 s before the end),
        # and the queue drain, before reading the outcome.
        time.sleep(6)
    finally:
        stop.set()
        procs.stop()
        redis.Redis.from_url(REDIS_URL).delete(queue)
    result = measure(load, started_at, ended_at)
    result["backlog_peak"] = max(samples, default=0)
    from django.db import connections

    connections.close_all()  # the next run drops and recreates the database
    if load.errors:
        console.print(f"[red]{len(load.errors)} request errors, first: {load.errors[0]}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=8, help="agent threads (both servers)")
    parser.add_argument("--compare", action="store_true", help="also run without the timekeeper")
    args = parser.parse_args()
    if args.seconds < APPROVAL_TIMEOUT + 5:
        parser.error(f"--seconds must be at least {APPROVAL_TIMEOUT + 5} (approvals must expire)")
    runs = {}
    if args.compare:
        runs["schedules only"] = run(args.seconds, args.clients, timekeeper=False)
    runs["timekeeper"] = run(args.seconds, args.clients, timekeeper=True)

    table = Table(title=f"Under load: {args.seconds} s, {args.clients} agents, 2 servers + "
                        "2 workers on Redis + PostgreSQL")  # fmt: skip
    table.add_column("figure")
    table.add_column("target")
    for name in runs:
        table.add_column(name, justify="right")

    def row(label: str, target: str, fmt) -> None:
        table.add_row(label, target, *(fmt(r) for r in runs.values()))

    row("approvals requested / expired", "all expire",
        lambda r: f"{r['approvals']} / {r['expired']}")  # fmt: skip
    row("expiry after deadline, median", "<= 2 s", lambda r: f"{r['expiry_median']:.2f} s")
    row("expiry after deadline, worst", "<= 5 s", lambda r: f"{r['expiry_worst']:.2f} s")
    row("escalated exactly once", "all",
        lambda r: f"{r['escalated_once']} of {r['approvals']} (worst {r['escalation_worst']:.1f} s late)")  # fmt: skip
    row("approvals expired twice", "0", lambda r: str(r["expired_twice"]))
    row("cost counted after ingestion, median", "",
        lambda r: f"{r['cost_median']:.2f} s")  # fmt: skip
    row("cost counted after ingestion, worst", "<= 5 s", lambda r: f"{r['cost_worst']:.2f} s")
    row("reconcile tasks run", "bounded", lambda r: f"{r['reconcile_tasks']:,}")
    row("task backlog peak (Redis)", "bounded", lambda r: f"{r['backlog_peak']:,}")
    row("traces accepted / stored / duplicated", "equal, 0",
        lambda r: f"{r['accepted']:,} / {r['stored']:,} / {r['duplicated']}")  # fmt: skip
    row("budget spend = reported costs", "equal",
        lambda r: f"{r['spent']:.2f} = {r['reported']:.2f}")  # fmt: skip
    row("chain verifies", "yes", lambda r: "yes" if r["chain_ok"] else "NO")
    row("schedule runs (per schedule)", "one per tick",
        lambda r: ", ".join(f"{v}" for v in r["schedule_runs"].values()) or "none due")  # fmt: skip
    row("request errors", "0", lambda r: str(r["errors"]))
    console.print(table)
    r = runs["timekeeper"]
    met = (
        r["expiry_median"] <= 2 and r["expiry_worst"] <= 5
        and r["escalated_once"] == r["approvals"] and r["expired_twice"] == 0
        and r["cost_worst"] <= 5 and r["accepted"] == r["stored"] and r["duplicated"] == 0
        and r["chain_ok"] and abs(r["spent"] - r["reported"]) < 0.005 and r["errors"] == 0
    )  # fmt: skip
    console.print("[green]targets met" if met else "[red]targets NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
