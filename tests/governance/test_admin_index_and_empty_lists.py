"""Session 25's walk through the console: the admin index's "Recent actions" lists your own
audit log entries (it read Django's LogEntry, which no service writes: "None available",
always), and an empty list says what would fill it and where to start ("0 API keys" alone
left a new owner guessing). Neither shows another organisation's rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance import services
from governance.audit import AuditAction
from governance.models import AuditLog, Membership

pytestmark = pytest.mark.django_db


def _recent(html: str) -> str:
    start = html.index('id="recent-actions-module"')
    return html[start : html.index("</div>", start)]


def test_recent_actions_are_my_audit_entries_linked_to_their_objects(
    client, org, other_org, owner, admin_user, outsider
):
    agent = services.agent_create(organisation=org, name="billing-bot", actor=owner)
    services.agent_create(organisation=org, name="admins-bot", actor=admin_user)
    services.agent_create(organisation=other_org, name="globex-bot", actor=outsider)
    client.force_login(owner)
    recent = _recent(client.get(reverse("admin:index")).content.decode())
    assert "billing-bot" in recent and "Agent created" in recent
    assert reverse("admin:governance_agent_change", args=[agent.pk]) in recent
    # Mine only: not another member's, not another organisation's.
    assert "admins-bot" not in recent and "globex-bot" not in recent
    assert "None available" not in recent


def test_recent_actions_say_what_will_show_and_are_absent_without_the_audit_log(
    client, org, compliance_officer, developer
):
    client.force_login(compliance_officer)
    recent = _recent(client.get(reverse("admin:index")).content.decode())
    assert "Nothing yet: what you change here" in recent
    # A developer may not read the audit log: no panel at all.
    client.force_login(developer)
    assert 'id="recent-actions-module"' not in client.get(reverse("admin:index")).content.decode()


def test_an_empty_list_says_where_to_start(client, org, other_org, owner):
    services.api_key_create(organisation=other_org, name="globex", actor=None, scopes=["read"])
    client.force_login(owner)
    html = client.get(reverse("admin:governance_apikey_changelist")).content.decode()
    # Another organisation's key does not count: this organisation has none.
    assert "No API keys yet." in html and "“Add API key” makes one" in html
    assert "globex" not in html

    services.api_key_create(organisation=org, name="billing", actor=owner, scopes=["read"])
    html = client.get(reverse("admin:governance_apikey_changelist")).content.decode()
    assert "No API keys yet." not in html and "billing" in html
    # Emptied by a search: says so, with the way back.
    html = client.get(reverse("admin:governance_apikey_changelist"), {"q": "zzz"}).content.decode()
    assert "Nothing here matches “zzz”." in html and 'href="?">Show them all' in html
    assert "No API keys yet." not in html


def test_every_hint_is_on_its_empty_list(client, org, owner):
    Membership.objects.filter(organisation=org).exclude(user=owner).delete()
    client.force_login(owner)
    for name, words in [
        ("admin:governance_agent_changelist", "No agents yet."),
        ("admin:policies_policy_changelist", "No policies yet, so every call is allowed"),
        ("admin:compliance_report_changelist", "No reports yet."),
        ("admin:traces_ledgerentry_changelist", "The ledger is empty"),
        ("admin:approvals_approval_changelist", "No approvals yet."),
        ("admin:governance_datasubjectrequest_changelist", "No data-subject requests."),
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert words in response.content.decode(), name


def test_an_audit_entry_opens_the_record_it_is_about(client, org, owner, admin_user):
    agent = services.agent_create(organisation=org, name="billing-bot", actor=owner)
    created = AuditLog.objects.get(action="agent.created", object_id=str(agent.pk))
    membership = Membership.objects.get(organisation=org, user=admin_user)
    services.membership_remove(membership=membership, actor=owner)
    removed = AuditLog.objects.get(action="membership.removed")
    client.force_login(owner)
    html = client.get(reverse("admin:governance_auditlog_change", args=[created.pk])).content
    assert (
        f'<a href="{reverse("admin:governance_agent_change", args=[agent.pk])}">billing-bot</a>'
        in html.decode()
    )
    assert b"Agent created" in html  # the action as people read it, not "agent.created"
    # A record that is gone is named, not linked.
    html = client.get(reverse("admin:governance_auditlog_change", args=[removed.pk])).content
    assert b"adam@acme.test" in html
    assert reverse("admin:governance_membership_change", args=[membership.pk]).encode() not in html


def test_an_entry_never_links_another_organisations_record(client, org, other_org, owner, outsider):
    theirs = services.agent_create(organisation=other_org, name="globex-bot", actor=outsider)
    # A stray entry of ours naming their agent's id: shown as text, never a way into their data.
    entry = services.audit_log_write(
        organisation=org,
        actor=owner,
        action=AuditAction.AGENT_UPDATED,
        object_type="governance.agent",
        object_id=str(theirs.pk),
        object_repr="stray",
    )
    client.force_login(owner)
    html = client.get(reverse("admin:governance_auditlog_change", args=[entry.pk])).content
    assert b"stray" in html
    assert reverse("admin:governance_agent_change", args=[theirs.pk]).encode() not in html
    recent = _recent(client.get(reverse("admin:index")).content.decode())
    assert reverse("admin:governance_agent_change", args=[theirs.pk]) not in recent
    assert reverse("admin:governance_auditlog_change", args=[entry.pk]) in recent
