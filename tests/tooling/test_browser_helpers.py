"""``tests/browser.py``: the chromium every browser test opens is closed even when the test's
assertion fails inside it."""

from __future__ import annotations

import pytest

from tests.browser import chromium, open_page

pytestmark = pytest.mark.browser


def test_the_browser_closes_when_an_assertion_fails_inside():
    opened = []
    with pytest.raises(AssertionError, match="the page's sum"), chromium() as browser:
        opened.append(browser)
        page = open_page(browser, width=390, height=844, timeout=5_000)
        assert page.viewport_size == {"width": 390, "height": 844}
        assert page.evaluate("1 + 1") == 3, "the page's sum"
    assert opened and not opened[0].is_connected()


def test_the_browser_is_open_inside_and_closed_after():
    with chromium() as browser:
        assert browser.is_connected()
        assert open_page(browser).evaluate("navigator.userAgent").startswith("Mozilla/")
    assert not browser.is_connected()
