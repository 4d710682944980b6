"""Real browser (Debian's chromium through Playwright) against the real ASGI app: a compliance
officer creates a PII policy in the wizard by ticking boxes, tests it on a sample carrying an
SSN (blocked), dry-runs it, enables it, and the next /api/v1/check is blocked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policies.models import Policy
from tests.approvals.test_browser import check
from tests.browser import db, htmx_settled, signed_in_page
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shots(tmp_path):
    """Where the screenshots go: a scratch folder, so a test run leaves the checkout as it was;
    ``EXECLAVE_SCREENSHOTS=docs/img`` refreshes the ones docs/policy-wizard.md shows."""
    folder = Path(os.environ.get("EXECLAVE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def wizard_page(
    asgi_server, username: str, password: str = PASSWORD, *, then: str = "/policies/new/",
    width: int = 1280, timeout: int = 20_000,
):  # fmt: skip
    """A chromium page signed in to the console at ``then`` (the wizard unless told); the
    browser closes afterwards."""
    return signed_in_page(
        asgi_server.url, username, password, then=then, width=width, timeout=timeout
    )


def test_wizard_pii_policy_end_to_end(org, agent, compliance_officer, make_key, asgi_server, shots):
    key = db(make_key, org, scopes=["check"], agent=agent)
    before = check(asgi_server.url, key, tool="email.send", input={"body": "SSN 123-45-6789"})
    assert before["decision"] == "allow"

    with wizard_page(asgi_server, compliance_officer.username) as page:
        # 1. type, by keyboard-reachable radio; the settings step swaps in (HTMX)
        page.check("input[name=type][value=pii_access]")
        page.wait_for_selector("input[name=s-denied_pii_types][value=ssn]")
        # 2. scope
        page.fill("input[name=name]", "No SSNs")
        # 3. settings: tick the boxes
        page.check("input[name=s-denied_pii_types][value=ssn]")
        page.check("input[name=s-denied_pii_types][value=credit_card]")
        # 4. mode: block; test before enabling
        page.check("input[name=mode][value=block]")
        page.fill("input[name=sample_tool]", "email.send")
        page.fill("textarea[name=sample_input]", '{"body": "SSN 123-45-6789"}')
        page.click("#run-test")
        page.wait_for_selector("#test-result [data-decision]")
        assert page.get_attribute("#test-result [data-decision]", "data-decision") == "block"
        page.click("#run-dry-run")
        page.wait_for_selector("#dry-run-result [data-count=block]")
        page.screenshot(path=str(shots / "policy-wizard.png"), full_page=True)
        page.check("input[name=enabled]")
        page.click("#save")
        page.wait_for_url("**/policies/*/edit/")
        assert "created" in page.inner_text(".messages")
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, width
        page.screenshot(path=str(shots / "policy-wizard-phone.png"), full_page=True)

    policy = db(lambda: Policy.objects.get(organisation=org, name="No SSNs"))
    assert policy.enabled and sorted(policy.threshold["denied_pii_types"]) == ["credit_card", "ssn"]
    after = check(asgi_server.url, key, tool="email.send", input={"body": "SSN 123-45-6789"})
    assert after["decision"] == "block", after


def _settle(page):
    """Let the settings step's inline validation (change → 300 ms → redraw) finish: waited for
    by htmx's own events, not by 400 ms (a loaded machine's timer fires later than that)."""
    htmx_settled(page)


def test_wizard_access_rules_are_rows(org, agent, compliance_officer, make_key, asgi_server, shots):
    """Access rules built, added and removed as rows (with the keyboard), saved, and honoured
    by the next /api/v1/check; no JSON anywhere."""
    key = db(make_key, org, scopes=["check"], agent=agent)
    with wizard_page(asgi_server, compliance_officer.username) as page:
        page.check("input[name=type][value=access_control]")
        page.wait_for_selector("input[name=s-rules-0-agents]")
        assert page.locator("textarea.code[name^=s-]").count() == 0  # no JSON field
        page.fill("input[name=name]", "Production guard")
        rules = "[data-row-list=s-rules] > [data-row]"
        assert page.locator(rules).count() == 1  # rule 1: every agent, every tool, allow

        # rule 2, added with the keyboard: focus lands in the new row
        page.focus("#s-rules-add")
        page.keyboard.press("Enter")
        assert page.locator(rules).count() == 2
        assert page.evaluate("document.activeElement.name") == "s-rules-1-agents"
        page.fill("input[name=s-rules-1-tools]", "database.drop")
        page.check("input[name=s-rules-1-effect][value=deny]")
        page.fill("input[name=s-rules-1-environments]", "production")
        _settle(page)

        # rule 3: ops agents may deploy on weekdays 09:00-17:00 (one of two windows removed)
        page.click("#s-rules-add")
        page.fill("input[name=s-rules-2-agents]", "ops-*")
        page.fill("input[name=s-rules-2-tools]", "deploy.*")
        page.click("#s-rules-2-time_windows-add")
        page.click("#s-rules-2-time_windows-add")
        windows = "[data-row-list=s-rules-2-time_windows] > [data-row]"
        assert page.locator(windows).count() == 2
        page.uncheck("input[name=s-rules-2-time_windows-0-days][value=sat]")
        page.uncheck("input[name=s-rules-2-time_windows-0-days][value=sun]")
        page.fill("input[name=s-rules-2-time_windows-0-start]", "09:00")
        page.fill("input[name=s-rules-2-time_windows-0-end]", "17:00")
        page.click("#s-rules-2-time_windows-1-remove")
        assert page.locator(windows).count() == 1
        _settle(page)

        # rule 4, added and removed again with the keyboard
        page.click("#s-rules-add")
        assert page.locator(rules).count() == 4
        page.focus("#s-rules-3-remove")
        page.keyboard.press("Enter")
        assert page.locator(rules).count() == 3
        assert page.evaluate("document.activeElement.id") == "s-rules-2-remove"
        _settle(page)
        assert page.locator("#settings-step .errorlist").count() == 0
        assert page.inner_text(f"{rules}:nth-child(3) legend").startswith("Access rule 3")
        page.locator("#settings-step").screenshot(path=str(shots / "policy-wizard-rules.png"))

        # test before enabling: the deny rule blocks a production drop
        page.fill("input[name=sample_agent]", "billing-bot")
        page.fill("input[name=sample_tool]", "database.drop")
        page.fill("textarea[name=sample_input]", "{}")
        page.click("#run-test")
        page.wait_for_selector("#test-result [data-decision]")
        assert page.get_attribute("#test-result [data-decision]", "data-decision") == "allow"
        page.check("input[name=enabled]")
        page.click("#save")
        page.wait_for_url("**/policies/*/edit/")
        assert "created" in page.inner_text(".messages")
        # the saved rules come back as rows, and fit a phone
        assert page.input_value("input[name=s-rules-1-tools]") == "database.drop"
        assert page.input_value("input[name=s-rules-2-time_windows-0-end]") == "17:00"
        page.set_viewport_size({"width": 390, "height": 844})
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, width

    policy = db(lambda: Policy.objects.get(organisation=org, name="Production guard"))
    assert policy.enabled
    assert policy.threshold["rules"] == [
        {"agents": ["*"], "tools": ["*"], "effect": "allow", "environments": [], "time_windows": []},
        {"agents": ["*"], "tools": ["database.drop"], "effect": "deny",
         "environments": ["production"], "time_windows": []},
        {"agents": ["ops-*"], "tools": ["deploy.*"], "effect": "allow", "environments": [],
         "time_windows": [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}]},
    ]  # fmt: skip
    prod = check(
        asgi_server.url, key, tool="database.drop", input={}, context={"environment": "production"}
    )
    assert prod["decision"] == "block", prod
    staging = check(
        asgi_server.url, key, tool="database.drop", input={}, context={"environment": "staging"}
    )
    assert staging["decision"] == "allow", staging
    assert check(asgi_server.url, key, tool="deploy.web", input={})["decision"] == "allow"


def test_dry_run_of_an_edit_over_the_demo(asgi_server, shots):
    """On the seeded demo: widen a live approval policy and dry-run it against the current
    version over the recorded calls (the docs' dry-run screenshot)."""
    from django.core.management import call_command

    db(call_command, "seed_demo", activity=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    policy = db(lambda: Policy.objects.get(name="Human approval for destructive actions"))
    edit = f"/policies/{policy.pk}/edit/"
    with wizard_page(
        asgi_server, "compliance@demo.execlave.dev", "execlave-demo", then=edit, width=1100,
        timeout=30_000,
    ) as page:  # fmt: skip
        actions = page.input_value("input[name=s-restricted_actions]")
        page.fill("input[name=s-restricted_actions]", f"{actions}, send, query")
        page.click("#run-dry-run")
        page.wait_for_selector("#dry-run-result [data-count=require_approval]")
        summary = page.inner_text("#dry-run-result .diff-summary")
        assert "newly" in summary, summary
        paused = page.inner_text("#dry-run-result [data-count=require_approval]")
        assert int(paused.split()[1]) > 0, paused
        assert page.locator("#dry-run-result table tbody tr").count() >= 3  # per agent and tool
        page.locator("#trial-step").screenshot(path=str(shots / "policy-wizard-dry-run.png"))
    policy = db(lambda: Policy.objects.get(pk=policy.pk))
    assert policy.version == 1 and "send" not in policy.threshold["restricted_actions"]


def test_the_type_cards_radios_line_up(org, compliance_officer, asgi_server, shots):
    """Every type card's radio button sits at the same height in its card, on the line of the
    type's name, at desktop and phone width (session 16's walk-through saw them uneven)."""
    measure = """() => [...document.querySelectorAll('.type-choice')].map((card) => {
        const top = card.getBoundingClientRect().top;
        const radio = card.querySelector('input').getBoundingClientRect();
        const name = card.querySelector('.type-label');
        const line = parseFloat(getComputedStyle(name).lineHeight);
        // Chromium draws a radio in the middle of its box, however tall the box
        return [radio.top + radio.height / 2 - top, radio.height,
                name.getBoundingClientRect().top - top, line];
    })"""
    with wizard_page(asgi_server, compliance_officer.username) as page:
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.locator("#type-step").screenshot(path=str(shots / f"wizard-types-{width}.png"))
            cards = page.evaluate(measure)
            assert len(cards) >= 5
            middles = [middle for middle, _, _, _ in cards]
            assert max(middles) - min(middles) <= 1, (width, cards)
            for middle, height, name_top, line in cards:
                assert height <= 16, (width, cards)  # not stretched to the row
                # in the middle of the name's first line
                assert abs(middle - (name_top + line / 2)) <= 1.5, (width, cards)
