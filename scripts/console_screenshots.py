"""Photograph the dashboard of the demo organisation for the documentation
(docs/img/dashboard-desktop.png and dashboard-phone.png, shown by the README and docs/console.md).

Start the app with `make run` (it seeds the demo organisation and its activity), then, from the
repository root in another terminal:

    .venv/bin/python scripts/console_screenshots.py [http://127.0.0.1:8000]

It signs in as the demo's compliance officer (the dashboard's reader) in Debian's chromium through
Playwright, at desktop (1280 px) and phone (390 px) width, as the other screenshot scripts do.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
IMG = ROOT / "docs" / "img"
USER, PASSWORD = "compliance@demo.execlave.dev", "execlave-demo"  # seed_demo's logins
SHOTS = (("dashboard-desktop", 1280, 800), ("dashboard-phone", 390, 844))


def main(base: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, width, height in SHOTS:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{base}/admin/login/?next=/")
            page.fill("input[name=username]", USER)
            page.fill("input[name=password]", PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_url(f"{base}/")
            page.wait_for_load_state("networkidle")  # the chart is drawn by dashboard.js
            page.screenshot(path=str(IMG / f"{name}.png"), full_page=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main((sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000").rstrip("/"))
