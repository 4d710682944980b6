"""The timekeeper expires and escalates approvals on time, once, without the task queue."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from approvals import timekeeper
from approvals.models import Approval, ApprovalStatus
from governance.models import AuditLog
from tests.approvals.helpers import pause
from tests.subprocess_env import run_manage


@pytest.mark.django_db(transaction=True)
def test_two_timekeepers_expire_and_escalate_each_request_once(org, agent):
    approvals = [pause(org, agent, escalate_after=60) for _ in range(6)]
    now = timezone.now()
    overdue, due = approvals[:3], approvals[3:]
    Approval.objects.filter(pk__in=[a.pk for a in overdue]).update(expires_at=now)
    Approval.objects.filter(pk__in=[a.pk for a in due]).update(escalate_at=now)

    stop = threading.Event()
    seen: list[timekeeper.Tick] = []
    threads = [
        threading.Thread(
            target=timekeeper.run, kwargs={"interval": 0.05, "stop": stop, "on_tick": seen.append}
        )
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    try:
        deadline = timezone.now() + timedelta(seconds=10)
        while timezone.now() < deadline and (
            sum(t.expired for t in seen) < 3 or sum(t.escalated for t in seen) < 3
        ):
            stop.wait(0.05)
    finally:
        stop.set()
        for t in threads:
            t.join(10)
    assert sum(t.expired for t in seen) == 3 and sum(t.escalated for t in seen) == 3
    for a in overdue:
        assert Approval.objects.get(pk=a.pk).status == ApprovalStatus.EXPIRED
        assert AuditLog.objects.filter(action="approval.expired", object_id=str(a.pk)).count() == 1
    for a in due:
        row = Approval.objects.get(pk=a.pk)
        assert row.status == ApprovalStatus.PENDING and row.escalated_at is not None
        assert (
            AuditLog.objects.filter(action="approval.escalated", object_id=str(a.pk)).count() == 1
        )


@pytest.mark.django_db(transaction=True)
def test_a_stopped_timekeeper_closes_its_threads_connection(org, agent):
    # With the PostgreSQL pool, a connection a finished thread still holds is never lent again.
    pause(org, agent, escalate_after=60)
    stop = threading.Event()
    closed = []

    def once():
        timekeeper.run(interval=0.01, stop=stop, on_tick=lambda _tick: stop.set())
        closed.append(connection.connection is None)

    thread = threading.Thread(target=once)
    thread.start()
    thread.join(10)
    assert closed == [True]


@pytest.mark.django_db(transaction=True)
def test_the_command_runs_one_pass_and_refuses_a_bad_interval(org, agent):
    approval = pause(org, agent)
    Approval.objects.filter(pk=approval.pk).update(expires_at=timezone.now())
    done = run_manage("timekeeper", "--once")
    assert done.returncode == 0, done.stderr
    assert "expired 1, escalated 0" in done.stdout
    assert Approval.objects.get(pk=approval.pk).status == ApprovalStatus.EXPIRED
    # The refusal in process: the same command code, without a second child process's start.
    with pytest.raises(CommandError, match="--interval"):
        call_command("timekeeper", "--interval", "0")
