"""The pending tab's order (``?sort=``): newest first (the default) or expiring soonest, with more
requests waiting than one page shows; kept across the 2-second refresh, the open and kept cards,
and a reload (the address is the only place it is remembered)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from approvals.models import Approval
from approvals.services import approval_expire_if_overdue
from approvals.views import PENDING_PAGE
from tests.approvals.helpers import grant, pause
from tests.browser import chromium, console_sign_in, db, next_swap, open_page, swaps

HX = {"HTTP_HX_REQUEST": "true"}
WAITING = PENDING_PAGE + 7


@pytest.fixture
def rita(reviewer, agent):
    grant(agent, reviewer)
    return reviewer


def _waiting(org, agent, count=WAITING):
    """``count`` requests whose expiry order is not their arrival order (a policy's timeouts
    differ), two of them expiring at the same instant (the id decides)."""
    now = timezone.now()
    approvals = [pause(org, agent) for _ in range(count)]  # oldest first
    for i, approval in enumerate(approvals):
        expires = now + timedelta(minutes=10 + (i * 11) % count)
        Approval.objects.filter(pk=approval.pk).update(expires_at=expires)
    if count > 20:
        tied = now + timedelta(minutes=5)
        Approval.objects.filter(pk__in=[approvals[3].pk, approvals[20].pk]).update(expires_at=tied)
    return [Approval.objects.get(pk=a.pk) for a in approvals]  # oldest first


def _order(html: str) -> list[str]:
    """The approval ids of the cards in ``html``, top to bottom."""
    marker, ids, at = 'id="approval-', [], 0
    while (at := html.find(marker, at)) != -1:
        at += len(marker)
        ids.append(html[at : html.index('"', at)])
    return [i for i in ids if i != "list"]


def test_each_order_lists_its_first_page_in_that_order(client, org, agent, rita):
    approvals = _waiting(org, agent)
    newest = sorted(approvals, key=lambda a: (a.requested_at, a.pk), reverse=True)
    expiring = sorted(approvals, key=lambda a: (a.expires_at, a.pk))
    assert [a.pk for a in newest[:PENDING_PAGE]] != [a.pk for a in expiring[:PENDING_PAGE]]
    client.force_login(rita)

    for params in ({}, {"sort": "newest"}):
        html = client.get("/approvals/list/", params, **HX).content.decode()
        assert _order(html) == [str(a.pk) for a in newest[:PENDING_PAGE]]
        assert f"Showing the newest {PENDING_PAGE} of {WAITING} waiting." in html

    html = client.get("/approvals/list/", {"sort": "expiring"}, **HX).content.decode()
    assert _order(html) == [str(a.pk) for a in expiring[:PENDING_PAGE]]
    assert f"Showing the {PENDING_PAGE} expiring soonest of {WAITING} waiting." in html
    # The two expiring at the same instant come first, in id order.
    tied = sorted([approvals[3].pk, approvals[20].pk])
    assert _order(html)[:2] == [str(pk) for pk in tied]
    assert f'<span id="pending-count" class="count-pill" hx-swap-oob="true">{WAITING}</span>' in (
        html
    )

    # The full page offers the choice, says which is on, and every tab link keeps it.
    page = client.get("/approvals/", {"sort": "expiring"}).content.decode()
    assert _order(page) == [str(a.pk) for a in expiring[:PENDING_PAGE]]
    assert '<option value="expiring" selected>Expiring soonest</option>' in page
    assert "?tab=history&sort=expiring" in page and "?tab=pending&sort=expiring" in page
    default = client.get("/approvals/").content.decode()
    assert '<option value="newest" selected>Newest first</option>' in default
    assert "&sort=" not in default


def test_open_and_kept_cards_are_placed_in_the_chosen_order(client, org, agent, rita):
    approvals = _waiting(org, agent)
    expiring = sorted(approvals, key=lambda a: (a.expires_at, a.pk))
    client.force_login(rita)
    # Open: one beyond the first page (it expires last) stays, at the end of the list.
    last = expiring[-1]
    html = client.get("/approvals/list/", {"sort": "expiring", "open": str(last.pk)}, **HX)
    ids = _order(html.content.decode())
    assert ids == [str(a.pk) for a in expiring[:PENDING_PAGE]] + [str(last.pk)]

    # Kept: one the reviewer had open expires; it stays where the order puts it (first: it
    # expired soonest), marked, while the others keep their order.
    gone = expiring[10]
    Approval.objects.filter(pk=gone.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert approval_expire_if_overdue(approval_id=gone.pk)
    html = client.get("/approvals/list/", {"sort": "expiring", "open": str(gone.pk)}, **HX)
    html = html.content.decode()
    still = [a for a in expiring if a.pk != gone.pk]
    assert _order(html) == [str(gone.pk)] + [str(a.pk) for a in still[:PENDING_PAGE]]
    assert "expired while you had it open" in html
    # Newest first puts the same kept card where its arrival puts it.
    html = client.get("/approvals/list/", {"kept": str(gone.pk)}, **HX).content.decode()
    newest = sorted(approvals, key=lambda a: (a.requested_at, a.pk), reverse=True)
    page = [a for a in newest if a.pk != gone.pk][:PENDING_PAGE]
    expected = sorted([*page, gone], key=lambda a: (a.requested_at, a.pk), reverse=True)
    assert _order(html) == [str(a.pk) for a in expected]


@pytest.mark.parametrize("value", ["soonest", "", "EXPIRING", "expiring'--", "x" * 5000])
def test_an_unknown_order_is_the_default(client, org, agent, rita, value):
    approvals = _waiting(org, agent, count=4)
    newest = sorted(approvals, key=lambda a: (a.requested_at, a.pk), reverse=True)
    client.force_login(rita)
    for url in ("/approvals/", "/approvals/list/"):
        response = client.get(url, {"sort": value})
        assert response.status_code == 200
        assert _order(response.content.decode()) == [str(a.pk) for a in newest]
    page = client.get("/approvals/", {"sort": value}).content.decode()
    assert '<option value="newest" selected>Newest first</option>' in page
    assert "&sort=" not in page


def test_expiring_soonest_shows_only_the_readers_organisation(
    client, org, agent, other_org, other_agent, outsider, rita
):
    mine = pause(org, agent, timeout_seconds=3600)
    theirs = pause(other_org, other_agent, timeout_seconds=60)  # expires first, elsewhere
    client.force_login(rita)
    html = client.get("/approvals/list/", {"sort": "expiring", "open": str(theirs.pk)})
    assert _order(html.content.decode()) == [str(mine.pk)]
    client.force_login(outsider)
    html = client.get("/approvals/list/", {"sort": "expiring", "open": str(mine.pk)})
    assert _order(html.content.decode()) == [str(theirs.pk)]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_chosen_order_survives_the_refresh_and_a_reload(org, agent, reviewer, asgi_server):
    db(grant, agent, reviewer)
    late = db(pause, org, agent, tool="files.delete", timeout_seconds=3600)  # oldest
    soon = db(pause, org, agent, tool="billing.refund", timeout_seconds=600)
    middle = db(pause, org, agent, tool="crm.export", timeout_seconds=1800)  # newest
    with chromium() as browser:
        page = open_page(browser)
        console_sign_in(page, asgi_server.url, reviewer.username)
        cards = page.locator(".card.pending")

        def order():
            return cards.evaluate_all("cards => cards.map(c => c.dataset.approval)")

        assert order() == [str(middle.pk), str(soon.pk), str(late.pk)]  # newest first

        # A labelled native menu (Tab reaches it, the arrows choose): the list follows.
        sort = page.get_by_label("Sort")
        sort.focus()
        with page.expect_response(lambda r: "sort=expiring" in r.url):
            sort.select_option("expiring")
        expected = [str(soon.pk), str(middle.pk), str(late.pk)]
        page.wait_for_function(
            f"document.querySelector('.card.pending').dataset.approval === '{soon.pk}'"
        )
        assert order() == expected
        assert "sort=expiring" in page.url

        # The 2-second refresh keeps the order, and places a new request by its expiry.
        sooner = db(pause, org, agent, tool="email.send", timeout_seconds=300)
        page.locator(f"#approval-{sooner.pk}").wait_for(timeout=6_000)
        assert order() == [str(sooner.pk), *expected]
        seen = swaps(page, "approval-list")
        with page.expect_request(
            lambda r: "/approvals/list/" in r.url and "sort=expiring" in r.url
        ):
            pass
        next_swap(page, "approval-list", after=seen)  # that refresh, answered and drawn
        assert order() == [str(sooner.pk), *expected]

        # A reload (the address is the only memory) shows the same order and choice.
        page.reload()
        cards.first.wait_for()
        assert order() == [str(sooner.pk), *expected]
        assert page.get_by_label("Sort").input_value() == "expiring"
