"""Render the documentation's report screenshots (docs/img/report-*.png).

The HTML report of the built-in sample (``compliance.sample``, flagged as a sample on the page)
is rendered by Django's template engine and photographed by Debian's chromium through
Playwright at desktop and phone width; the PDF's "Scope and method" page is rasterised with
``pdftoppm`` (poppler-utils). Run from the repository root:

    DJANGO_SETTINGS_MODULE=config.settings.base python scripts/report_screenshots.py [code]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django  # noqa: E402

django.setup()

from django.template.loader import render_to_string  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from compliance.presentation import report_view_model  # noqa: E402
from compliance.render_pdf import render_pdf  # noqa: E402
from compliance.sample import sample_content  # noqa: E402

IMG = ROOT / "docs" / "img"


def html_shots(content: dict, workdir: Path) -> None:
    html = render_to_string("compliance/report.html", report_view_model(content))
    css = (ROOT / "static" / "execlave.css").as_uri()
    html = html.replace('href="/static/execlave.css"', f'href="{css}"')
    page_file = workdir / "report.html"
    page_file.write_text(html, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, width, height in (
            ("report-statuses", 1280, 1500),
            ("report-statuses-phone", 390, 1900),
        ):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(page_file.as_uri())
            page.screenshot(path=str(IMG / f"{name}.png"), full_page=False)
            page.close()
        browser.close()


def pdf_shot(content: dict, workdir: Path) -> None:
    pdf = workdir / "report.pdf"
    pdf.write_bytes(render_pdf(content))
    reader = PdfReader(str(pdf))
    page_no = next(
        i + 1
        for i, page in enumerate(reader.pages)
        if "How controls are assessed" in (page.extract_text() or "")
    )
    prefix = workdir / "page"
    subprocess.run(  # noqa: S603 — fixed arguments, our own temporary files
        [
            "/usr/bin/pdftoppm",
            "-png",
            "-r",
            "90",
            "-f",
            str(page_no),
            "-l",
            str(page_no),
            str(pdf),
            str(prefix),
        ],
        check=True,
    )
    produced = sorted(workdir.glob("page*.png"))[-1]
    (IMG / "report-pdf-method.png").write_bytes(produced.read_bytes())


def main() -> None:
    code = sys.argv[1] if len(sys.argv) > 1 else "eu_ai_act"
    content = sample_content(code)
    with tempfile.TemporaryDirectory() as tmp:
        html_shots(content, Path(tmp))
        pdf_shot(content, Path(tmp))
    print(f"wrote {IMG}/report-statuses.png, report-statuses-phone.png, report-pdf-method.png")


if __name__ == "__main__":
    main()
