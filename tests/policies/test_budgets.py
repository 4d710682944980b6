"""Budget caps: atomic reservation at check time, reconciliation when the trace arrives."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from policies.models import BudgetReservation, BudgetWindow
from policies.services import budget_reconcile, policy_create


def budget(org, **threshold):
    return policy_create(
        organisation=org, actor=None, name=f"budget-{uuid.uuid4().hex[:6]}", type="budget_cap",
        threshold={"amount": "10", "period": "day", **threshold},
    )  # fmt: skip


def check(client, cost, *, agent="billing-bot", trace_id=None, tool="llm.chat"):
    body = {"trace_id": str(trace_id or uuid.uuid4()), "agent": agent, "tool": tool, "input": {},
            "context": {"estimated_cost": str(cost)}}  # fmt: skip
    response = client.post("/api/v1/check", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_reservations_fill_the_cap_then_block(org, agent, api_client_for):
    client = api_client_for(org, scopes=["check"])
    budget(org)
    assert check(client, 4)["decision"] == "allow"
    assert check(client, 6)["decision"] == "allow"
    answer = check(client, "0.01")
    assert answer["decision"] == "block"
    assert "daily budget of 10" in answer["violations"][0]["reason"]
    window = BudgetWindow.objects.get()
    assert window.reserved == Decimal("10") and window.spent == 0
    assert BudgetReservation.objects.count() == 2


@pytest.mark.django_db
def test_a_call_blocked_by_another_policy_reserves_nothing(org, agent, api_client_for):
    client = api_client_for(org, scopes=["check"])
    budget(org)
    policy_create(organisation=org, actor=None, name="no-delete", type="action_approval",
                  threshold={"restricted_actions": ["delete"]}, mode="block")  # fmt: skip
    assert check(client, 5, tool="db.delete")["decision"] == "block"
    assert not BudgetReservation.objects.exists()


@pytest.mark.django_db
def test_agent_scope_keeps_separate_windows(org, agent, api_client_for):
    client = api_client_for(org, scopes=["check"])
    budget(org, scope="agent")
    assert check(client, 10)["decision"] == "allow"
    assert check(client, 1)["decision"] == "block"
    assert check(client, 10, agent="other-bot")["decision"] == "allow"
    assert sorted(BudgetWindow.objects.values_list("scope_key", flat=True)) == [
        "agent:billing-bot",
        "agent:other-bot",
    ]


@pytest.mark.django_db
def test_a_retried_check_does_not_reserve_twice(org, agent, api_client_for):
    client = api_client_for(org, scopes=["check"])
    budget(org)
    trace_id = uuid.uuid4()
    assert check(client, 8, trace_id=trace_id)["decision"] == "allow"
    assert check(client, 8, trace_id=trace_id)["decision"] == "allow"
    assert BudgetWindow.objects.get().reserved == Decimal("8")


@pytest.mark.django_db
def test_reconcile_with_the_reported_cost_through_trace_ingestion(
    org, agent, api_client_for, django_capture_on_commit_callbacks
):
    client = api_client_for(org, scopes=["check", "ingest"])
    budget(org)
    trace_id = uuid.uuid4()
    check(client, 6, trace_id=trace_id)
    trace = {"trace_id": str(trace_id), "agent": "billing-bot", "tool": "llm.chat", "input": {}, "output": {},
             "status": "ok", "cost": "2.5"}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):  # the traces app reconciles after commit
        response = client.post("/api/v1/traces", trace, format="json")
    assert response.status_code in (200, 201, 202), response.content
    window = BudgetWindow.objects.get()
    assert (window.reserved, window.spent) == (Decimal("0"), Decimal("2.5"))
    reservation = BudgetReservation.objects.get()
    assert reservation.status == "reconciled" and reservation.actual == Decimal("2.5")
    # the freed estimate is available again: 2.5 spent + 7.5 fits in 10
    assert check(client, "7.5")["decision"] == "allow"
    assert check(client, "0.01")["decision"] == "block"


@pytest.mark.django_db
def test_reconcile_is_idempotent_and_counts_unreserved_traces(org, agent):
    budget(org)
    trace_id = uuid.uuid4()
    assert budget_reconcile(organisation=org, trace_id=trace_id, agent=agent, cost="3") == 1
    assert budget_reconcile(organisation=org, trace_id=trace_id, agent=agent, cost="3") == 0
    assert BudgetWindow.objects.get().spent == Decimal("3")
    scoped = budget(org, amount="5")
    scoped.tool_patterns = ["llm.*"]
    scoped.save()
    assert (
        budget_reconcile(organisation=org, trace_id=uuid.uuid4(), agent=agent, cost="1") == 1
    )  # tool unknown
    assert (
        budget_reconcile(
            organisation=org, trace_id=uuid.uuid4(), agent=agent, cost="1", tool="llm.chat"
        )
        == 2
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_checks_never_overspend_the_cap(org, agent, make_key):
    """64 checks at once against one cap of 10, each estimating 1: exactly 10 go through."""
    budget(org)
    key = make_key(org, ["check"])
    barrier = threading.Barrier(64)
    decisions: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def worker():
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
            barrier.wait(timeout=30)
            answer = check(client, 1)
            with lock:
                decisions.append(answer["decision"])
        except BaseException as exc:  # noqa: BLE001 - reported below
            with lock:
                failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures
    assert len(decisions) == 64
    window = BudgetWindow.objects.get()
    assert window.reserved <= window.cap == Decimal("10")
    assert decisions.count("allow") == 10 and decisions.count("block") == 54
    assert BudgetReservation.objects.count() == 10


@pytest.mark.django_db
def test_reconcile_many_skips_organisations_without_budgets(
    org, agent, django_assert_max_num_queries
):
    from policies.services import budget_reconcile_many

    items = [
        {"trace_id": uuid.uuid4(), "agent": agent, "tool": "llm.chat", "cost": Decimal("1")}
        for _ in range(50)
    ]
    with django_assert_max_num_queries(4):
        assert budget_reconcile_many(organisation=org, items=items) == 0
    budget(org)
    assert budget_reconcile_many(organisation=org, items=items) == 50
    assert BudgetWindow.objects.get().spent == Decimal("50")


@pytest.mark.django_db
def test_batched_reconcile_counts_exactly_what_one_by_one_does(
    org, other_org, agent, api_client_for, django_assert_max_num_queries
):
    """The set-based batch and the per-trace reconcile leave identical windows, for reserved and
    unreserved traces, agent-scoped and organisation-wide budgets and tool patterns."""
    from governance.models import Agent
    from policies.services import budget_reconcile_many

    def setup(organisation):
        budget(organisation, amount="1000")
        budget(organisation, amount="1000", scope="agent")
        policy_create(organisation=organisation, actor=None, name=f"llm-{organisation.pk}",
                      type="budget_cap", tool_patterns=["llm.*"],
                      threshold={"amount": "1000", "period": "week"})  # fmt: skip
        bots = [Agent.objects.get_or_create(organisation=organisation, name=n)[0]
                for n in ("billing-bot", "other-bot")]  # fmt: skip
        client = api_client_for(organisation, scopes=["check"])
        items = []
        for i in range(24):
            trace_id, bot = uuid.uuid4(), bots[i % 2]
            tool = "llm.chat" if i % 3 else "search.web"
            if i % 4 == 0:  # this one reserved an estimate at check time
                check(client, 2, agent=bot.name, trace_id=trace_id, tool=tool)
            items.append({"trace_id": trace_id, "agent": bot, "tool": tool,
                          "cost": Decimal(i) / 4})  # fmt: skip
        return items

    batched, single = setup(org), setup(other_org)
    with django_assert_max_num_queries(40):  # per window, not per trace (24 traces, 7 windows)
        touched = budget_reconcile_many(organisation=org, items=batched + batched[:5])
    assert touched == sum(
        budget_reconcile(organisation=other_org, trace_id=i["trace_id"], agent=i["agent"],
                         cost=i["cost"], tool=i["tool"])
        for i in single
    )  # fmt: skip
    assert budget_reconcile_many(organisation=org, items=batched) == 0  # idempotent

    def windows(organisation):
        return sorted(
            (w.policy.name.split("-")[0], w.scope_key, w.reserved, w.spent)
            for w in BudgetWindow.objects.filter(organisation=organisation).select_related("policy")
        )

    assert windows(org) == windows(other_org)
    assert BudgetReservation.objects.filter(organisation=org).count() == (
        BudgetReservation.objects.filter(organisation=other_org).count()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("ending", ["deny", "expire", "cancel"])
def test_a_call_whose_approval_ends_without_running_gives_its_reservation_back(
    org, agent, owner, api_client_for, ending
):
    """A paused call reserves its estimate; denied, expired or cancelled, it never runs, and
    the estimate used to stay reserved (counted against the cap) until the window ended."""
    from datetime import timedelta

    from django.utils import timezone

    from approvals.models import Approval
    from approvals.services import approval_cancel, approval_decide, approval_expire_if_overdue
    from tests.approvals.helpers import grant

    client = api_client_for(org, scopes=["check"])
    budget(org)
    policy_create(organisation=org, actor=None, name="refunds", type="action_approval",
                  threshold={"restricted_actions": ["refund"]}, mode="require_approval")  # fmt: skip
    trace_id = uuid.uuid4()
    assert check(client, 7, tool="payments.refund", trace_id=trace_id)["decision"] == (
        "require_approval"
    )
    assert BudgetWindow.objects.get().reserved == Decimal("7")
    approval = Approval.objects.get(trace_id=trace_id)
    if ending == "deny":
        grant(agent, owner)
        approval_decide(approval=approval, actor=owner, verdict="deny", comment="Not now.")
    elif ending == "expire":
        Approval.objects.filter(pk=approval.pk).update(expires_at=timezone.now() - timedelta(1))
        assert approval_expire_if_overdue(approval_id=approval.pk)
    else:
        approval_cancel(approval=approval, actor=None, reason="The agent gave up.")
    window = BudgetWindow.objects.get()
    assert window.reserved == 0 and window.spent == 0
    # The cap is whole again, and a late trace of the call counts nothing twice.
    assert check(client, 10)["decision"] == "allow"
    budget_reconcile(organisation=org, trace_id=trace_id, agent=agent, cost="0")
    assert BudgetWindow.objects.get().spent == 0
