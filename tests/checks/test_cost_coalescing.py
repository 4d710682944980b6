"""Reported costs reach the budgets through one queued task per organisation, not one per batch."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django_q.conf import Conf
from django_q.models import OrmQ

from checks.models import CostReconcileState, PendingCost
from checks.tasks import reconcile_costs
from policies.models import BudgetWindow
from policies.services import policy_create


@pytest.fixture
def queued_tasks():
    """Tasks go to the ORM broker's queue instead of running inline, as with a real worker."""
    sync, Conf.SYNC = Conf.SYNC, False
    try:
        yield
    finally:
        Conf.SYNC = sync


def batch(n: int, cost: str) -> dict:
    return {
        "traces": [
            {"trace_id": str(uuid.uuid4()), "agent": "billing-bot", "tool": "llm.chat",
             "input": {}, "output": {}, "status": "ok", "cost": cost}
            for _ in range(n)
        ]
    }  # fmt: skip


@pytest.mark.django_db
def test_many_costed_batches_queue_one_task_and_count_every_cost(
    org, other_org, agent, api_client_for, queued_tasks, django_capture_on_commit_callbacks
):
    policy_create(organisation=org, actor=None, name="daily", type="budget_cap",
                  threshold={"amount": "1000", "period": "day"})  # fmt: skip
    client = api_client_for(org, scopes=["ingest"])
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(12):
            response = client.post("/api/v1/traces", batch(5, "0.5"), format="json")
            assert response.status_code in (200, 201, 202), response.content
    assert OrmQ.objects.count() == 1  # twelve batches, one queued reconcile
    assert PendingCost.objects.filter(organisation=org).count() == 60
    assert not BudgetWindow.objects.exists()  # nothing counted before the task runs

    assert reconcile_costs(org.pk) == 60
    assert BudgetWindow.objects.get().spent == Decimal("30")
    assert not PendingCost.objects.exists()
    assert CostReconcileState.objects.get(organisation=org).pending is False
    assert reconcile_costs(org.pk) == 0  # a second run counts nothing twice
    assert BudgetWindow.objects.get().spent == Decimal("30")

    # Once the task has started, the next batch queues a new one.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/v1/traces", batch(2, "1"), format="json")
    assert OrmQ.objects.count() == 2
    assert reconcile_costs(org.pk) == 2
    assert BudgetWindow.objects.get().spent == Decimal("32")


@pytest.mark.django_db
def test_each_organisation_has_its_own_pending_task(
    org, other_org, agent, other_agent, api_client_for, queued_tasks,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        for organisation in (org, org, other_org, other_org):
            client = api_client_for(organisation, scopes=["ingest"])
            client.post("/api/v1/traces", batch(1, "1"), format="json")
    assert OrmQ.objects.count() == 2
    assert reconcile_costs(org.pk) == 2  # only its own organisation's costs
    assert PendingCost.objects.filter(organisation=other_org).count() == 2


@pytest.mark.django_db
def test_a_task_queued_before_coalescing_still_counts_its_items(org, agent):
    policy_create(organisation=org, actor=None, name="daily", type="budget_cap",
                  threshold={"amount": "100", "period": "day"})  # fmt: skip
    items = [{"trace_id": str(uuid.uuid4()), "agent_id": agent.pk, "tool": "llm.chat", "cost": "4"}]
    assert reconcile_costs(org.pk, items) == 1
    assert reconcile_costs(org.pk, items) == 1  # replayed: counted once all the same
    assert BudgetWindow.objects.get().spent == Decimal("4")


@pytest.mark.django_db
def test_traces_without_cost_queue_nothing(org, agent, api_client_for, queued_tasks):
    client = api_client_for(org, scopes=["ingest"])
    body = batch(3, "0")
    for trace in body["traces"]:
        del trace["cost"]
    assert client.post("/api/v1/traces", body, format="json").status_code in (200, 201, 202)
    assert not PendingCost.objects.exists() and not OrmQ.objects.exists()
