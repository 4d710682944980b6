"""An object's "History" in the console shows the audit log's entries about it (session 24's
walk found it empty on every record: Django's page reads LogEntry, which no service writes).

Offered where the viewer may read the audit log and the record has a history; not on the
records that are history themselves (audit log entries, ledger entries) nor on the catalog.
Another organisation's entries never show, not even about an object of the same id."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compliance import services as compliance_services
from compliance.models import Control, Framework
from governance import services
from governance.audit import AuditAction
from governance.models import AuditLog, Membership
from governance.roles import Role
from tests.factories import append_completion
from traces.models import LedgerEntry

pytestmark = pytest.mark.django_db

HISTORY_LINK = 'class="historylink"'


def _history(model_admin_url: str) -> str:
    return model_admin_url.replace("/change/", "/history/")


def test_an_agents_history_lists_its_audit_entries_with_what_changed(
    client, org, owner, compliance_officer
):
    agent = services.agent_create(organisation=org, name="billing-bot", actor=owner)
    services.agent_update(agent=agent, actor=owner, description="Refunds under 50 EUR")
    client.force_login(compliance_officer)

    change = reverse("admin:governance_agent_change", args=[agent.pk])
    page = client.get(change).content.decode()
    assert HISTORY_LINK in page

    response = client.get(_history(change))
    assert response.status_code == 200
    html = response.content.decode()
    assert "History: billing-bot" in html
    assert "Agent created" in html and "Agent updated" in html
    # The update's change, before and after; the newest first.
    assert "<strong>description</strong>: (empty) → Refunds under 50 EUR" in html
    assert html.index("Agent updated") < html.index("Agent created")
    assert "alice@acme.test" in html
    assert "2 audit log entries" in html
    # Each entry opens in the audit log, and so do all of them.
    entry = AuditLog.objects.filter(object_type="governance.agent", object_id=str(agent.pk))
    assert reverse("admin:governance_auditlog_change", args=[entry.first().pk]) in html
    assert f"object_type=governance.agent&amp;object_id={agent.pk}" in html
    listed = client.get(
        reverse("admin:governance_auditlog_changelist"),
        {"object_type": "governance.agent", "object_id": str(agent.pk)},
    )
    assert listed.status_code == 200 and "2 audit log entries" in listed.content.decode()


def test_a_reports_and_a_members_history(client, org, owner, admin_user, compliance_officer):
    now = timezone.now()
    report = compliance_services.report_request(
        organisation=org,
        framework=Framework.objects.get(code="soc2"),
        period_start=now - timedelta(days=30),
        period_end=now,
        actor=compliance_officer,
        enqueue=False,
    )
    membership = Membership.objects.get(organisation=org, user=admin_user)
    services.membership_change_role(
        membership=membership, role=Role.COMPLIANCE_OFFICER, actor=owner
    )
    client.force_login(owner)
    html = client.get(reverse("admin:compliance_report_history", args=[report.pk])).content
    assert b"Report requested" in html and b"carol@acme.test" in html
    html = client.get(
        reverse("admin:governance_membership_history", args=[membership.pk])
    ).content.decode()
    assert "Member&#x27;s role changed" in html
    assert "<strong>role</strong>: admin → compliance_officer" in html


def test_an_empty_history_says_so(client, org, owner):
    membership = Membership.objects.get(organisation=org, user=owner)  # made by a factory
    client.force_login(owner)
    html = client.get(
        reverse("admin:governance_membership_history", args=[membership.pk])
    ).content.decode()
    assert "Nothing about this member is in the audit log yet." in html


def test_records_that_are_history_themselves_offer_none(client, org, owner, agent):
    services.agent_update(agent=agent, actor=owner, description="x")
    entry = AuditLog.objects.filter(organisation=org).first()
    append_completion(org, agent)
    ledger_entry = LedgerEntry.objects.get(organisation=org)
    control = Control.objects.filter(framework__code="soc2").first()
    client.force_login(owner)

    for change, history in [
        (
            reverse("admin:governance_auditlog_change", args=[entry.pk]),
            reverse("admin:governance_auditlog_history", args=[entry.pk]),
        ),
        (None, reverse("admin:traces_ledgerentry_history", args=[ledger_entry.pk])),
        (reverse("admin:compliance_control_change", args=[control.pk]), None),
        (reverse("admin:compliance_framework_change", args=[control.framework_id]), None),
    ]:
        if change:
            page = client.get(change)
            assert page.status_code == 200
            assert HISTORY_LINK not in page.content.decode(), change
        if history:
            assert client.get(history).status_code == 404, history


def test_no_history_for_a_member_who_may_not_read_the_audit_log(client, org, developer):
    agent = services.agent_create(organisation=org, name="dev-bot", actor=developer)
    client.force_login(developer)
    change = reverse("admin:governance_agent_change", args=[agent.pk])
    page = client.get(change)
    assert page.status_code == 200 and HISTORY_LINK not in page.content.decode()
    assert client.get(_history(change)).status_code == 403


def test_history_keeps_other_organisations_out(client, org, other_org, owner, outsider):
    agent = services.agent_create(organisation=org, name="billing-bot", actor=owner)
    theirs = services.agent_create(organisation=other_org, name="billing-bot", actor=outsider)
    # An entry of another organisation naming our agent's type and id (a forged or stray row)
    # is not ours to read.
    services.audit_log_write(
        organisation=other_org,
        actor=outsider,
        action=AuditAction.AGENT_UPDATED,
        object_type="governance.agent",
        object_id=str(agent.pk),
        object_repr="globex's secret",
    )
    client.force_login(owner)
    html = client.get(reverse("admin:governance_agent_history", args=[agent.pk])).content
    assert b"globex" not in html and b"oscar@globex.test" not in html
    assert b"1 audit log entry" in html
    # Their agent's history answers as if it did not exist.
    assert (
        client.get(reverse("admin:governance_agent_history", args=[theirs.pk])).status_code == 404
    )
