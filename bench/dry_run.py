"""Dry-run speed. ``python bench/dry_run.py [--entries 1000000] [--reuse] [--workers 2]``

Fills one organisation's ledger with N decision entries (PostgreSQL, through the real append
service; 5 % of the inputs carry an SSN, spread over 4 agents and 5 tools), then, side by side
on the same rows:

* **baseline**: the rows read in ledger order and their payload and client JSON parsed, no
  evaluation (what a replay of every call had to do before the dry-run read only what the
  policy type needs);
* **dry-run, one pass**: ``policies.testing.policy_dry_run`` of a PII policy (block SSNs) over
  the last 30 days in this process — read, parse, evaluate, count, examples — with its
  progress bar; then the same policy scoped to ``crm.*`` (one call in five), whose other
  rows are never read;
* **dry-run as tasks**: the same through ``dry_run_start``, as the API and the wizard run a
  large dry-run: django-q2 workers (``manage.py qcluster``, ``--workers``) each replay a
  ``seq`` range and the last one merges; timed from the request to the merged result, with
  the progress figure the page polls. Its counts (and the scoped run's) must equal the single
  pass's.

Goal: 1,000,000 recorded calls in < 60 s. Needs PostgreSQL at 127.0.0.1:5432 (user postgres);
recreates ``execlave_bench_dry_run`` unless ``--reuse`` finds it filled.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import chain_length, django_on, recreate_database
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
console = Console()
DEFINITION = {"name": "No SSNs", "type": "pii_access", "phase": "input",
              "threshold": {"denied_pii_types": ["ssn"]}}  # fmt: skip
AGENTS = ("billing-bot", "support-bot", "ops-bot", "sales-bot")
TOOLS = ("crm.search", "database.query", "email.send", "file.read", "http.request")


def _fill(organisation, entries: int) -> None:
    from governance.services import agent_create
    from traces.services import LedgerEvent, ledger_append

    agents = [agent_create(organisation=organisation, name=n, actor=None) for n in AGENTS]
    started_at = datetime.now(UTC) - timedelta(days=2)
    batch = 10_000
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"appending {entries:,} decision entries", total=entries)
        for start in range(0, entries, batch):
            n = min(batch, entries - start)
            events = [
                LedgerEvent(
                    trace_id=uuid.uuid4(),
                    kind="decision",
                    agent=agents[i % len(agents)],
                    tool=TOOLS[i % len(TOOLS)],
                    input={
                        "query": f"customer SSN 123-45-{i % 10000:04d}"
                        if i % 20 == 0
                        else f"select * from orders where id = {i}",
                        "user": f"u{i % 500}@example.com",
                    },
                    client={"phase": "input"},
                    server={"decision": "allow", "policies": []},
                    occurred_at=started_at + timedelta(milliseconds=i),
                )
                for i in range(start, start + n)
            ]
            ledger_append(organisation=organisation, events=events)
            progress.advance(task, n)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--database", default="execlave_bench_dry_run")
    parser.add_argument("--reuse", action="store_true", help="keep an already filled database")
    parser.add_argument("--workers", type=int, default=2, help="django-q2 workers for the tasks")
    args = parser.parse_args()

    reused = args.reuse and chain_length(args.database, "dry-run-bench") == args.entries
    url = (
        f"postgres://postgres@127.0.0.1:5432/{args.database}"
        if reused
        else recreate_database(args.database)
    )
    django_on(url, Q_WORKERS=str(args.workers), Q_POLL="0.1", Q_LOG_LEVEL="WARNING")
    from django.db import connection
    from django.utils import timezone

    from governance.models import Organisation
    from policies.replay import payload, window
    from policies.testing import policy_draft, policy_dry_run

    if reused:
        organisation = Organisation.objects.get(slug="dry-run-bench")
        console.print(f"reusing {args.entries:,} entries in {args.database}")
    else:
        organisation = Organisation.objects.create(name="Dry-run bench", slug="dry-run-bench")
        t0 = time.perf_counter()
        _fill(organisation, args.entries)
        console.print(f"filled {args.entries:,} entries in {time.perf_counter() - t0:.1f} s")
    with connection.cursor() as cursor:  # what autovacuum does after a bulk load
        cursor.execute("ANALYZE traces_ledgerentry")

    # Baseline: read and parse the same rows, evaluate nothing.
    since = timezone.now() - timedelta(days=30)
    t0 = time.perf_counter()
    rows = 0
    for _trace, _seq, text, client in (
        window(organisation, [policy_draft(organisation=organisation, definition=DEFINITION)],
               since)
        .order_by("seq")
        .values_list("trace_id", "seq", "payload", "client")
        .iterator(chunk_size=10_000)
    ):  # fmt: skip
        payload(text)
        json.loads(client)
        rows += 1
    baseline = time.perf_counter() - t0

    figures: list[tuple[float, int]] = []
    with Progress(TextColumn("dry-run"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"),
                  TimeElapsedColumn(), console=console) as progress:  # fmt: skip
        task = progress.add_task("dry-run", total=args.entries)

        def report(done: int, total: int) -> None:
            figures.append((time.perf_counter(), done))
            progress.update(task, completed=done, total=total)

        t0 = time.perf_counter()
        result = policy_dry_run(
            organisation=organisation, definition=DEFINITION, days=30, progress=report
        )
        elapsed = time.perf_counter() - t0

    first_progress = figures[1][0] - t0 if len(figures) > 1 else float("nan")
    # Scoped to one tool in five: the rows of the other tools are never read.
    t0 = time.perf_counter()
    scoped = policy_dry_run(organisation=organisation, days=30,
                            definition={**DEFINITION, "tool_patterns": ["crm.*"]})  # fmt: skip
    scoped_elapsed = time.perf_counter() - t0
    tasks, polled, answer = _as_tasks(
        organisation, {**os.environ, "LOG_LEVEL": "WARNING"}, args.workers
    )
    first_polled = next((t for t, done in polled if done > 0), float("nan"))
    table = Table(title=f"Dry-run over {result['scanned']:,} recorded calls (PostgreSQL)")
    for column in ("what", "seconds", "calls/s", "vs baseline"):
        table.add_column(column, justify="right" if column != "what" else "left")
    table.add_row("baseline: read + parse", f"{baseline:.1f}", f"{rows / baseline:,.0f}", "1.00x")
    table.add_row("dry-run, one pass (PII policy)", f"{elapsed:.1f}",
                  f"{result['scanned'] / elapsed:,.0f}", f"{elapsed / baseline:.2f}x")  # fmt: skip
    table.add_row("dry-run, one pass, scoped to crm.* (1 call in 5)", f"{scoped_elapsed:.1f}",
                  f"{scoped['scanned'] / scoped_elapsed:,.0f}",
                  f"{scoped_elapsed / baseline:.2f}x")  # fmt: skip
    table.add_row(f"dry-run as tasks, {answer['parts']} part(s) on {args.workers} worker(s)",
                  f"{tasks:.1f}", f"{answer['scanned'] / tasks:,.0f}",
                  f"{tasks / baseline:.2f}x")  # fmt: skip
    console.print(table)
    same = answer["totals"] == result["totals"] and answer["groups"] == _groups(result)
    crm = [g for g in result["by_agent_tool"] if g["tool"] == "crm.search"]
    same = same and scoped["totals"]["block"] == sum(g["block"] for g in crm)
    console.print(
        f"blocked {result['totals']['block']:,}, allowed {result['totals']['allow']:,}; "
        f"tasks' and scoped counts {'equal' if same else 'DIFFER from'} the single pass's; "
        f"progress: one pass {len(figures)} updates (first after {first_progress:.1f} s), "
        f"tasks {len({done for _, done in polled})} distinct figures polled (first after "
        f"{first_polled:.1f} s); goal < 60 s: {'met' if min(elapsed, tasks) < 60 else 'NOT met'}"
    )
    console.print(f"load average at the end: {os.getloadavg()[0]:.2f} (1 min)")
    if not same:
        raise SystemExit(1)


def _groups(result: dict) -> list:
    return [(g["agent"], g["tool"], g["block"], [e["seq"] for e in g["example_traces"]])
            for g in result["by_agent_tool"]]  # fmt: skip


def _as_tasks(organisation, env: dict[str, str], workers: int):
    """The dry-run through ``dry_run_start`` on a real django-q2 cluster; (seconds, polled
    progress [(seconds, done)], {"parts", "scanned", "totals", "groups"})."""
    from django.db import connections
    from django_q.tasks import async_task, result

    from policies.models import DryRun, DryRunStatus
    from policies.testing import dry_run_start, policy_draft

    connections.close_all()
    log = (ROOT / "var" / "bench-dry-run-qcluster.log").open("w")
    cluster = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        if result(async_task("math.floor", 1.5), wait=120_000) != 1:
            raise SystemExit("the django-q2 cluster did not start (var/bench-dry-run-qcluster.log)")
        policy = policy_draft(organisation=organisation, definition=DEFINITION)
        polled: list[tuple[float, int]] = []
        with Progress(TextColumn("tasks  "), BarColumn(),
                      TextColumn("{task.completed:,}/{task.total:,}"), TimeElapsedColumn(),
                      console=console) as progress:  # fmt: skip
            bar = progress.add_task("tasks", total=1)
            t0 = time.perf_counter()
            run = dry_run_start(organisation=organisation, policy=policy, days=30)
            while run.status not in (DryRunStatus.DONE, DryRunStatus.FAILED):
                time.sleep(0.25)
                run = DryRun.objects.get(pk=run.pk)
                polled.append((time.perf_counter() - t0, run.done))
                progress.update(bar, completed=run.done, total=run.total or 1)
            elapsed = time.perf_counter() - t0
        if run.status == DryRunStatus.FAILED:
            raise SystemExit(f"the dry-run task failed: {run.error}")
        answer = {"parts": len(run.parts), "scanned": run.result["scanned"],
                  "totals": run.result["totals"], "groups": _groups(run.result)}  # fmt: skip
        return elapsed, polled, answer
    finally:
        cluster.terminate()
        cluster.wait(timeout=60)
        log.close()


if __name__ == "__main__":
    main()
