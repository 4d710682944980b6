"""Real browser (Debian's chromium through Playwright) against the real ASGI app:
onboarding from sign-up to the first trace, with the Python snippet the page shows; the docs
and API references working with no network; the dashboard's chart drawn."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from governance.models import Organisation
from tests.approvals.servers import AsgiServer
from tests.browser import chromium, console_sign_in, db, open_page
from traces.models import LedgerEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def browser():
    with chromium() as browser:
        yield browser


def offline_page(browser, base_url: str):
    """A page whose every request to anywhere but the test server is refused and recorded."""
    page = open_page(browser)
    context = page.context
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(base_url + "/") or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    return context, page, outside


@pytest.fixture
def server():
    server = AsgiServer(extra_env={"EXECLAVE_SIGNUP_OPEN": "true"})
    yield server
    server.stop()


def test_onboarding_from_signup_to_first_trace(browser, server, tmp_path):
    context, page, outside = offline_page(browser, server.url)
    page.goto(server.url + "/signup/")
    page.fill("input[name=email]", "founder@newco.example")
    page.fill("input[name=password]", "a-long-pass-42")
    page.fill("input[name=organisation_name]", "NewCo")
    page.click("button[type=submit]")
    page.wait_for_url("**/onboarding/")
    page.fill("input[name=name]", "first-agent")
    page.click("#agent-step button[type=submit]")
    page.wait_for_url("**/onboarding/?agent=*")
    page.click("#key-step button[type=submit]")
    page.wait_for_selector("#api-key")
    snippet = page.inner_text("#snippet-python")
    key = page.inner_text("#api-key")
    assert key in snippet and server.url in snippet and 'agent="first-agent"' in snippet
    page.wait_for_selector("#first-call .waiting")

    # Run exactly what the page shows, as a developer would paste it.
    script = tmp_path / "first_call.py"
    script.write_text(snippet)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "sdk" / "python" / "src"),
        "EXECLAVE_SPOOL_PATH": str(tmp_path / "spool.sqlite3"),
    }
    run = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert "Hello, world!" in run.stdout

    # The page updates itself (HTMX polling) — no reload.
    page.wait_for_selector("#first-call.arrived", timeout=20_000)
    assert "demo.greet" in page.inner_text("#first-call")
    assert outside == []
    organisation = db(Organisation.objects.get, name="NewCo")
    kinds = db(
        lambda: sorted(
            LedgerEntry.objects.filter(organisation=organisation).values_list("kind", flat=True)
        )
    )
    assert kinds == ["completion", "decision"]
    # Onward to the dashboard, which counts the call.
    page.click("#first-call a:has-text('dashboard')")
    page.wait_for_selector("[data-metric=calls]")
    assert page.inner_text("[data-metric=calls]") == "1"
    context.close()


def test_docs_and_api_references_work_with_no_network(browser, server):
    context, page, outside = offline_page(browser, server.url)
    page.goto(server.url + "/docs/")
    assert page.inner_text("h1") == "Documentation"
    assert page.locator("#type-budget_cap").count() == 1
    page.click("text=Python SDK")
    page.wait_for_selector("article.guide h1")
    page.goto(server.url + "/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Execlave API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock")  # the operations rendered from the local schema
    page.goto(server.url + "/api/v1/redoc/")
    page.wait_for_selector("text=Execlave API")
    for path in ("/help/", "/security/", "/privacy-notice/"):
        page.goto(server.url + path)
        assert page.locator("main h1").count() == 1
    assert outside == [], outside
    context.close()


def test_dashboard_draws_its_chart(browser, server):
    from django.core.management import call_command

    db(call_command, "seed_demo", activity=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    context, page, outside = offline_page(browser, server.url)
    console_sign_in(page, server.url, "compliance@demo.execlave.dev", "execlave-demo", then="/")
    page.wait_for_selector("#calls-chart")
    drawn = page.evaluate("() => !!Chart.getChart(document.getElementById('calls-chart'))")
    assert drawn
    assert int(page.inner_text("[data-metric=calls]")) > 0
    # The axis's days are ISO like every other date ("11-29", not "29 Nov"); pointing at a bar
    # shows the whole day and its zone.
    ticks = page.evaluate(
        """() => { const x = Chart.getChart(document.getElementById('calls-chart')).scales.x;
                   return x.ticks.map(t => x.getLabelForValue(t.value)); }"""
    )
    assert ticks and all(re.fullmatch(r"\d\d-\d\d", t) for t in ticks), ticks
    bar = page.evaluate(
        """() => { const chart = Chart.getChart(document.getElementById('calls-chart'));
          for (let d = 0; d < chart.data.datasets.length; d++) {
            const data = chart.data.datasets[d].data;
            for (let i = data.length - 1; i >= 0; i--) if (data[i] > 0) {
              const el = chart.getDatasetMeta(d).data[i], box = chart.canvas.getBoundingClientRect();
              return {x: box.left + el.x, y: box.top + (el.y + el.base) / 2, day: chart.data.labels[i]};
            }
          } }"""
    )
    page.mouse.move(bar["x"], bar["y"])
    page.wait_for_function(
        "() => Chart.getChart(document.getElementById('calls-chart')).tooltip.opacity > 0"
    )
    title = page.evaluate(
        "() => Chart.getChart(document.getElementById('calls-chart')).tooltip.title"
    )
    assert re.fullmatch(r"\d{4}-" + bar["day"] + r" \(UTC\)", title[0]), title
    assert outside == []
    context.close()
