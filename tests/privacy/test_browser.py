"""An Owner takes an erasure request from intake to certificate in Debian's chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from governance.models import DataSubjectRequest
from tests.browser import chromium, console_sign_in, db, open_page
from tests.factories import append_completion
from traces.models import LedgerEntry
from traces.verification import ledger_verify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# PRIVACY_SCREENSHOTS=docs/img saves the screens for the user guide.
SHOTS = os.environ.get("PRIVACY_SCREENSHOTS")


@pytest.fixture
def browser():
    with chromium() as browser:
        yield browser


def _seed(org, agent):
    append_completion(
        org, agent, input={"to": "ann@x.com", "body": "Your order C-1001 shipped, Ann."}
    )
    append_completion(
        org,
        agent,
        tool="crm.lookup",
        input={"query": {"phone": "+1 (909) 451-3674"}},
        output={"name": "Ann", "email": "ANN@x.com"},
    )
    append_completion(org, agent, input={"to": "joann@x.com"})


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def test_owner_takes_an_erasure_from_intake_to_certificate(org, agent, owner, asgi_server, browser):
    db(_seed, org, agent)
    page = open_page(browser, accept_downloads=True)
    context = page.context
    base = asgi_server.url
    console_sign_in(page, base, owner.username, then="/privacy/requests/new/")

    # Intake: an error first (a malformed e-mail), then the real request.
    page.select_option("select[name=kind]", "erasure")
    page.fill("textarea[name=emails]", "ann-at-x.com")
    page.fill("textarea[name=phones]", "9094513674\nnot a phone")
    page.click("text=Record the request")
    page.locator("text=is not an e-mail address").wait_for()
    # Each error under its own field, by line (it said "#1", "#3" of all identifiers at once).
    email_error = page.locator("label:has(textarea[name=emails]) em.error").inner_text()
    assert email_error.startswith("Line 1 (“ann-at-x.com”): ")
    phone_error = page.locator("label:has(textarea[name=phones]) em.error").inner_text()
    assert phone_error.startswith("Line 2 (“not a phone”): ")
    assert page.locator(".errorlist").count() == 0  # nothing left at the top of the form
    page.fill("textarea[name=emails]", "ann@x.com")
    page.fill("textarea[name=phones]", "9094513674")
    _shot(page, "privacy-intake.png")
    page.click("text=Record the request")
    page.wait_for_url(f"{base}/privacy/requests/*/")
    dsr = db(DataSubjectRequest.objects.get)

    # The matches: two entries of billing-bot (email.send and crm.lookup), not joann's.
    page.locator("#matches >> text=ledger entries").wait_for()
    matches = page.locator("#matches").inner_text()
    assert "2 ledger entries" in matches and "crm.lookup" in matches
    assert "days left" in page.locator(".pv-head").inner_text()

    # Identity, then the preview, then the erasure.
    page.fill("input[name=verify-how]", "Replied from the address on file")
    page.click("text=Mark identity verified")
    page.locator(".pv-head >> text=Identity verified").wait_for()
    # The verified page arrives by a redirect (HX-Redirect): let it finish loading before the
    # next action's <details> is opened, or a late load can redraw it closed (a flake at load 10).
    page.wait_for_load_state("load")
    page.click("text=Erase the subject's data")
    page.click("#preview-button")
    page.locator("#preview-result").wait_for()
    preview = page.locator("#preview-result").inner_text()
    assert "3 values in 2 entries" in preview
    assert "input.query.phone" in preview and "output.email" in preview
    assert "joann" not in preview
    _shot(page, "privacy-preview.png")
    page.check("input[name=erase-confirm]")
    page.click("text=Erase now")
    page.locator("#outcome").wait_for()
    outcome = page.locator("#outcome").inner_text()
    assert "3 values erased in 2 ledger entries" in outcome and "intact" in outcome
    _shot(page, "privacy-request.png")

    with page.expect_download() as download:
        page.click("#certificate-link")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")

    if SHOTS:
        phone_page = open_page(browser, width=390, height=844, timeout=30_000)
        phone = phone_page.context
        phone_page.context.add_cookies(context.cookies())
        phone_page.goto(f"{base}/privacy/requests/{dsr.pk}/")
        phone_page.locator("#matches >> text=/ledger entr/").wait_for()
        _shot(phone_page, "privacy-request-phone.png")
        phone_page.goto(f"{base}/privacy/requests/?show=all")
        _shot(phone_page, "privacy-list-phone.png")
        phone.close()
    context.close()

    def after():
        dsr.refresh_from_db()
        entries = {
            e.tool + ":" + str(e.input) for e in LedgerEntry.objects.filter(organisation=org)
        }
        return dsr.status, entries, ledger_verify(organisation=org).ok

    status, entries, verified = db(after)
    assert status == "completed" and verified
    assert "email.send:{'to': 'joann@x.com'}" in entries
    assert not any("ann@x.com" in e.lower() and "joann" not in e for e in entries)
    assert not any("909" in e for e in entries)


def _intake_and_verify(page, base, kind):
    page.goto(f"{base}/privacy/requests/new/")
    page.select_option("select[name=kind]", kind)
    page.select_option("select[name=jurisdiction]", "ccpa")
    page.fill("textarea[name=emails]", "ann@x.com")
    page.click("text=Record the request")
    page.wait_for_url(f"{base}/privacy/requests/*/")
    assert "45 days left" in page.locator(".pv-head").inner_text()
    page.fill("input[name=verify-how]", "Signed-in customer portal")
    page.click("text=Mark identity verified")
    page.locator(".pv-head >> text=Identity verified").wait_for()
    # The verified page arrives by a redirect (HX-Redirect): let it finish loading before the
    # next action's <details> is opened, or a late load can redraw it closed (a flake at load 10).
    page.wait_for_load_state("load")


def test_owner_completes_access_rectification_and_objection(
    org, agent, owner, asgi_server, browser
):
    db(_seed, org, agent)
    page = open_page(browser, accept_downloads=True)
    context = page.context
    base = asgi_server.url
    console_sign_in(page, base, owner.username, then="/privacy/requests/")

    _intake_and_verify(page, base, "access")
    page.click("text=Make the data bundle and complete")
    page.click("text=Make bundle")
    page.locator("#outcome").wait_for()
    with page.expect_download() as download:
        page.click("text=Download the bundle")
    assert Path(download.value.path()).read_bytes().startswith(b"PK")  # a ZIP

    _intake_and_verify(page, base, "rectification")
    page.click("text=Record the correction and complete")
    page.fill("input[name=rectify-incorrect]", "ann@x.com")
    page.fill("input[name=rectify-correct]", "ann@y.org")
    page.click("text=Record correction")
    page.locator("#outcome >> text=Correction appended").wait_for()

    _intake_and_verify(page, base, "objection")
    page.click("text=Record the measures and complete")
    page.fill("textarea[name=objection-measures]", "billing-bot no longer e-mails Ann.")
    page.click(".action-objection button[type=submit]")
    page.locator("#outcome >> text=billing-bot no longer").wait_for()
    context.close()

    def after():
        statuses = sorted(DataSubjectRequest.objects.values_list("kind", "status"))
        kinds = set(LedgerEntry.objects.filter(organisation=org).values_list("kind", flat=True))
        return statuses, kinds, ledger_verify(organisation=org).ok

    statuses, kinds, verified = db(after)
    assert statuses == [
        ("access", "completed"),
        ("objection", "completed"),
        ("rectification", "completed"),
    ]
    assert "correction" in kinds and verified
