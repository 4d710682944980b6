"""Keyboard only, in Debian's chromium: a reviewer works the approval queue with Tab, Enter and
typing (no mouse, no single-key shortcuts), and the focus lands on the next pending request after
each HTMX swap while the live region announces the result; a compliance officer creates a
policy in the wizard with Tab, the arrow keys, Space and typing."""

from __future__ import annotations

import pytest

from approvals.models import Approval, ApprovalStatus
from policies.models import Policy
from tests.approvals.helpers import grant, pause
from tests.browser import admin_sign_in, chromium, console_sign_in, db, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page():
    with chromium() as browser:
        yield open_page(browser)


def sign_in(page, base_url: str, user) -> None:
    console_sign_in(page, base_url, user.username)


def focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement; return {
             tag: e.tagName, id: e.id || '', name: e.name || '', value: e.value || '',
             cls: e.className || '', card: (e.closest('.card') || {}).id || '' }; }"""
    )


def tab_to(page, matches, limit: int = 60, key: str = "Tab") -> dict:
    """Press Tab until the focused element satisfies ``matches``, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press(key)
        here = focused(page)
        if matches(here):
            return here
    raise AssertionError(f"{limit} presses of {key} never reached it; last: {focused(page)}")


def test_reviewer_works_the_queue_by_keyboard(org, agent, reviewer, asgi_server, page):
    db(grant, agent, reviewer)
    first = db(pause, org, agent, tool="database.delete")
    second = db(pause, org, agent, tool="file.delete")
    cards = {f"approval-{first.pk}", f"approval-{second.pk}"}
    sign_in(page, asgi_server.url, reviewer)
    page.wait_for_selector(".card.pending")

    # Tab to the first request's Approve button and press Enter.
    here = tab_to(page, lambda f: f["tag"] == "BUTTON" and "approve" in f["cls"])
    decided = here["card"]
    assert decided in cards
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#{decided}.decided")
    # The result is announced in the live region that was already on the page...
    page.wait_for_function(
        "() => document.getElementById('flash').textContent.includes('Approved')"
    )
    assert page.get_attribute("#flash", "aria-live") == "polite"
    # ...and the focus is on the other pending request, not lost to <body>.
    page.wait_for_function("() => document.activeElement.classList.contains('card')")
    other = (cards - {decided}).pop()
    assert focused(page)["id"] == other

    # From there: Tab into its comment box, type why, Tab to Deny, Enter.
    tab_to(page, lambda f: f["tag"] == "TEXTAREA" and f["card"] == other, limit=5)
    page.keyboard.type("Not on a Friday")
    tab_to(page, lambda f: f["tag"] == "BUTTON" and "deny" in f["cls"], limit=4)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#{other}.decided")
    page.wait_for_function("() => document.getElementById('flash').textContent.includes('Denied')")
    # Nothing is left to decide: the focus is on the queue's heading.
    page.wait_for_function("() => document.activeElement.id === 'queue-title'")

    statuses = db(
        lambda: dict(Approval.objects.filter(organisation=org).values_list("pk", "status"))
    )
    by_card = {f"approval-{pk}": status for pk, status in statuses.items()}
    assert by_card[decided] == ApprovalStatus.APPROVED
    assert by_card[other] == ApprovalStatus.DENIED


def test_deny_without_a_comment_keeps_the_focus_in_the_comment_box(
    org, agent, reviewer, asgi_server, page
):
    db(grant, agent, reviewer)
    approval = db(pause, org, agent)
    sign_in(page, asgi_server.url, reviewer)
    page.wait_for_selector(".card.pending")
    tab_to(page, lambda f: f["tag"] == "BUTTON" and "deny" in f["cls"])
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#approval-{approval.pk} .error[role=alert]")
    page.wait_for_function("() => document.activeElement.tagName === 'TEXTAREA'")
    assert focused(page)["card"] == f"approval-{approval.pk}"
    assert db(lambda: Approval.objects.get(pk=approval.pk).status) == ApprovalStatus.PENDING


def test_compliance_officer_runs_the_wizard_by_keyboard(
    org, agent, compliance_officer, asgi_server, page
):
    admin_sign_in(page, asgi_server.url, compliance_officer.username, then="/policies/new/")
    # Step 1: Tab into the type cards, arrow keys to "PII access" (the settings swap in).
    tab_to(page, lambda f: f["name"] == "type")
    for _ in range(12):
        if focused(page)["value"] == "pii_access":
            break
        page.keyboard.press("ArrowDown")
    assert focused(page)["value"] == "pii_access"
    if not page.is_checked("input[name=type][value=pii_access]"):
        page.keyboard.press("Space")  # the first radio of a group with none checked
    page.wait_for_selector("input[name=s-denied_pii_types][value=ssn]")
    # Step 2: the name.
    tab_to(page, lambda f: f["name"] == "name")
    page.keyboard.type("No SSNs by keyboard")
    # Step 3: tick "SSN" with Space.
    tab_to(page, lambda f: f["name"] == "s-denied_pii_types" and f["value"] == "ssn")
    page.keyboard.press("Space")
    assert page.is_checked("input[name=s-denied_pii_types][value=ssn]")
    # Step 4: mode "block" with the arrow keys.
    tab_to(page, lambda f: f["name"] == "mode")
    for _ in range(6):
        if focused(page)["value"] == "block":
            break
        page.keyboard.press("ArrowDown")
    if not page.is_checked("input[name=mode][value=block]"):
        page.keyboard.press("Space")
    assert page.is_checked("input[name=mode][value=block]")
    # Test the draft on a sample, by keyboard; the result is in a live region.
    tab_to(page, lambda f: f["name"] == "sample_tool")
    page.keyboard.type("email.send")
    tab_to(page, lambda f: f["name"] == "sample_input")
    page.keyboard.type('{"body": "SSN 123-45-6789"}')
    tab_to(page, lambda f: f["id"] == "run-test")
    page.keyboard.press("Enter")
    page.wait_for_selector("#test-result [data-decision=block]")
    assert page.evaluate(
        "() => document.getElementById('test-result').closest('[aria-live=polite]') !== null"
    )
    # Save.
    tab_to(page, lambda f: f["id"] == "save")
    page.keyboard.press("Enter")
    page.wait_for_url("**/policies/*/edit/")
    policy = db(lambda: Policy.objects.get(organisation=org, name="No SSNs by keyboard"))
    assert policy.mode == "block" and policy.threshold["denied_pii_types"] == ["ssn"]


def test_the_shortcuts_panel_opens_and_closes_with_its_button(
    org, agent, reviewer, asgi_server, page
):
    """The panel starts hidden (its button says aria-expanded=false); the stylesheet's display
    rule used to override the hidden attribute, so it was always shown."""
    db(grant, agent, reviewer)
    sign_in(page, asgi_server.url, reviewer)
    assert not page.is_visible("#shortcuts")
    assert page.get_attribute(".shortcuts-toggle", "aria-expanded") == "false"
    tab_to(page, lambda f: "shortcuts-toggle" in f["cls"])
    page.keyboard.press("Enter")
    assert page.is_visible("#shortcuts")
    assert page.get_attribute(".shortcuts-toggle", "aria-expanded") == "true"
    page.keyboard.press("Enter")
    assert not page.is_visible("#shortcuts")


def test_a_privacy_checkbox_sits_on_its_labels_line(org, owner, asgi_server, page):
    """The erasure's "I reviewed the preview" box was drawn on the line under its words; now it
    sits before them, on their line, and ticking it by keyboard (Space) works."""
    from governance.services import data_subject_request_create
    from privacy.services import dsr_start, dsr_verify_identity

    def erasure():
        dsr = data_subject_request_create(
            organisation=org, kind="erasure", actor=owner, subject="jane.doe@example.com"
        )
        dsr = dsr_verify_identity(request=dsr, actor=owner, how="from her account")
        return dsr_start(request=dsr, actor=owner).pk

    pk = db(erasure)
    admin_sign_in(page, asgi_server.url, owner.username, then=f"/privacy/requests/{pk}/")
    page.click("details.action-erase summary")
    box = page.get_by_label("I reviewed the preview; this cannot be undone.")
    words = page.locator("details.action-erase .field span", has_text="I reviewed the preview")
    b, w = box.bounding_box(), words.bounding_box()
    assert b["x"] + b["width"] <= w["x"], (b, w)  # before the words
    assert abs((b["y"] + b["height"] / 2) - (w["y"] + w["height"] / 2)) < 6, (b, w)  # same line
    box.focus()
    page.keyboard.press("Space")
    assert box.is_checked()
