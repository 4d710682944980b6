"""Approvals in the console: scoped, read-only, changed only through services."""

from __future__ import annotations

from approvals.models import Approval, ApprovalStatus
from governance.models import AuditLog
from tests.approvals.helpers import pause

ADMIN = "/admin/approvals/approval/"


def test_changelist_and_page_show_masked_input(client, org, agent, owner):
    approval = pause(org, agent)
    client.force_login(owner)
    listing = client.get(ADMIN)
    assert listing.status_code == 200 and b"database.delete" in listing.content
    page = client.get(f"{ADMIN}{approval.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "[EMAIL]" in body and "jane.doe@example.com" not in body
    assert 'name="_save"' not in body  # read-only
    assert client.get(f"{ADMIN}add/").status_code == 403
    assert client.post(f"{ADMIN}{approval.pk}/delete/").status_code == 403


def test_other_organisation_is_404(client, org, agent, outsider):
    approval = pause(org, agent)
    client.force_login(outsider)
    assert client.get(f"{ADMIN}{approval.pk}/change/").status_code == 404
    assert str(approval.pk).encode() not in client.get(ADMIN).content


def test_cancel_action_goes_through_the_service(client, org, agent, owner):
    pending, decided = pause(org, agent), pause(org, agent)
    Approval.objects.filter(pk=decided.pk).update(status=ApprovalStatus.DENIED)
    client.force_login(owner)
    # Cancelling asks first (it used to cancel on the first click).
    asked = client.post(ADMIN, {"action": "cancel_selected", "_selected_action": [pending.pk]})
    assert b"Cancel these approval requests?" in asked.content
    assert Approval.objects.get(pk=pending.pk).status == ApprovalStatus.PENDING
    response = client.post(
        ADMIN,
        {
            "action": "cancel_selected",
            "_selected_action": [pending.pk, decided.pk],
            "confirmed": "yes",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert b"Cancelled 1 request(s)" in response.content
    assert Approval.objects.get(pk=pending.pk).status == ApprovalStatus.CANCELLED
    assert Approval.objects.get(pk=decided.pk).status == ApprovalStatus.DENIED
    assert AuditLog.objects.filter(action="approval.cancelled", object_id=str(pending.pk)).exists()


def test_developer_may_look_but_not_cancel(client, org, agent, developer):
    pending = pause(org, agent)
    client.force_login(developer)
    assert client.get(ADMIN).status_code == 200
    client.post(
        ADMIN,
        {"action": "cancel_selected", "_selected_action": [pending.pk], "confirmed": "yes"},
        follow=True,
    )
    assert Approval.objects.get(pk=pending.pk).status == ApprovalStatus.PENDING


def test_webhook_deliveries_are_for_owners(client, org, owner, developer):
    client.force_login(owner)
    assert client.get("/admin/approvals/webhookdelivery/").status_code == 200
    client.force_login(developer)
    assert client.get("/admin/approvals/webhookdelivery/").status_code == 403
