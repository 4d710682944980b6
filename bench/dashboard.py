"""Dashboard speed. ``python bench/dashboard.py [--entries 1000000]``

Fills one organisation's ledger (PostgreSQL, through the real append service) with about N
entries: calls spread over 30 days by five agents, each a decision and a completion, one in
25 run ungoverned (a completion only), three in four reporting a cost, violations of three
policies. A second organisation gets a tenth as many, so tenancy filters do real work. Then,
side by side on the same rows:

* **rollups**: how fast the hourly rollups catch up with the whole ledger once (the task that
  runs every minute folds only what is new);
* **page**: GET /dashboard/ as the organisation's compliance officer (the whole view: every
  aggregate, the template, the chart data), for the last 7 days and for the whole 30 days;
* each panel's query alone;
* **baseline**: ``SELECT count(*)`` of the organisation's entries in the same range — the
  least any aggregate over that range must do (read the range once).

Goal: the page renders in < 1 s on 1,000,000 entries.
Needs PostgreSQL at 127.0.0.1:5432 (user postgres); recreates ``execlave_bench_dashboard``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from _common import django_on, recreate_database
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
console = Console()


def timed(fn, runs: int) -> float:
    """Median seconds of ``runs`` calls after one warm-up."""
    fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--database", default="execlave_bench_dashboard")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep an already filled database")
    parser.add_argument(
        "--tail", type=int, default=5_000, help="entries appended after the rollups (read live)"
    )
    args = parser.parse_args()

    url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    if not args.reuse:
        recreate_database(args.database)
    # A reused database is migrated too: it gets the newer migrations of the code measured.
    django_on(url, ALLOWED_HOSTS="testserver,127.0.0.1,localhost")
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from console import selectors
    from governance.models import Agent, Membership, Organisation
    from governance.roles import Role
    from tests.console.ledgers import generate
    from traces.models import LedgerEntry

    User = get_user_model()
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start = now - timedelta(days=29, hours=now.hour)
    span = timedelta(days=30) - timedelta(hours=1)
    organisation = Organisation.objects.filter(slug="bench").first()
    if organisation is None:
        organisation = Organisation.objects.create(name="Dashboard bench", slug="bench")
        other = Organisation.objects.create(name="Other", slug="other")
        agents = [
            Agent.objects.create(organisation=organisation, name=f"agent-{i}") for i in range(5)
        ]
        other_agent = Agent.objects.create(organisation=other, name="agent-0")
        policies = [(1, "No PII in e-mail"), (2, "Injection shield"), (3, "Budget")]
        calls = int(args.entries / 1.96)  # 24 of 25 calls write two entries
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(f"appending ~{args.entries:,} entries", total=calls * 1.96)
            generate(
                organisation=organisation,
                agents=agents,
                calls=calls,
                start=start,
                span=span,
                policies=policies,
                batch=10_000,
                progress=lambda n: progress.advance(task, n),
            )
            generate(
                organisation=other,
                agents=[other_agent],
                calls=calls // 10,
                start=start,
                span=span,
                policies=policies[:1],
                batch=10_000,
            )
        with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE traces_ledgerentry")
    user, _ = User.objects.get_or_create(
        username="co@bench.test", defaults={"email": "co@bench.test"}
    )
    Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": Role.COMPLIANCE_OFFICER}
    )
    from console.rollups import rollup_advance

    t = time.perf_counter()
    folded = rollup_advance(organisation=organisation, max_entries=10**9)
    fold_s = time.perf_counter() - t
    if folded:
        console.print(
            f"rollups caught up with {folded:,} entries in {fold_s:.1f} s "
            f"({folded / fold_s:,.0f} entries/s; the minute's task folds only what is new)"
        )
    # A minute's worth of new calls past the rollups' cursor, as a page normally meets them.
    generate(
        organisation=organisation,
        agents=list(Agent.objects.filter(organisation=organisation)),
        calls=args.tail // 2,
        start=now - timedelta(minutes=1),
        span=timedelta(minutes=1),
        policies=[(1, "No PII in e-mail")],
        seed=int(time.time()),
    )
    entries = LedgerEntry.objects.filter(organisation=organisation).count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('traces_ledgerentry'))")
        size = cursor.fetchone()[0]

    client = Client()
    client.force_login(user)
    week = selectors.default_range(days=7)
    month = selectors.default_range(days=30)
    table = Table(
        title=f"Dashboard on PostgreSQL: {entries:,} entries in the organisation ({size} table), ~{args.tail:,} past the rollups, median of {args.runs}"
    )
    table.add_column("what")
    table.add_column("7 days, s", justify="right")
    table.add_column("30 days (all), s", justify="right")
    results = {}
    for label, fn in [
        ("page: GET /dashboard/ (view + template)", lambda r: client.get("/dashboard/", r.query())),
        (
            "  calls over time",
            lambda r: selectors.calls_over_time(organisation=organisation, rng=r),
        ),
        (
            "  per-agent table",
            lambda r: selectors.agents_activity(organisation=organisation, rng=r),
        ),
        (
            "  top violated policies",
            lambda r: selectors.top_violated_policies(organisation=organisation, rng=r),
        ),
        ("  approvals", lambda r: selectors.approval_stats(organisation=organisation, rng=r)),
        (
            "baseline: count(*) of the range",
            lambda r: LedgerEntry.objects.filter(
                organisation_id=organisation.pk,
                occurred_at__gte=r.since,
                occurred_at__lt=r.until,
            ).count(),
        ),
    ]:
        row = [timed(lambda fn=fn, r=r: fn(r), args.runs) for r in (week, month)]
        results[label] = row
        table.add_row(label, *(f"{s:.3f}" for s in row))
    response = client.get("/dashboard/", month.query())
    assert response.status_code == 200, response.status_code
    console.print(table)
    page = results["page: GET /dashboard/ (view + template)"]
    base = results["baseline: count(*) of the range"]
    console.print(
        f"page, 30 days: [bold]{page[1]:.3f} s[/] (goal < 1 s) = {page[1] / base[1]:.1f}x the baseline's "
        f"{base[1]:.3f} s · 7 days: {page[0]:.3f} s = {page[0] / base[0]:.1f}x"
    )
    print(
        f"RESULT dashboard entries={entries} page_30d_s={page[1]:.3f} page_7d_s={page[0]:.3f} "
        f"baseline_30d_s={base[1]:.3f} ratio_30d={page[1] / base[1]:.2f}"
    )


if __name__ == "__main__":
    main()
