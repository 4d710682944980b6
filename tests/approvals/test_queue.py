"""The reviewer queue at /approvals/ through the Django test client (real views, real DB)."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from approvals.models import Approval, ApprovalStatus
from governance.models import AuditLog
from governance.roles import Role
from tests.approvals.helpers import grant, pause
from tests.factories import AgentFactory, MembershipFactory, UserFactory
from traces.selectors import trace_events

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def rita(reviewer, agent):
    """A reviewer holding ``decide_approvals`` on ``agent``."""
    grant(agent, reviewer)
    return reviewer


def logged_in(client, user):
    client.force_login(user)
    return client


def decide_url(approval):
    return reverse("approvals:decide", args=[approval.pk])


def test_login_required(client):
    response = client.get("/approvals/")
    assert response.status_code == 302
    assert response["Location"].startswith("/approvals/login/")


def test_reviewer_logs_in_through_the_queue_login(client, rita):
    response = client.post(
        "/approvals/login/", {"username": rita.username, "password": "pw-for-tests-1"}
    )
    # "/" is each role's landing page: the queue for a reviewer.
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/")["Location"] == "/approvals/"
    assert client.get("/approvals/").status_code == 200


def test_pending_newest_first_with_pii_masked(client, org, agent, rita):
    older = pause(org, agent, tool="crm.export")
    newer = pause(org, agent, tool="database.delete")
    page = logged_in(client, rita).get("/approvals/").content.decode()
    assert page.index(f"approval-{newer.pk}") < page.index(f"approval-{older.pk}")
    assert "jane.doe@example.com" not in page
    assert "4111 1111 1111 1111" not in page
    assert '<mark class="pii" title="masked EMAIL">[EMAIL]</mark>' in page
    assert "Deleting customer rows needs a human." in page
    assert "billing-bot" in page
    assert 'hx-trigger="every 2s"' in page
    assert "/static/approvals/htmx.min.js" in page


def test_reveal_shows_the_input_and_is_audited(client, org, agent, rita):
    approval = pause(org, agent)
    response = logged_in(client, rita).post(reverse("approvals:reveal", args=[approval.pk]), **HX)
    assert response.status_code == 200
    assert "jane.doe@example.com" in response.content.decode()
    assert AuditLog.objects.filter(
        action="approval.input_revealed", object_id=str(approval.pk), actor_user=rita
    ).exists()


def test_approve_without_reload_returns_the_decided_card(client, org, agent, rita):
    approval = pause(org, agent)
    response = logged_in(client, rita).post(decide_url(approval), {"verdict": "approve"}, **HX)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="approval-{approval.pk}"' in body and "Approved by" in body
    # The result goes into the live region already on the page (innerHTML), so a screen reader
    # announces it; a region swapped in whole is not announced.
    assert 'id="flash"' in body and 'hx-swap-oob="innerHTML"' in body
    assert "{#" not in body and "screen reader" not in body  # a template comment, not for reviewers
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED and approval.decided_by == rita
    assert AuditLog.objects.filter(action="approval.approved", object_id=str(approval.pk)).exists()
    [entry] = [
        e
        for e in trace_events(organisation=org, trace_id=approval.trace_id)
        if e.kind == "approval"
    ]
    assert entry.server_data["status"] == "approved"
    assert entry.server_data["decided_by"] == rita.email


def test_denial_needs_a_comment(client, org, agent, rita):
    approval = pause(org, agent)
    client = logged_in(client, rita)
    response = client.post(decide_url(approval), {"verdict": "deny", "comment": "  "}, **HX)
    assert response.status_code == 422
    assert 'data-field="comment"' in response.content.decode()
    assert Approval.objects.get(pk=approval.pk).status == ApprovalStatus.PENDING

    response = client.post(
        decide_url(approval), {"verdict": "deny", "comment": "Not on a Friday."}, **HX
    )
    assert response.status_code == 200
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.DENIED
    assert approval.comment == "Not on a Friday."
    [entry] = [
        e
        for e in trace_events(organisation=org, trace_id=approval.trace_id)
        if e.kind == "approval"
    ]
    assert entry.server_data["comment"] == "Not on a Friday."


def test_bad_verdict_is_a_form_error(client, org, agent, rita):
    approval = pause(org, agent)
    response = logged_in(client, rita).post(decide_url(approval), {"verdict": "maybe"}, **HX)
    assert response.status_code == 422
    assert 'data-field="verdict"' in response.content.decode()


def test_second_reviewer_is_told_who_decided(client, org, agent, rita, owner):
    approval = pause(org, agent)
    logged_in(client, owner).post(
        decide_url(approval), {"verdict": "approve", "comment": "fine"}, **HX
    )
    client.logout()
    response = logged_in(client, rita).post(
        decide_url(approval), {"verdict": "deny", "comment": "no"}, **HX
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert f"Already approved by {owner.email}" in html
    # The flash says it in amber (news they did not make), not the green of their own decisions.
    assert f'<span class="warn">Already approved by {owner.email}' in html
    assert Approval.objects.get(pk=approval.pk).status == ApprovalStatus.APPROVED


def test_no_javascript_fallback_redirects_to_the_queue(client, org, agent, rita):
    approval = pause(org, agent)
    response = logged_in(client, rita).post(decide_url(approval), {"verdict": "approve"})
    assert response.status_code == 302 and response["Location"] == "/approvals/"


@pytest.mark.parametrize("who", ["reviewer_without_permission", "outsider", "developer"])
def test_others_get_404(client, org, agent, reviewer, outsider, developer, who):
    user = {"reviewer_without_permission": reviewer, "outsider": outsider, "developer": developer}[
        who
    ]
    approval = pause(org, agent)
    client = logged_in(client, user)
    page = client.get(reverse("approvals:detail", args=[approval.pk]))
    # The SDK's log sends "a reviewer" to this address: the page says who may open it, and is
    # the same for a request that does not exist (nothing tells the two apart).
    missing = client.get(reverse("approvals:detail", args=[uuid.uuid4()]))
    assert page.status_code == missing.status_code == 404
    text = page.content.decode().partition("<main>")[2]
    assert text == missing.content.decode().partition("<main>")[2]
    assert "No approval request you can decide is at this address" in text
    assert "<strong>Reviewers</strong>" in text and agent.name not in text
    assert client.post(decide_url(approval), {"verdict": "approve"}, **HX).status_code == 404
    assert client.post(reverse("approvals:reveal", args=[approval.pk]), **HX).status_code == 404
    page = client.get("/approvals/").content.decode()
    assert str(approval.pk) not in page
    assert Approval.objects.get(pk=approval.pk).status == ApprovalStatus.PENDING
    assert not AuditLog.objects.filter(action="approval.input_revealed").exists()


def test_required_role_reserves_the_decision(client, org, agent, rita, admin_user):
    approval = pause(org, agent, required_role=Role.ADMIN)
    assert (
        logged_in(client, rita).post(decide_url(approval), {"verdict": "approve"}, **HX).status_code
        == 404
    )
    client.logout()
    response = logged_in(client, admin_user).post(
        decide_url(approval), {"verdict": "approve"}, **HX
    )
    assert response.status_code == 200


def test_filters_by_agent_and_policy(client, org, agent, rita):
    other = AgentFactory(organisation=org, name="support-bot")
    grant(other, rita)
    mine = pause(org, agent)
    theirs = pause(org, other)
    Approval.objects.filter(pk=theirs.pk).update(policy_name="Refunds over 500")
    client = logged_in(client, rita)
    by_agent = client.get("/approvals/list/", {"agent": other.pk}).content.decode()
    assert str(theirs.pk) in by_agent and str(mine.pk) not in by_agent
    by_policy = client.get("/approvals/list/", {"policy": "Refunds over 500"}).content.decode()
    assert str(theirs.pk) in by_policy and str(mine.pk) not in by_policy
    page = client.get("/approvals/").content.decode()
    assert ">Refunds over 500</option>" in page and ">support-bot</option>" in page
    assert client.get("/approvals/list/", {"agent": "x' or 1=1"}).status_code == 200


def test_list_refresh_shows_new_requests_and_history_tab(client, org, agent, rita):
    client = logged_in(client, rita)
    assert "Nothing is waiting" in client.get("/approvals/list/").content.decode()
    approval = pause(org, agent)
    listing = client.get("/approvals/list/", **HX).content.decode()
    assert f'id="approval-{approval.pk}"' in listing and 'hx-preserve="true"' in listing
    client.post(decide_url(approval), {"verdict": "deny", "comment": "Too risky"}, **HX)
    assert str(approval.pk) not in client.get("/approvals/list/").content.decode()
    history = client.get("/approvals/", {"tab": "history"}).content.decode()
    assert str(approval.pk) in history and "Too risky" in history and "every 2s" not in history


def test_other_organisation_queue_is_separate(
    client, org, agent, other_org, other_agent, outsider, rita
):
    theirs = pause(other_org, other_agent)
    page = logged_in(client, rita).get("/approvals/").content.decode()
    assert str(theirs.pk) not in page
    client.logout()
    page = logged_in(client, outsider).get("/approvals/").content.decode()
    assert str(theirs.pk) in page


def test_member_of_two_organisations_sees_the_chosen_one(
    client, org, agent, other_org, other_agent
):
    user = UserFactory(username="both@example.com")
    MembershipFactory(user=user, organisation=org, role=Role.ADMIN)
    MembershipFactory(user=user, organisation=other_org, role=Role.ADMIN)
    mine, theirs = pause(org, agent), pause(other_org, other_agent)
    client = logged_in(client, user)
    client.post("/organisation/switch/", {"organisation": other_org.pk, "next": "/approvals/"})
    page = client.get("/approvals/").content.decode()
    assert str(theirs.pk) in page and str(mine.pk) not in page
    assert client.post(decide_url(mine), {"verdict": "approve"}, **HX).status_code == 404


def test_an_empty_queue_says_when_no_policy_asks_for_approval(
    client, org, agent, rita, owner, other_org
):
    """Session 17's walk-through: a new organisation's queue said only "nothing is waiting",
    though no policy could ever send a request. It now says so, and links the wizard for those
    who may write policies (not for a reviewer, whom the wizard refuses)."""
    from policies.services import policy_create

    reviewer_page = logged_in(client, rita).get(reverse("approvals:queue")).content.decode()
    assert "No enabled policy of Acme asks for approval yet" in reviewer_page
    assert reverse("console:policy-new") not in reviewer_page
    owner_page = logged_in(client, owner).get(reverse("approvals:queue")).content.decode()
    assert "No enabled policy of Acme asks for approval yet" in owner_page
    assert f'href="{reverse("console:policy-new")}"' in owner_page

    # Another organisation's approval policy does not count for this one.
    policy_create(
        organisation=other_org, actor=None, name="Deletes", type="action_approval",
        mode="require_approval", threshold={"restricted_actions": ["delete"]},
    )  # fmt: skip
    assert "asks for approval yet" in client.get(reverse("approvals:queue")).content.decode()
    policy = policy_create(
        organisation=org, actor=owner, name="Deletes", type="action_approval",
        mode="require_approval", threshold={"restricted_actions": ["delete"]},
    )  # fmt: skip
    assert "asks for approval yet" not in client.get(reverse("approvals:queue")).content.decode()
    policy.enabled = False
    policy.save(update_fields=["enabled"])
    assert "asks for approval yet" in client.get(reverse("approvals:queue")).content.decode()


def test_pending_tab_shows_a_page_counts_all_and_keeps_an_open_card(
    client, org, agent, rita, monkeypatch
):
    """The list the page refreshes every two seconds holds the newest PENDING_PAGE requests
    (and one the reviewer has open further down), while the pill and a note count them all;
    its queries do not grow with the queue."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from approvals import views

    monkeypatch.setattr(views, "PENDING_PAGE", 3)
    client = logged_in(client, rita)
    approvals = [pause(org, agent) for _ in range(4)]  # oldest first

    def listing(**params):
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/approvals/list/", params, **HX).content.decode()
        return page, len(queries.captured_queries)

    listing()  # the session's first request reads a little more once
    page, few = listing()
    oldest = approvals[0]
    assert f"approval-{oldest.pk}" not in page
    assert all(f"approval-{a.pk}" in page for a in approvals[1:])
    assert '<span id="pending-count" class="count-pill" hx-swap-oob="true">4</span>' in page
    assert "Showing the newest 3 of 4 waiting." in page

    page, _ = listing(open=str(oldest.pk))
    assert f"approval-{oldest.pk}" in page  # worked on: it stays, in the queue's order
    assert page.index(f"approval-{approvals[1].pk}") < page.index(f"approval-{oldest.pk}")

    for _ in range(6):
        pause(org, agent)
    page, many = listing()
    assert page.count('class="card pending') == 3
    assert ">10</span>" in page and "Showing the newest 3 of 10 waiting." in page
    assert many == few

    full = client.get("/approvals/").content.decode()
    assert '<span id="pending-count" class="count-pill">10</span>' in full


def test_the_policy_filter_offers_every_policy_however_many_requests(client, org, agent, rita):
    """The policy menu lists each policy name once, from all the reviewer's requests: one
    policy's 500 newer requests do not push an older policy's name out of it."""
    from datetime import timedelta

    from django.utils import timezone

    rare = pause(org, agent)
    Approval.objects.filter(pk=rare.pk).update(
        policy_name="Rare export rule", requested_at=timezone.now() - timedelta(days=30)
    )
    now = timezone.now()
    Approval.objects.bulk_create(
        Approval(
            organisation=org,
            trace_id=uuid.uuid4(),
            agent=agent,
            tool="payments.refund",
            input={},
            policy_name="Busy refund rule",
            status=ApprovalStatus.APPROVED,
            requested_at=now - timedelta(minutes=i),
            expires_at=now,
            decided_at=now,
        )
        for i in range(501)
    )
    page = logged_in(client, rita).get("/approvals/").content.decode()
    assert ">Rare export rule</option>" in page
    assert page.count(">Busy refund rule</option>") == 1


def test_the_history_tab_pages_back_through_every_decision(client, org, agent, rita, monkeypatch):
    """A reviewer (whose role opens neither the audit log nor the ledger) pages back through
    all their decided requests, latest first, the filters kept; a bad page number is page 1."""
    from datetime import timedelta

    from django.utils import timezone

    from approvals import views

    monkeypatch.setattr(views, "HISTORY_PAGE", 2)
    now = timezone.now()
    decided = Approval.objects.bulk_create(
        Approval(
            organisation=org,
            trace_id=uuid.uuid4(),
            agent=agent,
            tool=f"tool.n{i}",
            input={},
            policy_name="Refund rule",
            status=ApprovalStatus.APPROVED,
            requested_at=now - timedelta(hours=i + 1),
            expires_at=now,
            decided_at=now - timedelta(hours=i),
        )
        for i in range(5)
    )  # decided[0] is the latest decision
    client = logged_in(client, rita)

    def page(query):
        html = client.get(f"/approvals/{query}").content.decode()
        return [a for a in decided if f"approval-{a.pk}" in html], html

    shown, html = page("?tab=history")
    assert shown == decided[:2] and "Decisions 1–2, latest first." in html
    assert 'href="?tab=history&amp;page=2" rel="next">Older</a>' in html and "Newer" not in html
    shown, html = page("?tab=history&page=3")
    assert shown == decided[4:] and "Decisions 5–5" in html
    assert 'href="?tab=history&amp;page=2" rel="prev">Newer</a>' in html and "Older" not in html
    _, html = page("?tab=history&page=2&policy=Refund+rule")
    assert 'href="?tab=history&amp;page=3&amp;policy=Refund+rule" rel="next"' in html
    for bad in ("0", "-1", "x", "99999"):
        assert page(f"?tab=history&page={bad}")[0] == decided[:2]
    assert page("?tab=history&page=9")[0] == []
