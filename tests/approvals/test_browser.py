"""The whole flow through real HTTP with a real browser.

The app runs under uvicorn (ASGI, as in production) against the test database; an agent
long-polls ``GET /api/v1/approvals/<id>?wait=`` in a thread while a reviewer signs in with
Debian's chromium (driven by Playwright), reads the masked input, reveals it, and approves
with the keyboard. The long-poll returns ``approved``.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from approvals.models import Approval, ApprovalStatus
from governance.models import AuditLog
from tests.approvals.helpers import grant, pause
from tests.browser import chromium, console_sign_in, db, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page():
    with chromium() as browser:
        yield open_page(browser)


class LongPoll(threading.Thread):
    """An agent waiting for the decision, the way the SDK does (real HTTP, Bearer key)."""

    def __init__(self, base_url: str, key: str, approval_id, wait: int = 30):
        super().__init__(daemon=True)
        self.request = urllib.request.Request(  # noqa: S310 - loopback test server
            f"{base_url}/api/v1/approvals/{approval_id}?wait={wait}",
            headers={"Authorization": f"Bearer {key}"},
        )
        self.wait_seconds = wait
        self.answer: dict | None = None
        self.elapsed: float | None = None
        self.returned_at: float | None = None

    def run(self) -> None:
        started = time.monotonic()
        with urllib.request.urlopen(self.request, timeout=self.wait_seconds + 10) as response:  # noqa: S310
            self.answer = json.loads(response.read())
        self.returned_at = time.monotonic()
        self.elapsed = self.returned_at - started


def check(base_url: str, key: str, **call) -> dict:
    """``POST /api/v1/check`` as the SDK sends it."""
    body = json.dumps({"trace_id": str(uuid.uuid4()), "agent": "billing-bot", **call}).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback test server
        f"{base_url}/api/v1/check",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def approval_policies(org, owner):
    from policies.services import policy_create

    return [
        policy_create(
            organisation=org,
            actor=owner,
            name="Destructive SQL",
            type="action_approval",
            mode="require_approval",
            tool_patterns=["database.*"],
            threshold={"restricted_actions": ["database.delete"], "approval_timeout": 600},
        ),
        policy_create(
            organisation=org,
            actor=owner,
            name="Large refunds",
            type="action_approval",
            mode="require_approval",
            tool_patterns=["payments.*"],
            threshold={"restricted_actions": ["payments.refund"], "approval_timeout": 600},
        ),
    ]


def test_check_pauses_agent_waits_reviewer_approves_in_browser(
    org, agent, owner, reviewer, make_key, asgi_server, browser_page
):
    page = browser_page
    db(grant, agent, reviewer)
    db(approval_policies, org, owner)
    key = db(make_key, org, scopes=["check"], agent=agent)

    # The agent asks before running a destructive query: the check pauses it.
    answer = check(
        asgi_server.url,
        key,
        tool="database.delete",
        input={
            "table": "customers",
            "where": {"email": "jane.doe@example.com"},
            "card": "4111 1111 1111 1111",
        },
    )
    assert answer["decision"] == "require_approval", answer
    assert answer["approval"]["status"] == "pending"
    approval = db(Approval.objects.get, pk=answer["approval"]["id"])

    agent_wait = LongPoll(asgi_server.url, key, approval.pk)
    agent_wait.start()

    console_sign_in(page, asgi_server.url, reviewer.username)
    card = page.locator(f"#approval-{approval.pk}")
    card.wait_for()
    assert "database.delete" in card.inner_text()
    assert "Destructive SQL" in card.inner_text()
    assert "jane.doe@example.com" not in page.content()
    assert card.locator("mark.pii").count() >= 2

    # Reveal the masked values: shown in place, and audited.
    card.locator("button.reveal").click()
    card.locator("text=jane.doe@example.com").wait_for()
    assert (
        db(AuditLog.objects.filter(action="approval.input_revealed", actor_user=reviewer).count)
        == 1
    )

    # The list refreshes itself: a new request appears without a reload, while the comment
    # typed on the first card survives the refresh.
    card.locator("textarea").fill("Checked with the account owner.")
    refund_answer = check(
        asgi_server.url,
        key,
        tool="payments.refund",
        input={"amount": "950.00", "iban": "GB82 WEST 1234 5698 7654 32"},
    )
    assert refund_answer["decision"] == "require_approval", refund_answer
    newer = db(Approval.objects.get, pk=refund_answer["approval"]["id"])
    page.locator(f"#approval-{newer.pk}").wait_for(timeout=6_000)
    assert card.locator("textarea").input_value() == "Checked with the account owner."
    assert (
        page.locator(".card.pending").first.get_attribute("id") == f"approval-{newer.pk}"
    )  # newest first

    # Approve the first request with the keyboard: select it (k moves up, j down), press a.
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("j")
    assert "selected" in (card.get_attribute("class") or "")
    page.keyboard.press("a")
    page.locator("#flash", has_text="Approved").wait_for()
    card.locator(".badge.approved").wait_for()
    decided_at = time.monotonic()

    agent_wait.join(15)
    assert agent_wait.answer is not None, asgi_server.output()
    assert agent_wait.answer["status"] == "approved"
    assert agent_wait.answer["decided_by"] == reviewer.email
    assert agent_wait.answer["comment"] == "Checked with the account owner."
    assert agent_wait.returned_at - decided_at < 2.0  # woken by the decision, not by the timeout

    # Deny the refund with the keyboard: d asks for a comment first.
    refund = page.locator(f"#approval-{newer.pk}")
    refund.click(position={"x": 5, "y": 5})
    page.keyboard.press("d")
    assert page.evaluate("document.activeElement.name") == "comment"
    page.keyboard.type("Refunds above 500 go through finance.")
    page.keyboard.press("Escape")
    page.keyboard.press("d")
    refund.locator(".badge.denied").wait_for()
    assert db(lambda: Approval.objects.get(pk=newer.pk).status) == ApprovalStatus.DENIED

    # Both leave the pending list at the next refresh and show in the history tab.
    page.locator(".card.pending").first.wait_for(state="detached", timeout=6_000)
    page.click("a.tab:has-text('History')")
    page.locator(f"#approval-{approval.pk} .badge.approved").wait_for()
    assert (
        "Refunds above 500 go through finance."
        in page.locator(f"#approval-{newer.pk}").inner_text()
    )


def test_screenshot_of_the_queue(org, agent, owner, reviewer, tmp_path, asgi_server, browser_page):
    """Renders the queue with a few requests; writes docs/img/approval-queue.png when
    APPROVALS_SCREENSHOT is set (the README's picture), else into the test's tmp dir."""
    page = browser_page
    db(screenshot_data, org, agent, reviewer, owner)
    console_sign_in(page, asgi_server.url, reviewer.username)
    page.locator(".card.pending").nth(2).wait_for()
    # At 1280 px the filters and the shortcuts button share the title's line: the policy menu,
    # as wide as its longest name, pushed the button alone onto a second line.
    title = page.locator(".queue-head h1").bounding_box()
    toggle = page.locator(".shortcuts-toggle").bounding_box()
    assert title and toggle and toggle["y"] < title["y"] + title["height"], (title, toggle)
    page.keyboard.press("?")
    target = os.environ.get("APPROVALS_SCREENSHOT")
    path = Path(target) if target else tmp_path / "approval-queue.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    # On a phone the filters wrap and the policy menu (long policy names) fits the screen: it
    # pushed the page 35 px wider than a 390 px phone, so the whole queue scrolled sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def screenshot_data(org, agent, reviewer, owner):
    from policies.services import policy_create
    from tests.factories import AgentFactory

    support = AgentFactory(organisation=org, name="support-bot")
    for a in (agent, support):
        grant(a, reviewer)
    sql, refunds = approval_policies(org, owner)
    mass_email = policy_create(
        organisation=org,
        actor=owner,
        name="Mass email to customers needs a human reviewer",
        type="action_approval",
        mode="require_approval",
        threshold={"restricted_actions": ["email.send"]},
    )
    pause(
        org,
        support,
        tool="email.send",
        policy=mass_email,
        reason="Mass email to customers needs a human reviewer: 'email.send' is a restricted action and needs approval by a reviewer",
        input={"to": ["all-customers@example.com"], "subject": "Price change", "recipients": 1240},
    )
    pause(
        org,
        agent,
        tool="payments.refund",
        policy=refunds,
        approvers_required=2,
        reason="Large refunds: 'payments.refund' is a restricted action and needs approval by a reviewer",
        input={
            "customer": {
                "name": "Jane Doe",
                "email": "jane.doe@example.com",
                "phone": "+44 20 7946 0958",
            },
            "amount": "950.00",
            "currency": "GBP",
            "iban": "GB82 WEST 1234 5698 7654 32",
        },
    )
    pause(
        org,
        agent,
        tool="database.delete",
        policy=sql,
        reason="Destructive SQL: 'database.delete' is a restricted action and needs approval by a reviewer",
    )


def test_a_request_waiting_days_counts_down_in_days_and_hours(
    org, agent, reviewer, asgi_server, browser_page
):
    """A request that may wait a week reads "3d 00h left" (server and the page's countdown
    alike), not "72h 00m left"."""
    from approvals.presentation import humanise_seconds

    assert humanise_seconds(7 * 86400 - 1) == "6d 23h"
    assert humanise_seconds(3 * 86400 + 59) == "3d 00h"
    assert humanise_seconds(3600 + 61) == "1h 01m"
    assert humanise_seconds(61) == "1m 01s"
    page = browser_page
    db(grant, agent, reviewer)
    db(pause, org, agent, timeout_seconds=3 * 86400 + 1800)
    console_sign_in(page, asgi_server.url, reviewer.username)
    left = page.locator(".card.pending .time-left")
    left.evaluate("e => { e.textContent = ''; }")  # the next tick of the countdown rewrites it
    page.wait_for_function("() => document.querySelector('.card.pending .time-left').textContent")
    assert left.inner_text() == "3d 00h left"
