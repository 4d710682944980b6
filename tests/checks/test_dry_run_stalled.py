"""A dry-run that can no longer finish ends as failed, with the reason (issue 13).

A part killed with its worker writes nothing more: the run's row stops moving. Such a run is
simulated by a row whose progress is older than the task timeout + margin; polling it (API,
console) or the django-q2 schedule marks it failed. A part that raises, or that django-q2 stops
at its timeout (a real SIGALRM in the synchronous worker), marks the run failed at once.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_q.models import Schedule
from django_q.scheduler import scheduler
from django_q.tasks import async_task

from policies import replay, testing
from policies.models import DryRun
from policies.schedules import SCHEDULES, ensure_schedules
from policies.testing import dry_run_start, policy_draft, stall_after

pytestmark = pytest.mark.django_db

PII = {"name": "No SSNs", "type": "pii_access", "mode": "block",
       "threshold": {"denied_pii_types": ["ssn"]}}  # fmt: skip
SPLIT_2 = {"Q_CLUSTER": {"workers": 2, "sync": True, "orm": "default", "timeout": 600},
           "POLICY_DRY_RUN_PART_MIN": 1, "POLICY_DRY_RUN_STALL_MARGIN": 120}  # fmt: skip
STOPPED = "The replay stopped: a worker timed out or died (no progress for 12 min). Start it again."


def _run(org, status="running", still_for=None, **fields):
    """A run whose row last moved ``still_for`` ago (default: just past the stall limit); its
    first part had replayed 40 calls when it stopped."""
    moved = timezone.now() - (still_for or stall_after() + timedelta(seconds=5))
    parts = [{"from": 1, "to": 50, "done": 40, "result": None},
             {"from": 51, "to": 100, "done": 0, "result": None}]  # fmt: skip
    fields = {"done": 40, "total": 100, "parts": parts, **fields}
    return DryRun.objects.create(
        id=uuid.uuid4(), organisation=org, definition=PII, status=status, created_at=moved,
        updated_at=moved, **fields,
    )  # fmt: skip


@pytest.fixture
def policies_client(org, api_client_for):
    return api_client_for(org, scopes=["policies"])


@override_settings(**SPLIT_2)
def test_api_reports_a_stalled_run_failed_with_the_reason(org, policies_client):
    stalled = _run(org)
    moving = _run(org, still_for=stall_after() - timedelta(seconds=30))
    response = policies_client.get(f"/api/v1/policies/dry-run/{stalled.pk}")
    assert response.status_code == 200
    assert response.json() == {
        "task": str(stalled.pk), "status": "failed", "done": 40, "total": 100,
        "progress": 0.4, "result": None, "error": STOPPED,
    }  # fmt: skip
    stalled.refresh_from_db()
    assert stalled.status == "failed" and stalled.error == STOPPED
    # Within the limit, a run is still running (a long part between two progress writes).
    polled = policies_client.get(f"/api/v1/policies/dry-run/{moving.pk}").json()
    assert polled["status"] == "running" and polled["error"] == ""


@override_settings(**SPLIT_2)
def test_a_run_no_worker_took_says_so(org, policies_client):
    queued = _run(org, status="queued", done=0)
    polled = policies_client.get(f"/api/v1/policies/dry-run/{queued.pk}").json()
    assert polled["status"] == "failed"
    assert polled["error"] == (
        "The replay never started: no task worker took it within 12 min "
        "(is manage.py qcluster running?). Start it again."
    )


@override_settings(**SPLIT_2)
def test_another_organisation_gets_404_and_changes_nothing(
    org, other_org, api_client_for, client, outsider
):
    stalled = _run(org)
    other = api_client_for(other_org, scopes=["policies"])
    assert other.get(f"/api/v1/policies/dry-run/{stalled.pk}").status_code == 404
    client.force_login(outsider)
    assert client.get(f"/policies/dry-run/{stalled.pk}/").status_code == 404
    stalled.refresh_from_db()
    assert stalled.status == "running" and stalled.error == ""


@override_settings(**SPLIT_2)
def test_the_page_stops_polling_and_offers_a_retry(org, client, compliance_officer):
    client.force_login(compliance_officer)
    moving = _run(org, still_for=timedelta(seconds=10))
    html = client.get(f"/policies/dry-run/{moving.pk}/").content.decode()
    assert "hx-get" in html and "Replaying 100 recorded calls" in html
    stalled = _run(org)
    html = client.get(f"/policies/dry-run/{stalled.pk}/").content.decode()
    assert "hx-get" not in html and "<progress" not in html  # polling stops
    assert STOPPED in html
    assert 'hx-post="/policies/new/dry-run/"' in html and "Start the dry-run again" in html


@override_settings(**SPLIT_2)
def test_the_schedule_fails_stalled_runs_of_every_organisation(org, other_org):
    stalled, theirs = _run(org), _run(other_org, status="queued")
    moving = _run(org, still_for=timedelta(minutes=1))
    done = _run(org, status="done", result={"scanned": 100})
    # The migration created the schedule; ensure_schedules repairs it without a duplicate.
    assert ensure_schedules() == 0
    assert Schedule.objects.filter(name__in=[s["name"] for s in SCHEDULES]).count() == 1
    Schedule.objects.filter(func="policies.tasks.fail_stalled_dry_runs").update(
        next_run=timezone.now() - timedelta(seconds=1)
    )
    scheduler()  # django-q2's scheduler queues the task; tests run it synchronously
    states = dict(DryRun.objects.values_list("pk", "status"))
    assert states == {stalled.pk: "failed", theirs.pk: "failed", moving.pk: "running",
                      done.pk: "done"}  # fmt: skip
    assert DryRun.objects.get(pk=done.pk).error == ""


@pytest.fixture
def history(org, agent, api_client_for):
    check = api_client_for(org, scopes=["check"])
    for i in range(6):
        body = {"trace_id": str(uuid.uuid4()), "agent": agent.name, "tool": "crm.search",
                "input": {"query": f"SSN 123-45-678{i}" if i % 2 else "order"}}  # fmt: skip
        assert check.post("/api/v1/check", body, format="json").status_code == 200


@override_settings(**SPLIT_2)
def test_a_part_that_raises_marks_the_run_failed(org, history, monkeypatch):
    real = replay.replay

    def second_part_breaks(**kwargs):
        if kwargs["seq_range"][0] > DryRun.objects.get().parts[0]["from"]:
            raise ValueError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(replay, "replay", second_part_breaks)
    policy = policy_draft(organisation=org, definition=PII)
    with pytest.raises(ValueError, match="disk full"):  # the synchronous worker re-raises
        dry_run_start(organisation=org, policy=policy, days=1)
    run = DryRun.objects.get()
    assert run.status == "failed" and run.result is None and len(run.parts) == 2
    assert run.error == "The replay failed: ValueError: disk full Start it again."


@override_settings(**SPLIT_2)
def test_a_part_stopped_at_the_task_timeout_marks_the_run_failed(org, history, monkeypatch):
    queued = []
    monkeypatch.setattr(testing, "async_task", lambda *args: queued.append(args))
    run = dry_run_start(organisation=org, policy=policy_draft(organisation=org, definition=PII),
                        days=1)  # fmt: skip
    decide = replay.Replayer.decide

    def slow(self, agent_id, call):
        time.sleep(3)
        return decide(self, agent_id, call)

    monkeypatch.setattr(replay.Replayer, "decide", slow)
    # django-q2's own worker with a 1 s timeout: SIGALRM raises TimeoutException in the part.
    with pytest.raises(SystemExit, match="timeout"):
        async_task("policies.tasks.dry_run", str(run.pk), 0, timeout=1, sync=True)
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.error == (
        "The replay stopped: a part ran longer than the task timeout. Start it again."
    )
