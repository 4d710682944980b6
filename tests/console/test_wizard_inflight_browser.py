"""Real browser (Debian's chromium through Playwright) against the real ASGI app: the settings
step's inline validation answers while the person goes on typing. The answer is held back with
``page.route`` until they have moved on and typed more, then let through: what they typed since
the request left stays, the keyboard focus stays in the field they are typing in, the
*Approval settings* they opened stay open, the answer's error is shown on its field, and the
save still validates on the server."""

from __future__ import annotations

import time

import pytest

from policies.models import Policy
from tests.browser import db, htmx_settled, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VALIDATE = "**/policies/new/settings/"
PATTERNS = "textarea[name=s-restricted_patterns]"
CONTACTS = "input[name=s-escalation_contacts]"


class Held:
    """The inline validation's requests, held in the browser until ``release()``."""

    def __init__(self, page):
        self.page, self.routes = page, []
        page.route(VALIDATE, self._hold)

    def _hold(self, route):
        if route.request.method == "POST":
            self.routes.append(route)
        else:
            route.continue_()

    def wait(self, count: int = 1) -> None:
        """Until ``count`` validation requests have left (each after its 300 ms delay)."""
        self.page.wait_for_function("() => document.querySelector('#settings-step .htmx-request')")
        deadline = time.monotonic() + 20
        while len(self.routes) < count:  # the route handler runs while Playwright is called
            assert time.monotonic() < deadline, "the validation request never reached the route"
            self.page.wait_for_timeout(20)

    def release(self) -> None:
        routes, self.routes = self.routes, []
        for route in routes:
            route.continue_()


def focused(page) -> str:
    return page.evaluate("document.activeElement.name || document.activeElement.tagName")


def test_typing_while_the_validation_answers(org, compliance_officer, asgi_server):
    with signed_in_page(
        asgi_server.url, compliance_officer.username, then="/policies/new/", timeout=20_000
    ) as page:
        held = Held(page)
        # 0. an answer about a type no longer chosen leaves the new type's settings alone
        page.check("input[name=type][value=pii_access]")
        page.check("input[name=s-denied_pii_types][value=ssn]")
        held.wait()
        page.check("input[name=type][value=data_restriction]")
        page.wait_for_selector(PATTERNS)
        held.release()
        htmx_settled(page)
        assert "Data restriction" in page.inner_text("#settings-step legend")
        assert page.locator("#settings-step .errorlist").count() == 0
        page.fill("input[name=name]", "Code names")
        page.fill("input[name=s-restricted_words]", "bluebird")
        htmx_settled(page)
        page.click(".approval-settings summary")  # the person opens the approval settings

        # 1. a bad pattern; while its check is on the way, the person types their contacts
        page.fill(PATTERNS, "(unclosed")
        page.click(CONTACTS)  # leaving the patterns sends the check (after 300 ms)
        held.wait()
        page.keyboard.type("alice@example.com")
        held.release()
        page.wait_for_selector("#id_s-restricted_patterns_error")
        htmx_settled(page)
        # the error is shown on its field, and nothing the person typed since was undone
        assert "restricted_patterns" not in page.inner_text("#id_s-restricted_patterns_error")
        assert page.get_attribute(PATTERNS, "aria-invalid") == "true"
        assert page.input_value(CONTACTS) == "alice@example.com"
        assert focused(page) == "s-escalation_contacts"
        assert page.evaluate("document.querySelector('.approval-settings').open")

        # 2. the pattern fixed; the person has only moved on when the answer (no error) lands
        page.fill(PATTERNS, r"bluebird-\d+")
        page.click(CONTACTS)
        held.wait()
        held.release()
        page.wait_for_selector("#id_s-restricted_patterns_error", state="detached")
        htmx_settled(page)
        assert page.get_attribute(PATTERNS, "aria-invalid") is None
        assert page.evaluate("document.querySelector('.approval-settings').open")
        assert focused(page) == "s-escalation_contacts"
        page.keyboard.press("End")
        page.keyboard.type(", bob@example.com")  # the next keys land in the field
        assert page.input_value(CONTACTS) == "alice@example.com, bob@example.com"

        # 3. a change made while a check is in flight is checked too, once that one answers
        page.fill(PATTERNS, "[unclosed")
        page.click(CONTACTS)
        held.wait()
        page.fill("input[name=s-approvers_required]", "0")
        page.click(CONTACTS)
        held.release()
        held.wait()  # the queued check of the approvers left after the first answered
        held.release()
        htmx_settled(page)
        page.wait_for_selector("#id_s-approvers_required_error")
        assert page.locator("#id_s-restricted_patterns_error").count() == 1
        assert page.input_value(CONTACTS) == "alice@example.com, bob@example.com"
        page.unroute(VALIDATE)

        # 4. saving still validates on the server: the bad values come back with their errors
        page.click("#save")
        page.wait_for_load_state()
        assert page.locator("#id_s-restricted_patterns_error").count() == 1
        assert db(lambda: Policy.objects.filter(organisation=org).count()) == 0
        page.fill(PATTERNS, r"bluebird-\d+")
        page.fill("input[name=s-approvers_required]", "1")
        page.click("#save")
        page.wait_for_url("**/policies/*/edit/")

    policy = db(lambda: Policy.objects.get(organisation=org, name="Code names"))
    assert policy.threshold["restricted_patterns"] == [r"bluebird-\d+"]
    assert policy.threshold["escalation_contacts"] == ["alice@example.com", "bob@example.com"]


# Every error message or mark the inline validation paints on the patterns field, as it happens.
WATCH_PATTERNS_ERROR = """
window.__patternsErrorSeen = false;
new MutationObserver(() => {
  const field = document.querySelector("textarea[name=s-restricted_patterns]");
  if (document.querySelector("#id_s-restricted_patterns_error")
      || (field && field.getAttribute("aria-invalid") === "true")) window.__patternsErrorSeen = true;
}).observe(document.body, {subtree: true, childList: true, attributes: true});
"""


def test_an_answer_older_than_the_form_is_never_painted(org, compliance_officer, asgi_server):
    """Session 23: under load the wizard could show, for a moment, the error of a value already
    fixed: the answer to the check of "(unclosed" landed after the person had corrected it, and
    was painted until the check of the correction answered. Now an answer that left before a
    later change is dropped; the later check's answer is the one shown."""
    with signed_in_page(
        asgi_server.url, compliance_officer.username, then="/policies/new/", timeout=20_000
    ) as page:
        page.check("input[name=type][value=data_restriction]")
        page.wait_for_selector(PATTERNS)
        htmx_settled(page)
        page.click(".approval-settings summary")  # where the contacts field is
        held = Held(page)
        page.fill(PATTERNS, "(unclosed")
        page.click(CONTACTS)  # the check of "(unclosed" leaves and is held
        held.wait()
        page.evaluate(WATCH_PATTERNS_ERROR)
        page.fill(PATTERNS, r"bluebird-\d+")  # corrected while that check is on its way
        page.click(CONTACTS)  # its own check waits behind the first (hx-sync queue)
        held.release()  # the first answer (an error) lands: older than the form
        held.wait()  # then the correction's check leaves
        held.release()
        htmx_settled(page)
        assert page.locator("#id_s-restricted_patterns_error").count() == 0
        assert page.evaluate("window.__patternsErrorSeen") is False

        # and the other way round: a value broken while a clean check is on its way shows its
        # error once its own check answers (the clean answer does not clear it, nor block it)
        page.fill(PATTERNS, r"bluebird-\d+, blue")
        page.click(CONTACTS)
        held.wait()
        page.fill(PATTERNS, "[unclosed")
        page.click(CONTACTS)
        held.release()
        held.wait()
        held.release()
        page.wait_for_selector("#id_s-restricted_patterns_error")
        htmx_settled(page)
        assert page.get_attribute(PATTERNS, "aria-invalid") == "true"
