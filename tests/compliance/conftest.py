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


#: A valid threshold for each policy type (what the policies app's validator accepts).
THRESHOLDS = {
    "cost_limit": {"max_cost_per_call": "2.00"},
    "record_count_limit": {"max_records": 500},
    "pii_access": {"denied_pii_types": ["ssn", "email"]},
    "prompt_injection": {},
    "action_approval": {"restricted_actions": ["payments.*"]},
    "external_api": {"allowed_domains": ["api.example.com"]},
    "data_restriction": {"restricted_words": ["salary"]},
    "access_control": {
        "rules": [{"agents": ["*"], "tools": ["*.delete"], "effect": "deny"}],
        "default": "allow",
    },
    "budget_cap": {"amount": "1000"},
    "quality_threshold": {"min_score": 0.7},
    "output_classification": {"max_level": "internal"},
    "custom": {"rule": "Never give legal advice."},
}


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
