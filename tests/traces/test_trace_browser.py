"""The trace page in a real browser (Debian's chromium through Playwright) on the app served by
uvicorn: at a phone's width its table of evaluated policies stayed as wide as at a desk and
pushed the page 200 px past the screen; it now scrolls inside its event."""

from __future__ import annotations

import uuid

import pytest

from tests.browser import admin_sign_in, chromium, db, open_page
from traces.models import LedgerEntry
from traces.services import LedgerEvent, ledger_append

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLICIES = [
    {
        "id": n,
        "name": f"Human approval for destructive actions {n}",
        "type": "action_approval",
        "mode": "require_approval",
        "outcome": "violation",
        "reason": "'files.delete' is a restricted action (delete) and needs approval by a reviewer",
    }
    for n in range(1, 4)
]


def _decision(org, agent) -> int:
    trace_id = uuid.uuid4()
    ledger_append(
        organisation=org,
        events=[
            LedgerEvent(
                trace_id=trace_id,
                kind="decision",
                agent=agent,
                tool="files.delete",
                input={"path": "/exports/2026-10.csv"},
                server={"decision": "require_approval", "policies": POLICIES},
            )
        ],
    )
    return LedgerEntry.objects.get(organisation=org, trace_id=trace_id).pk


def test_the_trace_page_fits_a_phone(asgi_server, org, agent, compliance_officer):
    pk = db(_decision, org, agent)
    with chromium() as browser:
        page = open_page(browser, width=390, height=844)
        admin_sign_in(
            page,
            asgi_server.url,
            compliance_officer.username,
            then=f"/admin/traces/ledgerentry/{pk}/change/",
        )
        assert "needs approval by a reviewer" in page.inner_text(".trace-event")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        event = page.locator(".trace-event").bounding_box()
        assert event and event["x"] + event["width"] <= 390
