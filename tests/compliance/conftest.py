"""Helpers that build real data for compliance reports through the other apps' services.

Reports are period-true: a policy, agent or membership counts only from when it existed (the
audit log says when). So every compliance test sets its organisation up *before* the report
period: the autouse fixture below moves the clock back 40 days (time-machine, ticking) while
fixtures and the test body run, and ``generate``/``record_decisions``/``at_now`` come back to
the real present, where the default period is the last 30 days. A test that needs something
to happen *during* the period travels there explicitly (``travel_to``).
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from compliance import services
from compliance.models import Framework
from tests.policy_thresholds import THRESHOLDS
from traces.services import LedgerEvent, ledger_append

SETUP_DAYS_AGO = 40


@pytest.fixture(autouse=True)
def real_now():
    """The real present; until the test ends, the clock runs from 40 days before it."""
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=SETUP_DAYS_AGO), tick=True):
        yield now


@pytest.fixture
def travel_to():
    """travel_to(moment): a context in which the clock runs from ``moment``."""

    def travel(moment):
        return time_machine.travel(moment, tick=True)

    return travel


@pytest.fixture
def at_now(real_now, travel_to):
    """A context back in the real present (for services that refuse a period in the future)."""

    @contextmanager
    def present():
        with travel_to(real_now + timedelta(seconds=30)):
            yield

    return present


@pytest.fixture
def period(real_now):
    return real_now - timedelta(days=30), real_now + timedelta(minutes=5)


@pytest.fixture
def generate(compliance_officer, period, at_now, django_capture_on_commit_callbacks):
    """generate(org, "eu_ai_act") -> the finished Report, through report_request and the task
    (django-q runs it synchronously in tests once the request commits), generated now."""

    def run(organisation, code, actor=compliance_officer, start=None, end=None):
        framework = Framework.objects.get(code=code)
        with at_now(), django_capture_on_commit_callbacks(execute=True):
            report = services.report_request(
                organisation=organisation,
                framework=framework,
                period_start=start or period[0],
                period_end=end or period[1],
                actor=actor,
            )
        report.refresh_from_db()
        return report

    return run


def control(report, control_id):
    for entry in report.content["controls"]:
        if entry["id"] == control_id:
            return entry
    raise KeyError(control_id)


@pytest.fixture
def record_decisions(at_now):
    """record_decisions(org, agent, n, decision="allow") appends n decision entries to the ledger,
    in the present (inside the report period)."""

    def append(organisation, agent, n=3, decision="allow", tool="database.query"):
        events = [
            LedgerEvent(
                trace_id=uuid.uuid4(),
                kind="decision",
                agent=agent,
                tool=tool,
                input={"q": "select 1"},
                server={"decision": decision, "policies": []},
            )
            for _ in range(n)
        ]
        with at_now():
            return ledger_append(organisation=organisation, events=events)

    return append


@pytest.fixture
def make_policy(owner):
    """make_policy(org, type, mode="block", agents=()) through policies.services.policy_create."""
    policy_services = pytest.importorskip("policies.services")

    def create(organisation, policy_type, mode="block", agents=(), name=None):
        return policy_services.policy_create(
            organisation=organisation,
            actor=owner,
            name=name or f"{policy_type} policy",
            type=policy_type,
            mode=mode,
            agents=list(agents),
            threshold=THRESHOLDS[policy_type],
        )

    return create
