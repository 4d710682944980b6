"""Debian's chromium, driven by Playwright, as every browser test opens it: launched headless
(skipped where it is not installed) and closed on the way out even when an assertion fails, a
page of a given size and patience, and the two sign-in forms (the admin's, the console's).

``db`` runs ORM work from a test holding a page: Playwright's sync API keeps an event loop
running in the test's thread, where Django refuses synchronous ORM calls."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's chromium, headless; closed on the way out, also when the test fails."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


# htmx's own events, counted in the page, so that a test waits for a swap to settle (a
# condition) rather than for a number of milliseconds, which a loaded machine overruns: the time
# of the last ``change`` inside an element that htmx triggers on ``change`` (the request may
# wait out a ``delay:``), of the last ``htmx:trigger`` (the request starts) and of the last
# ``htmx:afterSettle``, and how many swaps each requesting element (by id) has settled.
HTMX_WATCH = """
window.__htmx = {changed: 0, triggered: 0, settled: 0, swaps: {}};
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.closest && target.closest('[hx-trigger*="change"]')) __htmx.changed = performance.now();
}, true);
document.addEventListener("htmx:trigger", () => { __htmx.triggered = performance.now(); });
document.addEventListener("htmx:afterSettle", (event) => {
  __htmx.settled = performance.now();
  const id = event.detail.elt && event.detail.elt.id;
  if (id) __htmx.swaps[id] = (__htmx.swaps[id] || 0) + 1;
});
"""
IDLE = "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


def open_page(
    browser: Browser, *, width: int = 1280, height: int = 900, timeout: int = 30_000, **options
) -> Page:
    """A page in a context of its own (``page.context``), ``width`` x ``height``, waiting up to
    ``timeout`` ms for each condition; ``options`` go to the context (e.g. ``accept_downloads=True``)."""
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    context.add_init_script(HTMX_WATCH)
    page = context.new_page()
    page.set_default_timeout(timeout)
    return page


def htmx_settled(page: Page) -> None:
    """Wait until a swap has settled since the last change a form's htmx answers on, and no
    request is in flight (a ``delay:300ms`` trigger included, however late its timer fires)."""
    # A swap settled after the last change, none in flight. (Not "a request triggered after the
    # last change": a swap of the form drops a delayed trigger of the element it replaces.)
    page.wait_for_function("() => __htmx.settled >= __htmx.changed && " + IDLE)


def swaps(page: Page, element_id: str) -> int:
    """How many of ``element_id``'s own requests have been swapped in and settled so far."""
    return page.evaluate("id => __htmx.swaps[id] || 0", element_id)


def next_swap(page: Page, element_id: str, after: int | None = None) -> None:
    """Wait for the next request of ``element_id`` (e.g. the queue's 2-second refresh) to be
    answered, swapped in and settled: the next after ``after`` swaps (``swaps()``), or after
    those settled so far."""
    seen = swaps(page, element_id) if after is None else after
    page.wait_for_function(
        "([id, seen]) => (__htmx.swaps[id] || 0) > seen && " + IDLE, arg=[element_id, seen]
    )


def admin_sign_in(
    page: Page, base_url: str, username: str, password: str = PASSWORD, then: str = "/admin/"
) -> None:
    """Sign in through the admin's login form and land on ``then``."""
    page.goto(f"{base_url}/admin/login/?next={then}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(f"**{then}")


def console_sign_in(
    page: Page, base_url: str, username: str, password: str = PASSWORD, then: str = "/approvals/"
) -> None:
    """Open ``then``, which sends a visitor to the console's login form; sign in there and land
    back on ``then``."""
    page.goto(f"{base_url}{then}")
    assert "/approvals/login/" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}{then}")


@contextmanager
def signed_in_page(
    base_url: str, username: str, password: str = PASSWORD, *, then: str = "/admin/",
    width: int = 1280, timeout: int = 10_000,
) -> Iterator[Page]:  # fmt: skip
    """A page signed in through the admin's form and landed on ``then``; the browser closes
    afterwards, also when the test fails."""
    with chromium() as browser:
        page = open_page(browser, width=width, timeout=timeout)
        admin_sign_in(page, base_url, username, password, then=then)
        yield page


def db(function, *args, **kwargs):
    """Run ORM work in a short-lived thread that closes its connection.

    Playwright's sync API keeps an event loop running in the test's thread, where Django
    refuses synchronous ORM calls; a thread of our own also leaves no stray connection."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
