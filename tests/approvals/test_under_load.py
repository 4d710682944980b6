"""With real workers on a real Redis broker, approvals keep time behind a flood of costed batches,
reported costs reach the budget in a bounded number of tasks, and a schedule runs once."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
import redis
from django.utils import timezone
from django_q.models import Schedule, Task

from approvals.models import Approval, ApprovalStatus
from governance.audit import AuditAction
from governance.models import AuditLog
from policies.models import BudgetWindow
from policies.services import policy_create
from tests import subprocess_env
from tests.approvals.helpers import pause
from tests.approvals.servers import ROOT, AsgiServer

REDIS_URL = "redis://127.0.0.1:6379/0"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def production_like():
    """An app server, two django-q2 clusters on Redis and a timekeeper, on a queue of our own."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379 (.ci/run starts one)")
    cluster = f"test-{uuid.uuid4().hex[:10]}"
    env = {"REDIS_URL": REDIS_URL, "Q_CLUSTER_NAME": cluster, "EXECLAVE_TEST_Q_SYNC": "false"}
    server = AsgiServer(extra_env=env)
    commands = (["qcluster"], ["qcluster"], ["timekeeper", "--interval", "0.5"])
    logs = [ROOT / "var" / f"{cluster}-{n}.log" for n in range(len(commands))]
    children = []
    for log, args in zip(logs, commands, strict=True):
        with log.open("w") as out:
            children.append(
                subprocess.Popen(
                    [sys.executable, "-u", "manage.py", *args],
                    cwd=ROOT,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env={**subprocess_env.test_database_env(), **env},
                )  # fmt: skip
            )
    try:
        # Both clusters and the timekeeper up before the flood (a loaded machine takes seconds).
        ready = ("running", "running", "timekeeper running")
        assert wait_until(
            lambda: all(w in log.read_text() for log, w in zip(logs, ready, strict=True)), 90
        ), [log.read_text()[-500:] for log in logs]
        yield server, f"django_q:{cluster}:q"
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(20)
            except subprocess.TimeoutExpired:
                child.kill()
        server.stop()
        redis.Redis.from_url(REDIS_URL).delete(f"django_q:{cluster}:q")
        for log in logs:
            log.unlink(missing_ok=True)


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_expiry_escalation_and_costs_keep_time_under_a_flood(org, agent, make_key, production_like):
    server, queue = production_like
    policy_create(organisation=org, actor=None, name="daily", type="budget_cap",
                  threshold={"amount": "100000", "period": "day"})  # fmt: skip
    key = make_key(org, scopes=["ingest"])
    once = Schedule.objects.create(
        name=f"once-{uuid.uuid4().hex[:6]}", func="math.floor", args="2.5",
        schedule_type=Schedule.ONCE, next_run=timezone.now(),
    )  # fmt: skip

    import requests

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {key}"
    batches, per_batch = 30, 40
    backlog = []
    r = redis.Redis.from_url(REDIS_URL)
    for _ in range(batches):
        body = {"traces": [
            {"trace_id": str(uuid.uuid4()), "agent": agent.name, "tool": "llm.chat",
             "input": {}, "output": {}, "status": "ok", "cost": "0.25"}
            for _ in range(per_batch)
        ]}  # fmt: skip
        answer = session.post(f"{server.url}/api/v1/traces", json=body, timeout=60)
        assert answer.status_code in (200, 201, 202), answer.text
        backlog.append(r.llen(queue))

    # Approvals whose deadlines fall while the batches are still being reconciled.
    approvals = [pause(org, agent, escalate_after=60) for _ in range(4)]
    now = timezone.now()
    due = {a.pk: now + timedelta(seconds=1 + i) for i, a in enumerate(approvals)}
    for a in approvals[:2]:
        Approval.objects.filter(pk=a.pk).update(expires_at=due[a.pk])
    for a in approvals[2:]:
        Approval.objects.filter(pk=a.pk).update(escalate_at=due[a.pk])

    assert wait_until(
        lambda: Approval.objects.filter(
            pk__in=[a.pk for a in approvals[:2]], status=ApprovalStatus.EXPIRED
        ).count() == 2 and Approval.objects.filter(
            pk__in=[a.pk for a in approvals[2:]], escalated_at__isnull=False
        ).count() == 2,
        30,
    )  # fmt: skip
    for a in approvals[:2]:
        row = Approval.objects.get(pk=a.pk)
        assert (row.decided_at - due[a.pk]).total_seconds() <= 5  # seconds, not a minute tick
        assert (
            AuditLog.objects.filter(
                action=AuditAction.APPROVAL_EXPIRED, object_id=str(a.pk)
            ).count()
            == 1
        )
    for a in approvals[2:]:
        row = Approval.objects.get(pk=a.pk)
        assert (row.escalated_at - due[a.pk]).total_seconds() <= 5
        assert (
            AuditLog.objects.filter(
                action=AuditAction.APPROVAL_ESCALATED, object_id=str(a.pk)
            ).count()
            == 1
        )

    total = Decimal("0.25") * batches * per_batch
    assert wait_until(
        lambda: BudgetWindow.objects.filter(organisation=org, spent=total).exists(), 60
    ), list(BudgetWindow.objects.values_list("spent", flat=True))
    reconciles = Task.objects.filter(func="checks.tasks.reconcile_costs").count()
    # Never more than one task per batch; fewer when batches arrive while one waits (workers that
    # keep up take each batch's task at once, so the bound on the backlog is what coalescing buys;
    # tests/checks/test_cost_coalescing.py shows twelve queued batches giving one task).
    assert 1 <= reconciles <= batches
    # At most one reconcile per organisation waits; the rest of the queue is other schedules' work.
    assert max(backlog) <= 5
    assert wait_until(lambda: Task.objects.filter(group=once.name).count() >= 1, 30)
    time.sleep(2)
    assert Task.objects.filter(group=once.name).count() == 1  # two clusters, one run
