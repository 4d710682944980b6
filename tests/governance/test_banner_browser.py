"""The retention-conflict banner in a real browser (Debian's chromium through Playwright) on the
app served by uvicorn: an owner signs in, sees the warning on the admin console and on the
dashboard at desktop and phone width; another organisation's owner sees nothing of it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from governance.models import RiskClass
from tests.approvals.test_browser import (  # noqa: F401
    CHROMIUM,
    CHROMIUM_ARGS,
    admin_sign_in,
    asgi_server,
    db,
)
from tests.factories import AgentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_banner_warns_on_every_console_page(asgi_server, org, owner, outsider, tmp_path):  # noqa: F811
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    db(
        AgentFactory,
        organisation=org,
        name="credit-scoring",
        risk_class=RiskClass.HIGH,
    )  # Free plan: 7 days of retention
    shots = Path(os.environ.get("EXECLAVE_SCREENSHOTS", tmp_path))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        for name, viewport in (
            ("desktop", {"width": 1280, "height": 800}),
            ("phone", {"width": 390, "height": 844}),
        ):
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            page.set_default_timeout(10_000)
            admin_sign_in(page, asgi_server.url, owner.username)
            banner = page.locator('[data-banner="retention_conflict"]')
            assert banner.is_visible()
            text = banner.inner_text()
            assert "credit-scoring" in text and "7 days" in text and "184 days" in text
            box = banner.bounding_box()
            assert box and box["width"] <= viewport["width"]  # fits the phone's width
            page.screenshot(path=str(shots / f"retention-banner-{name}.png"))
            page.goto(f"{asgi_server.url}/admin/governance/agent/")
            assert page.locator('[data-banner="retention_conflict"]').is_visible()
            context.close()
        # Another organisation's owner: no banner, nothing of Acme's agents.
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        admin_sign_in(page, asgi_server.url, outsider.username)
        assert page.locator('[data-banner="retention_conflict"]').count() == 0
        assert "credit-scoring" not in page.content()
        context.close()
        browser.close()
