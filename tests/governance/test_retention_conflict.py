"""The EU AI Act retention conflict: a high-risk agent on a plan keeping the ledger under six
months. Fired by the governance services that change a plan or a risk class (audit row and
e-mail to the owners, once), shown as a banner on every console page while it lasts."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from governance import services
from governance.models import AuditLog, Plan, RiskClass
from governance.retention import SIX_MONTHS_DAYS, add_months, days_covering_months
from tests.conftest import PASSWORD
from tests.factories import AgentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_six_calendar_months_are_181_to_184_days():
    assert (add_months(date(2026, 3, 1), 6) - date(2026, 3, 1)).days == 184
    assert (add_months(date(2026, 9, 1), 6) - date(2026, 9, 1)).days == 181
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert days_covering_months(date(2026, 9, 1), date(2026, 9, 2), 6) == 181
    assert days_covering_months(date(2026, 6, 30), date(2026, 7, 1), 6) == 184
    assert days_covering_months(date(2026, 1, 1), date(2026, 12, 31), 6) == SIX_MONTHS_DAYS
    # 183 days, a common stand-in for "six months", is short for entries made in March.
    assert days_covering_months(date(2026, 3, 1), date(2026, 3, 31), 6) > 183


def _enterprise(org, days=365):
    return services.organisation_update(
        organisation=org, actor=None, plan=Plan.ENTERPRISE, custom_retention_days=days
    )


def test_a_plan_change_that_creates_the_conflict_warns_the_owners_once(
    org, owner, admin_user, django_capture_on_commit_callbacks
):
    owner.email = "alice@acme.test"
    owner.save()
    org = _enterprise(org)
    AgentFactory(organisation=org, name="credit-scoring", risk_class=RiskClass.HIGH)
    with django_capture_on_commit_callbacks(execute=True):
        org = services.organisation_update(
            organisation=org, actor=None, plan=Plan.PRO, custom_retention_days=None
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@acme.test"]  # owners only, not the admin
    assert "credit-scoring" in message.body and "90 days" in message.body
    assert "Pro plan" in message.body and "retention changed to 90 days" in message.body
    row = AuditLog.objects.get(action="organisation.retention_conflict")
    assert row.after["agents"] == ["credit-scoring"] and row.after["retention_days"] == 90

    # Still in conflict after a further cut: no second e-mail, no second row.
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_update(organisation=org, actor=None, plan=Plan.FREE)
    assert len(mail.outbox) == 1
    assert AuditLog.objects.filter(action="organisation.retention_conflict").count() == 1


def test_no_warning_without_a_high_risk_agent_or_with_six_months(
    org, owner, django_capture_on_commit_callbacks
):
    AgentFactory(organisation=org, name="support-bot", risk_class=RiskClass.MINIMAL)
    org = _enterprise(org)
    with django_capture_on_commit_callbacks(execute=True):
        org = services.organisation_update(
            organisation=org, actor=None, plan=Plan.PRO, custom_retention_days=None
        )
        _enterprise(org, days=SIX_MONTHS_DAYS)
    assert mail.outbox == []
    assert not AuditLog.objects.filter(action="organisation.retention_conflict").exists()


def test_reclassifying_an_agent_high_risk_on_a_short_plan_warns(
    org, owner, django_capture_on_commit_callbacks
):
    owner.email = "alice@acme.test"
    owner.save()
    agent = AgentFactory(organisation=org, name="triage", risk_class=RiskClass.LIMITED)
    with django_capture_on_commit_callbacks(execute=True):
        services.agent_update(agent=agent, actor=owner, description="now scores patients")
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.agent_update(agent=agent, actor=owner, risk_class=RiskClass.HIGH)
    assert len(mail.outbox) == 1
    assert "reclassified from limited to high" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.agent_create(
            organisation=org, name="scorer", actor=owner, risk_class=RiskClass.HIGH
        )
    assert len(mail.outbox) == 1  # the conflict already stood


def test_the_console_shows_the_banner_while_the_conflict_lasts(client, org, owner, other_org):
    AgentFactory(organisation=org, name="credit-scoring", risk_class=RiskClass.HIGH)
    AgentFactory(organisation=other_org, name="scorer", risk_class=RiskClass.HIGH)
    assert client.login(username=owner.username, password=PASSWORD)
    page = client.get("/admin/").content.decode()
    assert 'data-banner="retention_conflict"' in page
    assert "credit-scoring" in page and "scorer" not in page  # another organisation's agent
    assert "Logs of high-risk agents are kept under six months" in page
    _enterprise(org)
    assert 'data-banner="retention_conflict"' not in client.get("/admin/").content.decode()


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("owner", True),  # changes the plan and the retention
        ("compliance_officer", True),  # owns the evidence
        ("admin_user", False),
        ("reviewer", False),
        ("developer", False),
        ("operator", True),  # a superuser changes anything
    ],
)
def test_the_banner_shows_to_those_who_can_act_on_it(client, request, org, role, shown):
    AgentFactory(organisation=org, name="credit-scoring", risk_class=RiskClass.HIGH)
    if role == "operator":
        user = UserFactory(username="root@example.test", is_superuser=True, is_staff=True)
    else:
        user = request.getfixturevalue(role)
    client.force_login(user)  # an operator, no member, works in the first organisation
    for path in ("/help/", "/docs/"):
        page = client.get(path).content.decode()
        assert ('data-banner="retention_conflict"' in page) is shown, path
