"""Dry-run speed. ``python bench/dry_run.py [--entries 1000000] [--reuse]``

Fills one organisation's ledger with N decision entries (PostgreSQL, through the real append
service; 5 % of the inputs carry an SSN, spread over 4 agents and 5 tools), then, side by side
on the same rows:

* **dry-run**: ``policies.testing.policy_dry_run`` of a PII policy (block SSNs) over the last
  30 days — read, parse, evaluate, count, examples — with its progress figure;
* **baseline**: the same rows read the same way and their payloads parsed, no evaluation (the
  least a replay must do).

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

import psycopg
from _common import recreate_database
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
console = Console()
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


def _filled(database: str) -> int | None:
    try:
        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:5432/{database}", connect_timeout=3
        ) as conn:
            row = conn.execute(
                "SELECT c.length FROM traces_ledgerchain c JOIN governance_organisation o"
                " ON o.id = c.organisation_id WHERE o.slug = 'dry-run-bench'"
            ).fetchone()
    except psycopg.Error:
        return None
    return row[0] if row else None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--database", default="execlave_bench_dry_run")
    parser.add_argument("--reuse", action="store_true", help="keep an already filled database")
    args = parser.parse_args()

    reused = args.reuse and _filled(args.database) == args.entries
    url = (
        f"postgres://postgres@127.0.0.1:5432/{args.database}"
        if reused
        else recreate_database(args.database)
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.base",
           "LEDGER_SIGNING_KEY": "bench-ledger-key", "LOG_LEVEL": "WARNING"}  # fmt: skip
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                   env=env, check=True)  # fmt: skip
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "LEDGER_SIGNING_KEY")}
    )
    import django

    django.setup()
    from django.utils import timezone

    from governance.models import Organisation
    from policies.testing import _payload, _recorded, policy_dry_run

    if reused:
        organisation = Organisation.objects.get(slug="dry-run-bench")
        console.print(f"reusing {args.entries:,} entries in {args.database}")
    else:
        organisation = Organisation.objects.create(name="Dry-run bench", slug="dry-run-bench")
        t0 = time.perf_counter()
        _fill(organisation, args.entries)
        console.print(f"filled {args.entries:,} entries in {time.perf_counter() - t0:.1f} s")

    # Baseline: read and parse the same rows, evaluate nothing.
    since = timezone.now() - timedelta(days=30)
    t0 = time.perf_counter()
    rows = 0
    for _trace, _seq, payload, client in (
        _recorded(organisation, ["decision"], since)
        .order_by("seq")
        .values_list("trace_id", "seq", "payload", "client")
        .iterator(chunk_size=5000)
    ):
        _payload(payload)
        json.loads(client)
        rows += 1
    baseline = time.perf_counter() - t0

    definition = {"name": "No SSNs", "type": "pii_access", "phase": "input",
                  "threshold": {"denied_pii_types": ["ssn"]}}  # fmt: skip
    figures: list[tuple[float, int]] = []
    with Progress(TextColumn("dry-run"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"),
                  TimeElapsedColumn(), console=console) as progress:  # fmt: skip
        task = progress.add_task("dry-run", total=args.entries)

        def report(done: int, total: int) -> None:
            figures.append((time.perf_counter(), done))
            progress.update(task, completed=done, total=total)

        t0 = time.perf_counter()
        result = policy_dry_run(
            organisation=organisation, definition=definition, days=30, progress=report
        )
        elapsed = time.perf_counter() - t0

    first_progress = figures[1][0] - t0 if len(figures) > 1 else float("nan")
    table = Table(title=f"Dry-run over {result['scanned']:,} recorded calls (PostgreSQL)")
    for column in ("what", "seconds", "calls/s", "vs baseline"):
        table.add_column(column, justify="right" if column != "what" else "left")
    table.add_row("baseline: read + parse", f"{baseline:.1f}", f"{rows / baseline:,.0f}", "1.00x")
    table.add_row("dry-run (PII policy)", f"{elapsed:.1f}", f"{result['scanned'] / elapsed:,.0f}",
                  f"{elapsed / baseline:.2f}x")  # fmt: skip
    console.print(table)
    console.print(
        f"blocked {result['totals']['block']:,}, allowed {result['totals']['allow']:,}; "
        f"progress updates: {len(figures)} (first after {first_progress:.1f} s); "
        f"goal < 60 s: {'met' if elapsed < 60 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
