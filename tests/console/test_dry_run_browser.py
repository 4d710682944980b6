"""Real browser, real workers: a dry-run too large for the request runs as django-q2 tasks split
over two workers (``manage.py qcluster``), the wizard's panel shows its progress and polls
(HTMX) until the merged result, which counts what a single pass counts (issue 13)."""

from __future__ import annotations

import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone

from policies.models import DryRun
from policies.testing import policy_dry_run, stall_after
from tests import subprocess_env
from tests.approvals.servers import ROOT, AsgiServer
from tests.approvals.test_browser import check
from tests.browser import admin_sign_in, chromium, db, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every dry-run over 2 recorded calls is a task, split in parts as small as one call; the
# thresholds change, not the code.
ENV = {"EXECLAVE_TEST_Q_SYNC": "false", "Q_WORKERS": "2", "Q_POLL": "0.1",
       "POLICY_DRY_RUN_INLINE_MAX": "2", "POLICY_DRY_RUN_PART_MIN": "1"}  # fmt: skip


@contextmanager
def _workers(server):
    """``manage.py qcluster`` with two workers, on the server's test database."""
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
        yield
    finally:
        cluster.terminate()
        try:
            cluster.wait(20)
        except subprocess.TimeoutExpired:
            cluster.kill()
        log.unlink(missing_ok=True)


@pytest.fixture
def server():
    server = AsgiServer(extra_env=ENV)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def server_and_workers(server):
    with _workers(server):
        yield server


def _record_and_open_wizard(browser, server, org, agent, make_key, compliance_officer):
    """8 recorded calls, half with an SSN; the wizard with a blocking SSN policy drafted."""
    key = db(make_key, org, scopes=["check"], agent=agent)
    for i in range(8):
        body = {"body": f"SSN 123-45-67{i:02d}"} if i % 2 else {"body": f"order {i}"}
        assert check(server.url, key, tool="email.send", input=body)["decision"] == "allow"
    page = open_page(browser, timeout=30_000)
    admin_sign_in(page, server.url, compliance_officer.username, then="/policies/new/")
    page.check("input[name=type][value=pii_access]")
    page.wait_for_selector("input[name=s-denied_pii_types][value=ssn]")
    page.fill("input[name=name]", "No SSNs")
    page.check("input[name=s-denied_pii_types][value=ssn]")
    page.check("input[name=mode][value=block]")
    return page


def test_large_dry_run_runs_as_split_tasks_with_progress_in_the_page(
    org, agent, compliance_officer, make_key, server_and_workers
):
    server = server_and_workers
    with chromium() as browser:
        page = _record_and_open_wizard(browser, server, org, agent, make_key, compliance_officer)
        page.click("#run-dry-run")
        # First the task's progress (queued or running), then the polled, merged result.
        page.wait_for_selector("#dry-run-result progress")
        assert "Replaying 8 recorded calls" in page.inner_text("#dry-run-result")
        page.wait_for_selector("#dry-run-result [data-count=block]")
        shown = page.inner_text("#dry-run-result [data-count=block]")

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


def test_a_dry_run_whose_worker_died_fails_in_the_page_and_starts_again(
    org, agent, compliance_officer, make_key, server
):
    """No worker takes the run at first; its first part is then made to look as if it had
    replayed 3 calls and died (the row still for longer than the task timeout + margin). The
    panel stops polling, says so and offers a retry, which the workers now started complete."""
    with chromium() as browser:
        page = _record_and_open_wizard(browser, server, org, agent, make_key, compliance_officer)
        page.click("#run-dry-run")
        page.wait_for_selector("#dry-run-result progress")
        run = db(lambda: DryRun.objects.get(organisation=org))
        assert run.status == "queued"  # no worker yet: the panel keeps polling
        still = timezone.now() - stall_after() - timedelta(seconds=1)
        parts = [{**run.parts[0], "done": 3}] + run.parts[1:]
        db(lambda: DryRun.objects.filter(pk=run.pk).update(
            status="running", done=3, parts=parts, updated_at=still
        ))  # fmt: skip
        page.wait_for_selector("#dry-run-result .dry-run-retry")
        text = page.inner_text("#dry-run-result")
        assert "The replay stopped: a worker timed out or died" in text
        assert page.locator("#dry-run-result progress").count() == 0
        assert page.get_attribute("#dry-run-result", "hx-get") is None  # polling stopped
        assert db(lambda: DryRun.objects.get(pk=run.pk).status) == "failed"

        with _workers(server):
            page.click("#dry-run-result .dry-run-retry")
            page.wait_for_selector("#dry-run-result [data-count=block]")
            assert page.inner_text("#dry-run-result [data-count=block]") == "blocked 4"
    runs = db(lambda: dict(DryRun.objects.filter(organisation=org).values_list("pk", "status")))
    assert len(runs) == 2 and runs.pop(run.pk) == "failed" and list(runs.values()) == ["done"]
