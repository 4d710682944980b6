"""``tests/browser.py``: the chromium every browser test opens is closed even when the test's
assertion fails inside it; its waits for htmx are conditions (a swap settled), not pauses; and
``tests/serving.py`` waits for a slow server to answer instead of giving up on it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.approvals.servers import free_port
from tests.browser import chromium, htmx_settled, next_swap, open_page, swaps
from tests.serving import wait_until_serving

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


# --- waiting on conditions, not times (session 23: browser tests failed on a loaded machine) ----
HTMX = Path(__file__).resolve().parents[2] / "static" / "approvals" / "htmx.min.js"
FORM = """<!doctype html><html><head><script src="/htmx.js"></script></head><body>
<div id="step"><div hx-post="/validate" hx-trigger="change delay:{delay}ms" hx-target="#step"
  hx-swap="outerHTML" hx-include="#step input"><input name="name"></div></div>
<div id="list" hx-get="/list" hx-trigger="every 200ms" hx-swap="innerHTML">0</div></body></html>"""


def _page_with_htmx(browser, delay_ms: int, answer_after_ms: int):
    """A page whose form answers ``answer_after_ms`` after its ``delay:`` trigger fires, served
    by the browser's own routing (no server), and a list refreshed every 200 ms."""
    page = open_page(browser, timeout=10_000)
    served = {"list": 0}

    def route(route):
        url = route.request.url
        if url.endswith("/htmx.js"):
            return route.fulfill(body=HTMX.read_text(), content_type="text/javascript")
        if url.endswith("/validate"):
            time.sleep(answer_after_ms / 1000)
            value = route.request.post_data or ""
            return route.fulfill(
                body=f'<div id="step" class="answered">{value}</div>', content_type="text/html"
            )
        if url.endswith("/list"):
            served["list"] += 1
            return route.fulfill(body=str(served["list"]), content_type="text/html")
        return route.fulfill(body=FORM.format(delay=delay_ms), content_type="text/html")

    page.route("http://helpers.test/**", route)
    page.goto("http://helpers.test/")
    page.wait_for_function("() => window.htmx")
    return page


def test_htmx_settled_waits_for_a_late_delayed_trigger_and_its_answer():
    # The trigger waits 600 ms and the answer 500 ms more: the old 400 ms pause (then "no request
    # in flight") returned before the request had even started.
    with chromium() as browser:
        page = _page_with_htmx(browser, delay_ms=600, answer_after_ms=500)
        page.fill("input[name=name]", "ana")
        page.locator("input[name=name]").dispatch_event("change")
        htmx_settled(page)
        assert page.locator("#step.answered").inner_text() == "name=ana"


def test_next_swap_waits_for_the_next_refresh_drawn():
    with chromium() as browser:
        page = _page_with_htmx(browser, delay_ms=0, answer_after_ms=0)
        before = swaps(page, "list")
        next_swap(page, "list")
        assert swaps(page, "list") > before
        assert int(page.locator("#list").inner_text()) >= before + 1


def test_a_server_slow_to_answer_its_first_request_is_waited_for(tmp_path):
    """The old readiness loop gave each try one second and asked again: a server whose pages
    take longer (a loaded machine) never counted as started. Now: it listens, then the one
    request is waited for."""
    port = free_port()
    script = tmp_path / "slow.py"
    script.write_text(
        "import http.server, time\n"
        "class H(http.server.BaseHTTPRequestHandler):\n"
        "    def do_GET(self):\n"
        "        time.sleep(2.5)\n"
        "        self.send_response(200); self.end_headers(); self.wfile.write(b'ok')\n"
        f"http.server.HTTPServer(('127.0.0.1', {port}), H).serve_forever()\n"
    )
    process = subprocess.Popen([sys.executable, str(script)])
    try:
        started = time.monotonic()
        wait_until_serving(process, f"http://127.0.0.1:{port}/", timeout=30)
        assert 2.5 <= time.monotonic() - started < 30
    finally:
        process.kill()
        process.wait()


def test_a_server_that_exits_is_reported_at_once(tmp_path):
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    started = time.monotonic()
    with pytest.raises(RuntimeError, match=r"exited \(3\)"):
        wait_until_serving(process, f"http://127.0.0.1:{free_port()}/", timeout=30)
    assert time.monotonic() - started < 10
