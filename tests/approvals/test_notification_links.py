"""Where approval notifications lead: the outcome's link opens the call's trace in the trace's
own organisation (whichever one its reader last worked in), and nobody else's."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from approvals.services import approval_decide
from governance.middleware import SESSION_KEY
from governance.roles import Role
from tests.approvals.helpers import pause
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _outcome_link(django_capture_on_commit_callbacks, approval, actor) -> str:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approval_decide(approval=approval, actor=actor, verdict="deny", comment="Not today")
    [message] = mail.outbox
    return re.search(r"The call in the ledger: https?://[^/]+(\S+)", message.body).group(1)


def test_the_outcome_opens_the_trace_of_its_own_organisation(
    client, org, other_org, agent, other_agent, owner, developer, django_capture_on_commit_callbacks
):
    # The developer owns agents in both organisations and last worked in the other one; the
    # same trace id (the SDK's) exists in both ledgers.
    MembershipFactory(user=developer, organisation=other_org, role=Role.DEVELOPER)
    agent.owner = developer
    agent.save()
    approval = pause(org, agent)
    MembershipFactory(user=owner, organisation=other_org, role=Role.OWNER)
    twin = pause(other_org, other_agent, trace_id=approval.trace_id, tool="file.delete")
    approval_decide(approval=twin, actor=owner, verdict="approve")
    link = _outcome_link(django_capture_on_commit_callbacks, approval, owner)

    client.force_login(developer)
    session = client.session
    session[SESSION_KEY] = other_org.pk
    session.save()
    page = client.get(link, follow=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Trace {approval.trace_id}" in html
    assert "Organisation <strong>Acme</strong>" in html and "database.delete" in html
    assert "Globex" not in html.split('id="content-main"')[1] and "file.delete" not in html


def test_the_outcome_link_is_not_found_for_another_organisation(
    client, org, agent, owner, outsider, django_capture_on_commit_callbacks
):
    link = _outcome_link(django_capture_on_commit_callbacks, pause(org, agent), owner)
    client.force_login(outsider)  # an owner, of another organisation
    response = client.get(link)
    assert response.status_code == 404
    assert "database.delete" not in response.content.decode()
    client.logout()
    response = client.get(link)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_trace_address_that_names_no_trace_is_not_found(client, org, owner):
    client.force_login(owner)
    response = client.get("/admin/traces/ledgerentry/trace/acme/not-a-uuid/", follow=True)
    assert response.status_code == 404
    response = client.get(
        "/admin/traces/ledgerentry/trace/acme/3f1c2a9e-0000-4000-8000-000000000000/"
    )
    assert response.status_code == 404


def test_a_pending_link_opened_in_another_organisation_offers_to_switch(
    client, org, other_org, agent, owner, django_capture_on_commit_callbacks
):
    """The queue shows the organisation chosen in the header: a link to a request of another
    of the reader's organisations says where it waits, with a button to switch there."""
    MembershipFactory(user=owner, organisation=other_org, role=Role.OWNER)
    with django_capture_on_commit_callbacks(execute=True):
        approval = pause(org, agent)
    [message] = [m for m in mail.outbox if m.to == [owner.email]]
    link = re.search(r"Input and decision: https?://[^/]+(\S+)", message.body).group(1)
    client.force_login(owner)
    session = client.session
    session[SESSION_KEY] = other_org.pk
    session.save()

    html = client.get(link).content.decode()
    assert str(approval.pk) not in html.split('id="approval-list"')[1]  # Globex's queue
    assert "is in <strong>Acme</strong>" in html and "Switch to Acme" in html
    switched = client.post("/organisation/switch/", {"organisation": str(org.pk), "next": link})
    assert switched.status_code == 302 and switched["Location"] == link
    html = client.get(link).content.decode()
    assert f'id="approval-{approval.pk}"' in html and "Switch to" not in html

    session = client.session
    session[SESSION_KEY] = other_org.pk
    session.save()
    page = client.get(f"/approvals/{approval.pk}/")
    assert page.status_code == 404 and "Switch to Acme" in page.content.decode()


def test_nobody_else_learns_where_a_request_waits(client, org, agent, outsider, developer):
    approval = pause(org, agent)
    for user in (outsider, developer):  # another organisation's owner; a member who may not decide
        client.force_login(user)
        for url in (f"/approvals/?focus={approval.pk}", f"/approvals/{approval.pk}/"):
            html = client.get(url).content.decode()
            assert "Switch to" not in html and "is in <strong>" not in html
    assert "Switch to" not in client.get("/approvals/?focus=not-a-uuid").content.decode()
