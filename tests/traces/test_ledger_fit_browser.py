"""The ledger list fits a laptop (session 23's walk-through, in Debian's chromium on the app
served by uvicorn): at 1280 x 800 its table ran 240 px past its box, the trace and entry hash
columns out of sight behind a sideways scroll. Now dates wrap under their time, tool names and
decisions may break after a dot or an underscore, and the hashes are short with the whole value
in their title. On a phone (390 px) the table scrolls inside its box; the page never does."""

from __future__ import annotations

import uuid

import pytest

from tests.browser import admin_sign_in, chromium, db, open_page
from traces.models import LedgerEntry
from traces.services import LedgerEvent, ledger_append

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LEDGER = "/admin/traces/ledgerentry/"
OVERFLOW = """() => {
  const doc = document.documentElement, box = document.querySelector('#changelist .results');
  return {page: doc.scrollWidth - doc.clientWidth, table: box.scrollWidth - box.clientWidth};
}"""


def _entries(org, agent) -> LedgerEntry:
    trace = uuid.uuid4()
    events = [
        LedgerEvent(
            trace_id=trace,
            kind="decision",
            agent=agent,
            tool="billing.lookup_invoice_attachments",
            input={"invoice": 7},
            server={"decision": "require_approval", "policies": []},
        ),
        LedgerEvent(
            trace_id=trace,
            kind="completion",
            agent=agent,
            tool="billing.lookup_invoice_attachments",
            input={"invoice": 7},
            output={"ok": True},
            client={"status": "ok"},
        ),
    ]
    ledger_append(organisation=org, events=events)
    return LedgerEntry.objects.filter(organisation=org).order_by("-seq").first()


def test_the_ledger_list_fits_1280_px_and_scrolls_only_its_table_at_390(
    asgi_server, org, agent, compliance_officer
):
    last = db(_entries, org, agent)
    with chromium() as browser:
        page = open_page(browser, width=1280, height=800)
        admin_sign_in(page, asgi_server.url, compliance_officer.username, then=LEDGER)
        assert page.evaluate(OVERFLOW) == {"page": 0, "table": 0}
        right = page.evaluate("document.documentElement.clientWidth")
        for header in page.locator("#result_list thead th").all():
            box = header.bounding_box()
            assert box and box["x"] + box["width"] <= right, header.inner_text()
        # Short on the screen, whole in the title (and the trace's own page has it all).
        row = page.locator("#result_list tbody tr").first
        trace = row.locator("td.field-trace_link a")
        assert trace.get_attribute("title") == str(last.trace_id)
        assert len(trace.inner_text().strip()) == 8
        digest = row.locator("td.field-short_hash code")
        assert digest.get_attribute("title") == last.entry_hash
        assert last.entry_hash.startswith(digest.inner_text().rstrip("…"))
        # A break opportunity is not a character: the words read (and copy) whole.
        assert "billing.lookup_invoice_attachments" in row.inner_text()
        decision = page.locator("#result_list tbody tr").nth(1).locator("td.field-decision_label")
        assert decision.inner_text().replace("\n", "") == "require_approval"
        page.context.close()

        phone = open_page(browser, width=390, height=844)
        admin_sign_in(phone, asgi_server.url, compliance_officer.username, then=LEDGER)
        overflow = phone.evaluate(OVERFLOW)
        assert overflow["page"] == 0, overflow
