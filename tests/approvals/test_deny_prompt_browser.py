"""`d` on a request without a comment asks for the reason in that card's comment box; the ask
belongs to that card (session 23's walk-through, in Debian's chromium: after `d`, Esc and `j`,
the first card kept "Say why you deny this, then press d again" while the reviewer read the
next one, and kept it through the 2-second refresh, which preserves the comment box)."""

from __future__ import annotations

import pytest

from approvals.models import Approval
from tests.approvals.helpers import grant, pause
from tests.browser import chromium, console_sign_in, db, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ASK = "Say why you deny this"


def test_the_deny_prompt_stays_with_the_card_it_was_asked_on(org, agent, reviewer, asgi_server):
    db(grant, agent, reviewer)
    older = db(pause, org, agent, tool="files.delete")
    newer = db(pause, org, agent, tool="billing.refund")  # first in the queue
    with chromium() as browser:
        page = open_page(browser)
        console_sign_in(page, asgi_server.url, reviewer.username)
        first, second = page.locator(f"#comment-{newer.pk}"), page.locator(f"#comment-{older.pk}")
        default = first.get_attribute("placeholder")
        # (A card's times never break inside, on a phone either: "2026-12-/05".)
        when = page.locator(".card time.when").first
        assert when.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
        assert ASK not in default

        page.locator(".card.selected").wait_for()
        page.keyboard.press("d")  # no comment yet: the box asks why, with the focus in it
        assert ASK in first.get_attribute("placeholder")
        assert page.evaluate("document.activeElement.id") == f"comment-{newer.pk}"

        page.keyboard.press("Escape")
        page.keyboard.press("j")  # on to the next request: the first one asks nothing any more
        page.wait_for_function(
            f"document.querySelector('.card.selected').dataset.approval === '{older.pk}'"
        )
        assert first.get_attribute("placeholder") == default
        assert second.get_attribute("placeholder") == default

        page.keyboard.press("d")  # asked on the second card, and there only
        assert ASK in second.get_attribute("placeholder")
        assert first.get_attribute("placeholder") == default

        # Through a refresh (the boxes are preserved) the ask stays where it was made.
        with page.expect_response(lambda r: "/approvals/list/" in r.url):
            pass
        assert ASK in second.get_attribute("placeholder")
        assert first.get_attribute("placeholder") == default

        # Back to the first: its own ask is gone, and d there asks there again.
        page.keyboard.press("Escape")
        page.keyboard.press("k")
        page.wait_for_function(
            f"document.querySelector('.card.selected').dataset.approval === '{newer.pk}'"
        )
        assert second.get_attribute("placeholder") == default
        page.keyboard.type("d")
        assert ASK in first.get_attribute("placeholder")
        # Typed a reason, d denies that card (the comment goes with it).
        page.keyboard.type("Not this month.")
        page.keyboard.press("Escape")
        with page.expect_response(lambda r: f"/approvals/{newer.pk}/decide/" in r.url):
            page.keyboard.press("d")
        # The live region says so, and the request is denied with the reason. (Not the denied
        # card itself: the next 2-second refresh drops it, which under load came before the
        # wait saw it.)
        page.locator("#flash", has_text="Denied: billing.refund").wait_for()
        decided = db(Approval.objects.get, pk=newer.pk)
        assert decided.status == "denied" and decided.comment == "Not this month."
