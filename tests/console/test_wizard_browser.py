"""Real browser (Debian's chromium through Playwright) against the real ASGI app: a compliance
officer creates a PII policy in the wizard by ticking boxes, tests it on a sample carrying an
SSN (blocked), dry-runs it, enables it, and the next /api/v1/check is blocked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policies.models import Policy
from tests.approvals.test_browser import CHROMIUM, CHROMIUM_ARGS, check, db
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("EXECLAVE_SCREENSHOTS", ROOT / "docs" / "img"))


@pytest.fixture
def server():
    from tests.approvals.servers import AsgiServer

    server = AsgiServer()
    yield server
    server.stop()


def test_wizard_pii_policy_end_to_end(org, agent, compliance_officer, make_key, server):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    key = db(make_key, org, scopes=["check"], agent=agent)
    before = check(server.url, key, tool="email.send", input={"body": "SSN 123-45-6789"})
    assert before["decision"] == "allow"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(20_000)
        page.goto(server.url + "/admin/login/?next=/policies/new/")
        page.fill("input[name=username]", compliance_officer.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url("**/policies/new/")
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
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "policy-wizard.png"), full_page=True)
        page.check("input[name=enabled]")
        page.click("#save")
        page.wait_for_url("**/policies/*/edit/")
        assert "created" in page.inner_text(".messages")
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, width
        page.screenshot(path=str(SHOTS / "policy-wizard-phone.png"), full_page=True)
        browser.close()

    policy = db(lambda: Policy.objects.get(organisation=org, name="No SSNs"))
    assert policy.enabled and sorted(policy.threshold["denied_pii_types"]) == ["credit_card", "ssn"]
    after = check(server.url, key, tool="email.send", input={"body": "SSN 123-45-6789"})
    assert after["decision"] == "block", after
