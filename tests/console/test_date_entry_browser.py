"""Dates are typed and shown as the console writes them, whatever the browser's locale (session
24's walk: the dashboard's range read "11/30/2026" in an American Chromium beside "2026-11-30"
under it). In Chromium set to en-US: the dashboard's range and a data-subject request's
"Received on" are YYYY-MM-DD text with the browser's calendar one button away; a day picked on
it is written as ISO; the wizard's times are 24-hour HH:MM; the admin's date and time fields
show ISO dates and times to the minute. A wrong date is refused in words that say the format."""

from __future__ import annotations

import pytest

from governance.models import DataSubjectRequest
from tests.browser import admin_sign_in, chromium, db

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PICK = """([selector, day]) => {
  const native = document.querySelector(selector).closest('.date-entry').querySelector('.date-pick-native');
  native.value = day;
  native.dispatchEvent(new Event('change', {bubbles: true}));
}"""


def _american_page(browser, width=1280):
    context = browser.new_context(locale="en-US", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def test_the_dashboards_range_is_iso_in_an_american_browser(org, compliance_officer, asgi_server):
    with chromium() as browser:
        page = _american_page(browser)
        admin_sign_in(page, asgi_server.url, compliance_officer.username, then="/dashboard/")
        start = page.locator("input[name=from]")
        assert start.get_attribute("type") == "text"
        assert start.get_attribute("placeholder") == "YYYY-MM-DD"
        shown = start.input_value()
        assert len(shown) == 10 and shown[4] == "-" and shown[7] == "-"
        assert shown in page.inner_text(".range-note")  # the field reads as the page does
        # The calendar button is there, and a day picked on it is written in ISO.
        assert page.locator(".range .date-pick").first.is_visible()
        page.evaluate(PICK, ["input[name=from]", "2026-11-02"])
        assert start.input_value() == "2026-11-02"
        page.fill("input[name=to]", "2026-11-08")
        page.click(".range button[type=submit]")
        page.wait_for_url("**to=2026-11-08**")
        assert "2026-11-02 – 2026-11-08 (UTC)" in page.inner_text(".range-note")
        # A date in the locale's own format is refused in words that say the format.
        page.fill("input[name=from]", "11/02/2026")
        page.click(".range button[type=submit]")
        page.wait_for_selector(".range .error")
        assert "Enter a date as YYYY-MM-DD." in page.inner_text(".range .error")


def test_a_requests_received_on_is_iso_and_read_back(org, owner, other_org, asgi_server):
    with chromium() as browser:
        page = _american_page(browser, width=390)
        admin_sign_in(page, asgi_server.url, owner.username, then="/privacy/requests/new/")
        received = page.locator("input[name=received_on]")
        assert received.get_attribute("type") == "text"
        assert received.get_attribute("placeholder") == "YYYY-MM-DD"
        page.fill("textarea[name=emails]", "ann@example.com")
        received.fill("12/01/2026")
        page.click('button:has-text("Record the request")')
        page.wait_for_selector("text=Enter a date as YYYY-MM-DD.")
        page.evaluate(PICK, ["input[name=received_on]", "2026-12-01"])
        assert page.locator("input[name=received_on]").input_value() == "2026-12-01"
        page.click('button:has-text("Record the request")')
        page.wait_for_url("**/privacy/requests/*/")
    filed = db(lambda: DataSubjectRequest.objects.get(organisation=org))
    assert f"{filed.received_at:%Y-%m-%d}" == "2026-12-01"
    assert not db(lambda: DataSubjectRequest.objects.filter(organisation=other_org).exists())


def test_times_are_24_hour_text_in_the_wizard_and_minutes_in_the_admin(
    org, compliance_officer, asgi_server
):
    with chromium() as browser:
        page = _american_page(browser)
        admin_sign_in(page, asgi_server.url, compliance_officer.username, then="/policies/new/")
        page.check("input[name=type][value=access_control]")
        page.click("#s-rules-0-time_windows-add")
        start = page.locator("input[name=s-rules-0-time_windows-0-start]")
        assert start.get_attribute("type") == "text"
        assert start.get_attribute("placeholder") == "HH:MM"

        page.goto(f"{asgi_server.url}/admin/compliance/report/add/")
        date = page.input_value("input[name=period_start_0]")
        assert len(date) == 10 and date[4] == "-"
        assert page.input_value("input[name=period_start_1]") == "00:00"
