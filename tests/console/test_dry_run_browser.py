"""Real browser, real workers: a dry-run too large for the request runs as django-q2 tasks split
over two workers (``manage.py qcluster``), the wizard's panel shows its progress and polls
(HTMX) until the merged result, which counts what a single pass counts (issue 13)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from policies.models import DryRun
from policies.testing import policy_dry_run
from tests import subprocess_env
from tests.approvals.servers import ROOT, AsgiServer
from tests.approvals.test_browser import CHROMIUM, CHROMIUM_ARGS, check, db
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every dry-run over 2 recorded calls is a task, split in parts as small as one call; the
# thresholds change, not the code.
ENV = {"EXECLAVE_TEST_Q_SYNC": "false", "Q_WORKERS": "2", "Q_POLL": "0.1",
       "POLICY_DRY_RUN_INLINE_MAX": "2", "POLICY_DRY_RUN_PART_MIN": "1"}  # fmt: skip


@pytest.fixture
def server_and_workers():
    server = AsgiServer(extra_env=ENV)
    log = ROOT / "var" / f"qcluster-dry-run-{server.port}.log"
    with log.open("w") as out:
        cluster = subprocess.Popen(
            [sys.executable, "-u", "manage.py", "qcluster"], cwd=ROOT, stdout=out,
            stderr=subprocess.STDOUT, env={**subprocess_env.test_database_env(), **ENV},
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while "running" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "running" in log.read_text(), log.read_text()[-2000:]
        yield server
    finally:
        cluster.terminate()
        try:
            cluster.wait(20)
        except subprocess.TimeoutExpired:
            cluster.kill()
        server.stop()
        log.unlink(missing_ok=True)


def test_large_dry_run_runs_as_split_tasks_with_progress_in_the_page(
    org, agent, compliance_officer, make_key, server_and_workers
):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    server = server_and_workers
    key = db(make_key, org, scopes=["check"], agent=agent)
    for i in range(8):
        body = {"body": f"SSN 123-45-67{i:02d}"} if i % 2 else {"body": f"order {i}"}
        assert check(server.url, key, tool="email.send", input=body)["decision"] == "allow"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        page.goto(server.url + "/admin/login/?next=/policies/new/")
        page.fill("input[name=username]", compliance_officer.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url("**/policies/new/")
        page.check("input[name=type][value=pii_access]")
        page.wait_for_selector("input[name=s-denied_pii_types][value=ssn]")
        page.fill("input[name=name]", "No SSNs")
        page.check("input[name=s-denied_pii_types][value=ssn]")
        page.check("input[name=mode][value=block]")
        page.click("#run-dry-run")
        # First the task's progress (queued or running), then the polled, merged result.
        page.wait_for_selector("#dry-run-result progress")
        assert "Replaying 8 recorded calls" in page.inner_text("#dry-run-result")
        page.wait_for_selector("#dry-run-result [data-count=block]")
        shown = page.inner_text("#dry-run-result [data-count=block]")
        browser.close()

    run = db(lambda: DryRun.objects.get(organisation=org))
    assert run.status == "done" and len(run.parts) == 2 and run.done == run.total == 8
    single = db(
        policy_dry_run,
        organisation=org,
        definition={"type": "pii_access", "threshold": {"denied_pii_types": ["ssn"]}},
        days=30,
    )
    assert run.result["totals"] == single["totals"] and single["totals"]["block"] == 4
    assert shown == "blocked 4"
