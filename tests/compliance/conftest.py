"""Helpers that build real data for compliance reports through the other apps' services."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from compliance import services
from compliance.models import Framework


@pytest.fixture
def period():
    now = timezone.now()
    return now - timedelta(days=30), now + timedelta(minutes=5)


@pytest.fixture
def generate(compliance_officer, period, django_capture_on_commit_callbacks):
    """generate(org, "eu_ai_act") -> the finished Report, through report_request and the task
    (django-q runs it synchronously in tests once the request commits)."""

    def run(organisation, code, actor=compliance_officer, start=None, end=None):
        framework = Framework.objects.get(code=code)
        with django_capture_on_commit_callbacks(execute=True):
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
def record_decisions():
    """record_decisions(org, agent, n, decision="allow") appends n decision entries to the ledger."""
    from traces.services import LedgerEvent, ledger_append

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
        return ledger_append(organisation=organisation, events=events)

    return append
