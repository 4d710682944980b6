"""The retention-conflict banner in a real browser (Debian's chromium through Playwright) on the
app served by uvicorn: an owner signs in, sees the warning on the admin console and on the
dashboard at desktop and phone width; another organisation's owner sees nothing of it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from governance.models import RiskClass
from tests.browser import admin_sign_in, chromium, db, open_page
from tests.factories import AgentFactory, UserFactory

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


def test_the_banner_says_where_to_act_for_who_reads_it(asgi_server, org, owner, compliance_officer):
    """Session 24's walk: owners and compliance officers read "Move to a plan …", which only the
    operator can do (an owner's organisation page shows the plan read-only), with no way on.
    They are told whom to ask, and linked to the ledger to export it; the operator is linked
    to the organisation's page, where the plan is chosen."""
    db(AgentFactory, organisation=org, name="credit-scoring", risk_class=RiskClass.HIGH)
    operator = db(UserFactory, username="root@example.test", is_superuser=True, is_staff=True)
    with chromium() as browser:
        for person, width in ((compliance_officer, 390), (owner, 1280)):
            page = open_page(browser, width=width, height=844)
            admin_sign_in(page, asgi_server.url, person.username)
            banner = page.locator('[data-banner="retention_conflict"]')
            assert "changed by the operator who runs Execlave for you: ask them" in (
                banner.inner_text()
            )
            assert banner.locator("text=Change the plan").count() == 0
            banner.locator("text=Open the ledger to export it").click()
            page.wait_for_url("**/admin/traces/ledgerentry/")
            page.context.close()

        page = open_page(browser, width=1280, height=800)
        admin_sign_in(page, asgi_server.url, operator.username)
        page.goto(f"{asgi_server.url}/admin/governance/organisation/{org.pk}/change/")
        banner = page.locator('[data-banner="retention_conflict"]')
        assert "ask them" not in banner.inner_text()
        banner.locator("text=Change the plan").click()
        page.wait_for_selector("select[name=plan]")  # the organisation's own page
        page.context.close()
