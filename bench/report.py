"""How long and how much memory does a compliance report take on a big organisation?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/execlave_bench_report \\
        .venv/bin/python bench/report.py [--entries 1000000] [--agents 50] [--policies 30] [--fresh]

Builds (once; kept for the next run unless --fresh) an organisation with ``--entries`` ledger
entries written through ``traces.services.ledger_append`` in 10,000-event batches (COPY on
PostgreSQL), ``--agents`` agents, ``--policies`` policies (when the policies app has its model),
members, keys, approvals, data-subject requests and audit rows. Then generates one report per
framework, each in a fresh child process so that its peak resident memory is its own
(``os.wait4``), and renders its PDF. Goal per report: < 30 s and < 300 MB.
Prints the figures and their ratio to the goal.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _common import decided_fields, decided_status  # noqa: E402

from tests.policy_thresholds import THRESHOLDS  # noqa: E402

GOAL_SECONDS = 30.0
GOAL_MB = 300.0
ORG_SLUG = "bench-report"
FRAMEWORKS = ["soc2", "hipaa", "gdpr", "iso27001", "eu_ai_act"]
TOOLS = [
    "database.query",
    "crm.lookup",
    "crm.export",
    "email.send",
    "payments.refund",
    "files.read",
    "web.get",
    "storage.delete",
]


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def build(args, console) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from governance import services as gov
    from governance.models import Organisation, Plan, RiskClass
    from governance.roles import Role
    from traces.services import LedgerEvent, ledger_append

    call_command("migrate", verbosity=0)
    existing = Organisation.objects.filter(slug=ORG_SLUG).first()
    if existing is not None and not args.fresh:
        from traces.models import LedgerChain

        head = LedgerChain.objects.filter(organisation=existing).first()
        if head is not None and head.length >= args.entries:
            console.print(
                f"Reusing organisation {ORG_SLUG!r} with {head.length:,} ledger entries (--fresh rebuilds)."
            )
            if hasattr(existing, "policies") and not existing.policies.exists():
                owner = existing.memberships.get(role="owner").user
                _make_policies(
                    existing, owner, list(existing.agents.order_by("name")), args.policies, console
                )
            return
    if existing is not None:
        console.print("Dropping the previous benchmark database contents …")
        connection.close()
        call_command("flush", "--noinput", verbosity=0)
        call_command("migrate", verbosity=0)

    from django.contrib.auth import get_user_model

    User = get_user_model()
    owner = User.objects.create_user(
        username="owner@bench.test", email="owner@bench.test", password="x"
    )
    org = gov.organisation_create(
        name="Bench Health Ltd", actor=None, owner=owner, slug=ORG_SLUG, plan=Plan.PRO
    )
    people = {}
    for role in (
        Role.ADMIN,
        Role.COMPLIANCE_OFFICER,
        Role.REVIEWER,
        Role.REVIEWER,
        Role.DEVELOPER,
        Role.DEVELOPER,
    ):
        user = User.objects.create_user(
            username=f"{role}{len(people)}@bench.test",
            email=f"{role}{len(people)}@bench.test",
            password="x",
        )
        gov.membership_add(organisation=org, user=user, role=role, actor=owner)
        people.setdefault(role, []).append(user)
    agents = []
    for i in range(args.agents):
        agents.append(
            gov.agent_create(
                organisation=org,
                name=f"agent-{i:02d}",
                actor=owner,
                owner=owner if i % 10 else None,
                risk_class=RiskClass.HIGH if i % 17 == 0 else RiskClass.LIMITED,
            )
        )
    for i, agent in enumerate(agents[:20]):
        gov.api_key_create(
            organisation=org, name=f"key-{i}", actor=owner, scopes=["check", "ingest"], agent=agent
        )
    _make_policies(org, owner, agents, args.policies, console)
    for i in range(12):
        request = gov.data_subject_request_create(
            organisation=org,
            kind=["access", "erasure", "portability", "rectification"][i % 4],
            subject=f"user{i}@example.com",
            actor=owner,
            received_at=timezone.now() - timedelta(days=3 * i),
        )
        if i % 3:
            gov.data_subject_request_close(request=request, actor=owner, status="completed")
    _make_approvals(org, agents, people[Role.REVIEWER], console)

    rng = random.Random(7)
    decisions = ["allow"] * 90 + ["warn"] * 5 + ["block"] * 4 + ["require_approval"]
    batch = 10_000
    started = time.perf_counter()
    with Progress(
        TextColumn("Ledger"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,}"),
        TimeRemainingColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("ledger", total=args.entries)
        written = 0
        while written < args.entries:
            n = min(batch, args.entries - written)
            events = []
            for _ in range(n):
                agent = agents[rng.randrange(len(agents))]
                decision = rng.choice(decisions)
                events.append(
                    LedgerEvent(
                        trace_id=uuid.uuid4(),
                        kind="decision",
                        agent=agent,
                        tool=rng.choice(TOOLS),
                        input={
                            "query": "select * from customers where id = %s",
                            "args": [rng.randrange(10**6)],
                        },
                        server={
                            "decision": decision,
                            "policies": [
                                {
                                    "id": 1 + rng.randrange(max(args.policies, 1)),
                                    "outcome": decision,
                                }
                            ],
                        },
                        occurred_at=timezone.now() - timedelta(seconds=rng.randrange(25 * 86400)),
                    )
                )
            ledger_append(organisation=org, events=events)
            written += n
            progress.update(task, completed=written)
    console.print(
        f"Loaded {args.entries:,} ledger entries in {time.perf_counter() - started:.0f} s."
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _make_policies(org, owner, agents, count, console) -> None:
    try:
        from policies import services as policy_services
    except ImportError:
        console.print(
            "[yellow]policies app has no services yet: benchmark runs without policies[/]"
        )
        return
    create = getattr(policy_services, "policy_create", None)
    if create is None:
        console.print(
            "[yellow]policies.services.policy_create missing: benchmark runs without policies[/]"
        )
        return
    from compliance.catalog import POLICY_TYPES

    modes = ["block", "block", "require_approval", "warn", "monitor"]
    made = 0
    for i in range(count):
        policy_type = POLICY_TYPES[i % len(POLICY_TYPES)]
        try:
            create(
                organisation=org,
                actor=owner,
                name=f"{policy_type} #{i}",
                type=policy_type,
                mode=modes[i % len(modes)],
                agents=[a.name for a in agents[i % 5 :: 3]] if i % 2 else [],
                threshold=_threshold(policy_type),
            )
            made += 1
        except Exception as exc:  # the policies app validates thresholds its own way
            console.print(f"[yellow]policy {policy_type}: {exc}[/]")
    console.print(f"Created {made} policies.")


def _threshold(policy_type: str) -> dict:
    return THRESHOLDS.get(policy_type, {})


def _make_approvals(org, agents, reviewers, console) -> None:
    from django.utils import timezone

    from approvals.models import Approval

    now = timezone.now()
    rows = []
    rng = random.Random(11)
    for i in range(2000):
        requested = now - timedelta(minutes=rng.randrange(25 * 24 * 60))
        status = decided_status(rng)
        reviewer = rng.choice(reviewers)
        rows.append(
            Approval(
                organisation=org,
                trace_id=uuid.uuid4(),
                agent=rng.choice(agents),
                tool="payments.refund",
                input={"amount": i},
                policy_name="Payments need a human",
                policy_type="action_approval",
                status=status,
                **decided_fields(rng, requested=requested, status=status, reviewer=reviewer),
            )
        )
    Approval.objects.bulk_create(rows, batch_size=1000)
    console.print("Created 2,000 approvals.")


def one(code: str, full: bool) -> None:
    """Child process: generate and render one framework's report, print JSON figures."""
    from django.conf import settings
    from django.utils import timezone

    if full:
        settings.COMPLIANCE_VERIFICATION_REUSE_SECONDS = 0

    from compliance.models import Framework, Report
    from compliance.render_pdf import render_pdf
    from compliance.services import report_generate
    from governance.models import Organisation

    org = Organisation.objects.get(slug=ORG_SLUG)
    now = timezone.now()
    report = Report.objects.create(
        organisation=org,
        framework=Framework.objects.get(code=code),
        period_start=now - timedelta(days=30),
        period_end=now,
    )
    started = time.perf_counter()
    report = report_generate(report=report)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    pdf = render_pdf(report.content, content_hash=report.content_hash)
    rendered = time.perf_counter() - started
    out = Path(os.environ.get("BENCH_PDF_DIR", "/tmp")) / f"bench-report-{code}.pdf"
    out.write_bytes(pdf)
    print(
        json.dumps(
            {
                "code": code,
                "generate_s": generated,
                "pdf_s": rendered,
                "pdf_bytes": len(pdf),
                "summary": report.content["summary"],
                "entries": report.content["appendix"]["ledger"]["entries"],
                "reused": report.content["appendix"]["ledger"].get("reused"),
                "pdf": str(out),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--policies", type=int, default=30)
    parser.add_argument(
        "--fresh", action="store_true", help="Rebuild the organisation even if one exists."
    )
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS))
    parser.add_argument(
        "--full-verify",
        action="store_true",
        help="Verify the whole chain for every report (no reuse of a recent verification).",
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database (e.g. postgres://postgres@127.0.0.1:5432/execlave_bench_report)."
        )
    django_setup()
    if args.one:
        one(args.one, args.full_verify)
        return

    from rich.console import Console
    from rich.table import Table

    console = Console()
    build(args, console)
    table = Table(
        title=f"Compliance report per framework — {args.entries:,} ledger entries, {args.agents} agents"
    )
    for column in (
        "Framework",
        "Generate (s)",
        "× goal 30 s",
        "Peak RSS (MB)",
        "× goal 300 MB",
        "PDF (s)",
        "PDF pages",
        "Controls S/P/G/NT/OS/NA",
        "Ledger verified",
    ):
        table.add_column(column, justify="right")
    from pypdf import PdfReader

    for code in args.frameworks.split(","):
        console.print(f"Generating {code} …")
        proc = subprocess.Popen(
            [sys.executable, __file__, "--one", code]
            + (["--full-verify"] if args.full_verify else []),
            stdout=subprocess.PIPE,
            env=os.environ.copy(),
        )
        output = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        if status != 0:
            console.print(f"[red]{code} failed (status {status})[/]")
            continue
        figures = json.loads(output.decode().strip().splitlines()[-1])
        peak_mb = usage.ru_maxrss / 1024  # Linux reports kilobytes
        s = figures["summary"]
        pages = len(PdfReader(figures["pdf"]).pages)
        table.add_row(
            code,
            f"{figures['generate_s']:.1f}",
            f"{figures['generate_s'] / GOAL_SECONDS:.2f}",
            f"{peak_mb:.0f}",
            f"{peak_mb / GOAL_MB:.2f}",
            f"{figures['pdf_s']:.1f}",
            str(pages),
            f"{s['supports']}/{s['partial']}/{s['gap']}/{s['not_tested']}/{s['outside_scope']}/{s['not_applicable']}",
            "whole chain"
            if not figures["reused"]
            else f"tail of {figures['reused']['tail_entries']:,}",
        )
    console.print(table)
    console.print("Peak RSS is the whole child process (Python, Django, the report and its PDF).")
    console.print(
        "Reports generated within an hour of one another reuse the first one's full ledger verification and verify "
        "only the entries appended since (compliance/ledger.py); --full-verify re-verifies the whole chain each time."
    )


if __name__ == "__main__":
    main()
