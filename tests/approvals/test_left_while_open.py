"""A request that stops waiting while a reviewer has it open — it expires, or another reviewer
decides it — stays on their page, in place and marked, with one announcement of what happened;
it does not vanish at the next refresh, and the selection does not jump to another request
(where "a" would approve something the reviewer never read)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.models import Approval, ApprovalStatus
from approvals.services import approval_decide, approval_expire_if_overdue
from tests.approvals.helpers import grant, pause
from tests.browser import chromium, console_sign_in, db, next_swap, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _expire(approval_id):
    Approval.objects.filter(pk=approval_id).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert approval_expire_if_overdue(approval_id=approval_id)


def _decide(approval_id, user):
    approval_decide(
        approval=Approval.objects.get(pk=approval_id), actor=user, verdict="approve", comment=""
    )


@pytest.mark.parametrize("how", ["expired", "decided by another reviewer"])
def test_a_request_that_stops_waiting_while_open_stays_marked_and_keeps_the_selection(
    org, agent, reviewer, admin_user, asgi_server, how
):
    db(grant, agent, reviewer)
    older = db(pause, org, agent, tool="files.delete", input={"path": "/exports/a.csv"})
    newer = db(pause, org, agent, tool="billing.refund", input={"amount": "49.00"})
    with chromium() as browser:
        page = open_page(browser)
        console_sign_in(page, asgi_server.url, reviewer.username)
        card = page.locator(f"#approval-{older.pk}")
        card.locator("textarea").fill("Checking the export with finance")
        card.locator("textarea").press("Escape")  # leaves the box; the card stays selected
        assert "selected" in card.get_attribute("class")

        if how == "expired":
            db(_expire, older.pk)
        else:
            db(_decide, older.pk, admin_user)
        # The next refresh (every 2 s) marks the card instead of dropping it.
        page.locator(f"#approval-{older.pk}.kept").wait_for(timeout=6_000)
        flash = page.locator("#flash")
        if how == "expired":
            assert "Expired" in card.inner_text()
            assert "expired while you had it open" in flash.inner_text()
            assert "the agent was told to deny" in flash.inner_text()
        else:
            assert f"Approved by {admin_user.email}" in card.inner_text()
            assert f"was approved by {admin_user.email} while you had it open" in (
                flash.inner_text()
            )
        # Amber, not the green of the reviewer's own decisions: this is news they did not make.
        colour = flash.locator(".warn").evaluate("e => getComputedStyle(e).color")
        assert colour == "rgb(154, 103, 0)", colour
        assert page.locator("#pending-count").inner_text() == "1"

        # The selection stays on the card the reviewer was reading: "a" approves nothing else.
        assert "selected" in card.get_attribute("class")
        sent = []
        page.on("request", lambda request: sent.append(request.url))
        page.keyboard.press("a")
        # Nothing was sent by the time the next refresh is answered and drawn (a decision would
        # have gone first): a condition, not 300 ms of hoping.
        next_swap(page, "approval-list")
        assert not [url for url in sent if "/decide/" in url], sent
        assert db(lambda: Approval.objects.get(pk=newer.pk).status) == ApprovalStatus.PENDING

        # A later refresh keeps it (and says nothing again); Dismiss removes it, and the
        # selection moves to the request still waiting.
        next_swap(page, "approval-list")  # answered, swapped in and settled
        assert card.count() == 1
        card.locator("button.dismiss").click()
        assert card.count() == 0
        assert "selected" in page.locator(f"#approval-{newer.pk}").get_attribute("class")


def test_the_list_keeps_only_the_readers_own_organisations_requests(
    org, other_org, agent, other_agent, reviewer, client
):
    """Ids sent as ``open``/``kept`` go through the same rights as the queue: another
    organisation's request (or junk) is never drawn."""
    grant(agent, reviewer)
    mine = pause(org, agent)
    theirs = pause(other_org, other_agent)
    for approval in (mine, theirs):
        Approval.objects.filter(pk=approval.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        approval_expire_if_overdue(approval_id=approval.pk)
    client.force_login(reviewer)
    answer = client.get(
        "/approvals/list/", {"open": f"{mine.pk},{theirs.pk},not-an-id", "kept": "x"}
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert f"approval-{mine.pk}" in html
    assert f"approval-{theirs.pk}" not in html
    assert "expired while you had it open" in html


def test_the_readers_own_decision_is_not_announced_again(org, agent, reviewer, client):
    """A refresh sent just before the reviewer's own decision came back still lists the card
    as open; it must not be kept, nor its "Denied: …" announcement overwritten."""
    grant(agent, reviewer)
    approval = pause(org, agent)
    approval_decide(approval=approval, actor=reviewer, verdict="deny", comment="Not on a Friday")
    client.force_login(reviewer)
    html = client.get("/approvals/list/", {"open": str(approval.pk)}).content.decode()
    assert f"approval-{approval.pk}" not in html and 'id="flash"' not in html
