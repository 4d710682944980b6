"""The screens at a real organisation's volume: seed it, then time every page.

    SQLITE_PATH=/tmp/screens.sqlite3 .venv/bin/python bench/screens.py seed [--traces 50000]
    SQLITE_PATH=/tmp/screens.sqlite3 .venv/bin/uvicorn config.asgi:application --port 8021 &
    .venv/bin/python bench/screens.py time http://127.0.0.1:8021

``seed`` builds, through the project's own services, two organisations as they look after
months of use (the second for tenancy): ``--traces`` traces each over 90 days (a decision, and
a completion with a cost for the allowed and warned ones), 20 agents with uneven traffic, 30
policies with 1-4 later versions each, 2,000 decided and 150 pending approvals, 40 data-subject
requests in every state, 25 members (password ``screens-bench``), 26 API keys and 12 generated
reports; then folds the dashboard's rollups and the identifier index as the worker's minute
schedules would. ``time`` signs in as a reviewer, a compliance officer and an owner of the
first organisation and prints each page's whole response time (median of 3) and size; "SLOW"
marks anything over 1 s. Figures: docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import decided_fields, decided_status  # noqa: E402

TOOLS = ["database.query", "crm.lookup", "crm.export", "email.send", "payments.refund",
         "files.read", "web.get", "storage.delete", "slack.post", "calendar.create"]  # fmt: skip


PASSWORD = "screens-bench"


def user(email):
    from django.contrib.auth import get_user_model

    u, created = get_user_model().objects.get_or_create(username=email, defaults={"email": email})
    if created:
        u.set_password(PASSWORD)
        u.save()
    return u


def seed(slug, name, traces, t0):
    from django.utils import timezone

    from approvals.models import Approval
    from approvals.services import approval_request_create
    from compliance.catalog import POLICY_TYPES
    from compliance.models import Framework
    from compliance.services import report_generate, report_request
    from governance import services as gov
    from governance.models import Plan, RiskClass
    from governance.roles import Role
    from policies.services import policy_create, policy_update
    from privacy import services as dsr
    from tests.policy_thresholds import THRESHOLDS
    from traces.services import LedgerEvent, ledger_append

    rng = random.Random(slug)
    owner = user(f"owner@{slug}.test")
    org = gov.organisation_create(name=name, actor=None, owner=owner, slug=slug, plan=Plan.PRO)
    roles = (
        [Role.ADMIN] * 2
        + [Role.COMPLIANCE_OFFICER] * 3
        + [Role.REVIEWER] * 10
        + [Role.DEVELOPER] * 9
    )
    people = {}
    for i, role in enumerate(roles):
        u = user(f"{role}{i}@{slug}.test")
        gov.membership_add(organisation=org, user=u, role=role, actor=owner)
        people.setdefault(role, []).append(u)
    agent_names = [
        "billing-bot",
        "support-agent",
        "data-analyst",
        "hr-assistant",
        "sales-copilot",
        "invoice-reader",
        "ticket-triage",
        "code-reviewer",
        "marketing-writer",
        "claims-processor",
        "fraud-screen",
        "onboarding-guide",
        "kb-search",
        "meeting-notes",
        "procurement-bot",
        "legal-summariser",
        "ops-runbook",
        "recruiting-screen",
        "payroll-check",
        "travel-booker",
    ]
    agents = []
    for i, an in enumerate(agent_names):
        a = gov.agent_create(
            organisation=org,
            name=an,
            actor=owner,
            owner=people[Role.DEVELOPER][i % 9],
            risk_class=RiskClass.HIGH if i % 5 == 0 else RiskClass.LIMITED,
            description=f"{an} agent",
        )
        agents.append(a)
        for r in people[Role.REVIEWER]:
            gov.agent_permission_grant(agent=a, user=r, permission="decide_approvals", actor=owner)
    for a in agents:
        gov.api_key_create(
            organisation=org, name=f"{a.name} key", actor=owner, scopes=["check", "ingest"], agent=a
        )
    for i in range(6):
        k, _ = gov.api_key_create(
            organisation=org, name=f"ci key {i}", actor=owner, scopes=["check", "ingest", "read"]
        )
        if i % 2:
            gov.api_key_revoke(api_key=k, actor=owner)
    print(slug, "members/agents/keys", time.time() - t0, flush=True)

    modes = ["block", "block", "require_approval", "warn", "monitor"]
    policies = []
    for i in range(30):
        pt = POLICY_TYPES[i % len(POLICY_TYPES)]
        try:
            p = policy_create(
                organisation=org,
                actor=owner,
                name=f"{pt.replace('_', ' ')} #{i}",
                type=pt,
                mode=modes[i % 5],
                threshold=THRESHOLDS.get(pt, {}),
                agents=[a.name for a in agents[i % 5 :: 3]] if i % 2 else [],
            )
        except Exception as exc:
            print("policy", pt, exc)
            continue
        policies.append(p)
        for v in range(i % 4 + 1):
            p = policy_update(
                policy=p,
                actor=people[Role.COMPLIANCE_OFFICER][v % 3],
                description=f"revision {v + 1}: tightened after review",
                mode=modes[(i + v + 1) % 5],
            )
    print(slug, "policies", len(policies), time.time() - t0, flush=True)

    now = timezone.now()
    decisions = ["allow"] * 88 + ["warn"] * 6 + ["block"] * 5 + ["require_approval"]
    events = []
    for _ in range(traces):
        agent = agents[min(int(rng.expovariate(0.15)), 19)]
        dec = rng.choice(decisions)
        when = now - timedelta(seconds=rng.randrange(90 * 86400))
        tid = uuid.uuid4()
        pol = rng.choice(policies)
        tool = rng.choice(TOOLS)
        inp = {
            "query": f"select * from customers where id = {rng.randrange(10**6)}",
            "note": rng.choice(["", "contact jane.doe@example.com", "call +44 20 7946 0958"]),
        }
        events.append(
            LedgerEvent(
                trace_id=tid,
                kind="decision",
                agent=agent,
                tool=tool,
                input=inp,
                server={
                    "decision": dec,
                    "policies": [
                        {
                            "id": pol.pk,
                            "name": pol.name,
                            "type": pol.type,
                            "mode": pol.mode,
                            "outcome": "violation",  # what the policy found (not what was done)
                            "reason": "matched",
                        }
                    ]
                    if dec != "allow"
                    else [],
                },
                occurred_at=when,
            )
        )
        if dec in ("allow", "warn"):
            events.append(
                LedgerEvent(
                    trace_id=tid,
                    kind="completion",
                    agent=agent,
                    tool=tool,
                    output={"rows": rng.randrange(50)},
                    client={
                        "status": rng.choice(["ok"] * 30 + ["error"]),
                        "duration_ms": rng.randrange(5, 3000),
                        "cost": str(Decimal(rng.randrange(1, 500)) / 1000),
                    },
                    occurred_at=when + timedelta(milliseconds=rng.randrange(5, 3000)),
                )
            )
    events.sort(key=lambda e: e.occurred_at)
    for i in range(0, len(events), 5000):
        ledger_append(organisation=org, events=events[i : i + 5000])
    print(slug, "ledger", len(events), time.time() - t0, flush=True)

    rows = []
    reviewers = people[Role.REVIEWER]
    for i in range(2000):
        requested = now - timedelta(minutes=rng.randrange(90 * 24 * 60))
        status = decided_status(rng)
        r = rng.choice(reviewers)
        pol = rng.choice(policies)
        rows.append(
            Approval(
                organisation=org,
                trace_id=uuid.uuid4(),
                agent=rng.choice(agents),
                tool=rng.choice(TOOLS),
                input={"amount": i},
                policy=pol,
                policy_name=pol.name,
                policy_type=pol.type,
                status=status,
                reason="needs a human",
                **decided_fields(rng, requested=requested, status=status, reviewer=r),
            )
        )
    Approval.objects.bulk_create(rows, batch_size=1000)
    for i in range(150):
        pol = rng.choice(policies)
        approval_request_create(
            organisation=org,
            trace_id=uuid.uuid4(),
            agent=rng.choice(agents),
            tool=rng.choice(TOOLS),
            input={
                "amount": rng.randrange(10, 5000),
                "customer": f"cust-{i}",
                "reason": "refund request",
            },
            policy=pol,
            reason=f"{pol.name} requires approval",
            timeout_seconds=7 * 86400,
            required_role=Role.REVIEWER,
            now=now - timedelta(minutes=rng.randrange(60 * 24)),
        )
    print(slug, "approvals", time.time() - t0, flush=True)

    kinds = ["access", "erasure", "portability", "rectification"]
    co = people[Role.ADMIN][0]
    for i in range(40):
        req = gov.data_subject_request_create(
            organisation=org,
            kind=kinds[i % 4],
            subject=f"person{i}@example.com",
            actor=co,
            received_at=now - timedelta(days=i * 2),
        )
        state = i % 6
        try:
            if state >= 1:
                req = dsr.dsr_verify_identity(request=req, actor=co, how="e-mail round trip")
            if state >= 2:
                req = dsr.dsr_start(request=req, actor=co)
            if state == 3:
                req = dsr.dsr_extend(request=req, actor=co, reason="complex request")
            if state == 4:
                gov.data_subject_request_close(request=req, actor=co, status="completed")
            if state == 5:
                dsr.dsr_reject(request=req, actor=co, reason="identity not confirmed")
        except Exception as exc:
            print("dsr", i, state, exc)
    print(slug, "dsrs", time.time() - t0, flush=True)

    fws = list(Framework.objects.filter(is_active=True))
    for i in range(12):
        fw = fws[i % len(fws)]
        end = now - timedelta(days=30 * (i // len(fws)))
        rep = report_request(
            organisation=org,
            framework=fw,
            period_start=end - timedelta(days=30),
            period_end=end,
            actor=co,
            enqueue=False,
        )
        report_generate(report=rep)
    print(slug, "reports", time.time() - t0, flush=True)


def session(base: str, email: str):
    import requests

    s = requests.Session()
    login = "/approvals/login/" if email.startswith("reviewer") else "/admin/login/"
    r = s.get(f"{base}{login}")
    tok = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.text).group(1)
    r = s.post(
        f"{base}{login}",
        data={"username": email, "password": PASSWORD, "csrfmiddlewaretoken": tok},
        headers={"Referer": f"{base}{login}"},
    )
    assert "login" not in r.url, r.url
    return s


def t(base: str, s, path: str, n: int = 3):
    times = []
    for _ in range(n):
        a = time.perf_counter()
        r = s.get(base + path)
        times.append(time.perf_counter() - a)
    return statistics.median(times), r.status_code, len(r.content), r


def time_pages(base: str) -> None:
    from datetime import UTC, datetime

    today = datetime.now(UTC).date()
    ninety, today = (today - timedelta(days=89)).isoformat(), today.isoformat()
    pages = {
        "reviewer5@acme.test": ["/approvals/", "/approvals/list/", "/approvals/list/?page=2"],
        "compliance_officer2@acme.test": [
            "/",
            "/dashboard/",
            "/dashboard/?from={ninety}&to={today}",
            "/admin/traces/ledgerentry/",
            "/admin/traces/ledgerentry/?q=email",
            "/admin/traces/ledgerentry/?decision=block",
            "/admin/traces/ledgerentry/?p=50",
            "/admin/policies/policy/",
            "/admin/compliance/report/",
            "/admin/governance/auditlog/",
            "/admin/governance/auditlog/?p=5",
            "/privacy/requests/",
            "/admin/privacy/datasubjectrequest/",
            "/admin/approvals/approval/",
            "/admin/governance/agent/",
        ],
        "owner@acme.test": [
            "/admin/governance/membership/",
            "/admin/governance/apikey/",
            "/privacy/members/",
            "/admin/governance/organisation/",
            "/admin/",
        ],
    }
    for who, paths in pages.items():
        s = session(base, who)
        for p in paths:
            p = p.format(ninety=ninety, today=today)
            m, code, size, r = t(base, s, p)
            flag = " SLOW" if m > 1 else ""
            print(
                f"{who:34} {p:48} {code} {m * 1000:8.0f} ms {size / 1024:7.0f} KB{flag}", flush=True
            )
        if who.startswith("compliance"):
            # a trace, a policy history and a report
            r = s.get(base + "/admin/traces/ledgerentry/")
            links = re.findall(r'href="(/admin/traces/ledgerentry/\d+/change/[^"]*)"', r.text)
            r2 = s.get(base + "/admin/policies/policy/")
            pol = re.findall(r'href="(/admin/policies/policy/\d+/change/[^"]*)"', r2.text)
            r3 = s.get(base + "/admin/compliance/report/")
            rep = re.findall(r'href="(/(?:reports|compliance)[^"]+)"', r3.text)
            for p in (
                links[:1]
                + pol[:1]
                + [x.replace("/change/", "/history/") for x in pol[:1]]
                + rep[:2]
            ):
                p = p.replace("&amp;", "&")
                m, code, size, r = t(base, s, p)
                flag = " SLOW" if m > 1 else ""
                print(
                    f"{who:34} {p:48} {code} {m * 1000:8.0f} ms {size / 1024:7.0f} KB{flag}",
                    flush=True,
                )


def run_seed(traces: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import logging

    import django

    django.setup()
    logging.getLogger("django-q").setLevel(logging.WARNING)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from console.rollups import rollup_advance_all
    from privacy.identifier_index import index_all

    call_command("migrate", verbosity=0)
    t0 = time.time()
    seed("acme", "Acme Health Ltd", traces, t0)
    seed("globex", "Globex Insurance", traces, t0)
    admin, _ = get_user_model().objects.get_or_create(
        username="admin", defaults={"email": "admin@localhost"}
    )
    admin.is_superuser = admin.is_staff = True
    admin.set_password(PASSWORD)
    admin.save()
    while rollup_advance_all():  # what the worker's minute schedules do
        pass
    index_all()
    print(f"seeded in {time.time() - t0:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    seeding = commands.add_parser(
        "seed", help="seed the two organisations (SQLITE_PATH or DATABASE_URL)"
    )
    seeding.add_argument("--traces", type=int, default=50_000)
    timing = commands.add_parser("time", help="time every page of a server serving the seed")
    timing.add_argument("base", nargs="?", default="http://127.0.0.1:8021")
    args = parser.parse_args()
    if args.command == "seed":
        run_seed(args.traces)
    else:
        time_pages(args.base)


if __name__ == "__main__":
    main()
