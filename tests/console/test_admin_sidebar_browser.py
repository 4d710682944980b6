"""Django's navigation sidebar beside the console's lists, in a real browser (Debian's chromium
through Playwright) on the app served by uvicorn. Open by default, it took 300 px of a 1280 px
laptop: the ledger's decision column and the reports' results ran off the screen. Below 1600 px
it now starts closed; « » opens it and that choice is kept, as Django keeps it."""

from __future__ import annotations

import uuid

import pytest

from tests.browser import admin_sign_in, chromium, db, open_page
from traces.services import LedgerEvent, ledger_append

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LEDGER = "/admin/traces/ledgerentry/"


def _decisions(org, agent) -> None:
    ledger_append(
        organisation=org,
        events=[
            LedgerEvent(
                trace_id=uuid.uuid4(),
                kind="decision",
                agent=agent,
                tool="files.delete",
                input={"path": "/exports/2026-10.csv"},
                server={"decision": "require_approval", "policies": []},
            )
            for _ in range(3)
        ],
    )


def _sidebar_open(page) -> bool:
    return page.get_attribute("#nav-sidebar", "aria-expanded") == "true"


def test_the_sidebar_starts_closed_on_a_laptop_and_remembers_the_choice(
    asgi_server, org, agent, compliance_officer
):
    db(_decisions, org, agent)
    with chromium() as browser:
        page = open_page(browser, width=1280, height=800)
        admin_sign_in(page, asgi_server.url, compliance_officer.username, then=LEDGER)
        assert not _sidebar_open(page)
        decision = page.locator("#result_list th.column-decision_label").bounding_box()
        results = page.locator("#changelist .results").bounding_box()
        assert decision and results
        assert decision["x"] + decision["width"] <= min(1280, results["x"] + results["width"])

        page.click("#toggle-nav-sidebar")  # the person opens it: kept on the next page
        assert _sidebar_open(page)
        page.goto(asgi_server.url + "/admin/governance/auditlog/")
        assert _sidebar_open(page)
        page.context.close()

        wide = open_page(browser, width=1920, height=1000)  # room for both: open, as Django has it
        admin_sign_in(wide, asgi_server.url, compliance_officer.username, then=LEDGER)
        assert _sidebar_open(wide)
