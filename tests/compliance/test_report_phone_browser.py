"""A report's page on a phone (390 x 844), in Debian's chromium against the real ASGI app:
session 24's walk found its wider tables (what each status means, the rules, the approvals)
cut off at the report's edge, their last columns out of reach. Each now fits the page or
scrolls sideways in its own box."""

from __future__ import annotations

import pytest

from tests.browser import admin_sign_in, chromium, db, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each table of the report: how far its box reaches, how wide its content is, and whether it
# scrolls; and the page's own sideways overflow.
MEASURE = """() => ({
  page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  tables: [...document.querySelectorAll('.rp table')].map(t => ({
    right: t.getBoundingClientRect().right, content: t.scrollWidth, box: t.clientWidth,
    scrolls: ['auto', 'scroll'].includes(getComputedStyle(t).overflowX),
  })),
})"""


def test_a_reports_tables_are_readable_on_a_phone(org, compliance_officer, generate, asgi_server):
    report = db(generate, org, "soc2")
    with chromium() as browser:
        page = open_page(browser, width=390, height=844)
        admin_sign_in(page, asgi_server.url, compliance_officer.username, then="/admin/")
        page.goto(f"{asgi_server.url}/reports/{report.pk}/")
        page.wait_for_selector(".rp table")
        seen = page.evaluate(MEASURE)
        assert seen["page"] <= 0
        for table in seen["tables"]:
            assert table["right"] <= 390, table  # nothing reaches past the screen's edge
        wide = [t for t in seen["tables"] if t["content"] > t["box"] + 1]
        assert wide, "expected some table wider than a phone (the status table, the rules)"
        for table in wide:
            assert table["scrolls"], table  # ... and what is wider scrolls in its box
        # At 1280 px the tables are the page's width, as before.
        page.set_viewport_size({"width": 1280, "height": 800})
        wide_screen = page.evaluate(MEASURE)
        assert all(not t["scrolls"] for t in wide_screen["tables"])
