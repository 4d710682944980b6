"""The retention-conflict banner in a real browser (Debian's chromium through Playwright) on the
app served by uvicorn: an owner signs in, sees the warning on the admin console and on the
dashboard at desktop and phone width; another organisation's owner sees nothing of it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from governance.models import RiskClass
from tests.browser import admin_sign_in, chromium, db, open_page
from tests.factories import AgentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_banner_warns_on_every_console_page(asgi_server, org, owner, outsider, tmp_path):
    db(
        AgentFactory,
        organisation=org,
        name="credit-scoring",
        risk_class=RiskClass.HIGH,
    )  # Free plan: 7 days of retention
    shots = Path(os.environ.get("EXECLAVE_SCREENSHOTS", tmp_path))
    with chromium() as browser:
        for name, viewport in (
            ("desktop", {"width": 1280, "height": 800}),
            ("phone", {"width": 390, "height": 844}),
        ):
            page = open_page(browser, **viewport)
            context = page.context
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
        page = open_page(browser, height=800, timeout=30_000)
        context = page.context
        admin_sign_in(page, asgi_server.url, outsider.username)
        assert page.locator('[data-banner="retention_conflict"]').count() == 0
        assert "credit-scoring" not in page.content()
        context.close()
