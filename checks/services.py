"""The ``POST /api/v1/check`` orchestration (DESIGN.md, "Decisions").

1. Load the organisation's active policies (cached per ``policy_version``).
2. Keep those whose agent scope, tool pattern and phase match the call.
3. Run each evaluator (``policies.evaluation``, pure); detectors run once per call (``Scan``).
4. Combine: any block -> ``block``; else any approval -> ``require_approval`` (an
   Approval is created); else any warn -> ``warn``; monitor violations are only recorded.
5. Record the decision in the ledger under the call's ``trace_id`` with every policy
   evaluated and its outcome.

Budget caps are decided under a lock on their window rows, after every other policy, so
a call that another policy blocks reserves nothing; the reservation, the approval and the
ledger entry commit together.

This app sits above ``policies``, ``approvals`` and ``traces`` (docs/architecture.md): it is
the one place that writes to all three for a call, so none of them imports another upward.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from approvals.models import Approval
from approvals.services import approval_request_create
from governance.models import Agent, ApiKey, Organisation
from governance.services import agent_resolve
from policies import services
from policies.call import Call, Scan
from policies.evaluation import (
    PASSED,
    SKIPPED,
    VIOLATION,
    Outcome,
    combine,
    evaluate,
    may_need_approval,
)
from policies.evaluators import Violation, approval_params, budget_cap
from policies.models import BudgetReservation, Policy, ReservationStatus
from policies.selectors import ActivePolicy, active_policies
from policies.types import Decision, Mode, Phase, PolicyType
from traces.ingest import CleanTrace
from traces.services import IngestResult, LedgerEvent, ledger_append, traces_ingest

from .models import CostReconcileState, PendingCost

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DecisionResult:
    trace_id: uuid.UUID
    decision: str
    violations: list[dict[str, Any]]
    approval: Approval | None
    output_check: bool
    evaluated: list[dict[str, Any]]
    policy_version: int
    agent: Agent


AGENT_CACHE_SECONDS = 60.0
_agents: dict[tuple[int, Any, str], tuple[float, Agent]] = {}


def _agent(*, organisation: Organisation, name: str, api_key: ApiKey | None) -> Agent:
    """``agent_resolve`` with a short per-process cache of name -> agent for unbound keys.

    Saves a query on every check. Agents with history cannot be deleted (the ledger
    protects them), so a cached entry can only be stale by a rename, for at most
    ``AGENT_CACHE_SECONDS``.
    """
    if api_key is not None and api_key.agent_id is not None:
        return agent_resolve(organisation=organisation, name=name, api_key=api_key)
    key = (organisation.pk, organisation.created_at, name)
    now = time.monotonic()
    hit = _agents.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    agent = agent_resolve(organisation=organisation, name=name, api_key=api_key)
    if len(_agents) > 10_000:
        _agents.clear()
    _agents[key] = (now + AGENT_CACHE_SECONDS, agent)
    return agent


def agent_cache_clear() -> None:
    _agents.clear()


@dataclass(frozen=True, slots=True)
class _Selection:
    policies: tuple[ActivePolicy, ...]  # the snapshot this was selected from
    applicable: tuple[ActivePolicy, ...]  # agent and tool scope match
    selected: tuple[ActivePolicy, ...]  # ... and the phase: the ones evaluated
    output_check: bool  # an applicable policy reads the call's output


_selections: dict[tuple[int, int, str, str], _Selection] = {}


def _select(
    policies: tuple[ActivePolicy, ...],
    *,
    organisation_id: int,
    agent_id: int,
    tool: str,
    phase: str,
) -> _Selection:
    """The policies whose scope takes the call, per (agent, tool, phase) and remembered for the
    snapshot they came from: an agent fleet calls the same few tools all day, and matching 25
    policies' agent sets and tool globs cost ~20 us a check. A new policy version is a new
    snapshot (``active_policies``), which the identity check below never mistakes for this one."""
    key = (organisation_id, agent_id, tool, phase)
    hit = _selections.get(key)
    if hit is not None and hit.policies is policies:
        return hit
    applicable = tuple(p for p in policies if p.applies_to(agent_id=agent_id, tool=tool))
    selection = _Selection(
        policies,
        applicable,
        tuple(p for p in applicable if p.runs_in(phase)),
        any(p.checks_output for p in applicable),
    )
    if len(_selections) > 10_000:
        _selections.clear()
    _selections[key] = selection
    return selection


def _decide_budgets(
    *,
    organisation: Organisation,
    agent: Agent,
    budgets: list[ActivePolicy],
    call: Call,
    scan: Scan,
    trace_id: uuid.UUID,
    already_blocked: bool,
) -> list[Outcome]:
    """Lock each budget window (in policy order, so concurrent checks cannot deadlock),
    compare, and reserve only if the call will go ahead."""
    if already_blocked:
        return [
            Outcome(p, SKIPPED, notes=[{"message": "not reserved: the call is blocked"}])
            for p in budgets
        ]
    locked = []
    outcomes = []
    for policy in sorted(budgets, key=lambda p: p.id):
        config = policy.config()
        window = services.budget_window_lock(
            organisation=organisation, policy_id=policy.id, config=config, call=call
        )
        committed = window.spent + window.reserved
        mine = (
            BudgetReservation.objects.filter(
                window=window, trace_id=trace_id, status=ReservationStatus.RESERVED
            )
            .values_list("amount", flat=True)
            .first()
        )
        if mine is not None:  # a retried check: its own reservation is not competition
            committed -= mine
        try:
            violation = budget_cap.evaluate(config, call, scan, spent=committed)
        except Exception as exc:  # noqa: BLE001
            logger.exception("budget policy %s failed to evaluate", policy.id)
            violation = Violation(f"the budget could not be evaluated ({type(exc).__name__})", {})
        outcome = Outcome(policy, VIOLATION if violation else PASSED, violation)
        outcomes.append(outcome)
        locked.append((config, window, outcome))
    if any(o.counts and o.policy.mode == Mode.BLOCK for o in outcomes):
        return outcomes
    for config, window, outcome in locked:
        amount = budget_cap.reservation_amount(config, call)
        services.budget_reserve(window=window, trace_id=trace_id, agent=agent, amount=amount)
        outcome.notes.append({"message": "reserved", "amount": str(amount), "window": window.pk})
    return outcomes


_ROLE_ORDER = ("owner", "admin", "compliance_officer", "reviewer", "developer")


def _request_approval(
    *,
    organisation: Organisation,
    agent: Agent,
    call: Call,
    trace_id: uuid.UUID,
    outcomes: list[Outcome],
):
    existing = (
        Approval.objects.filter(organisation=organisation, trace_id=trace_id)
        .order_by("-requested_at")
        .first()
    )
    if existing is not None:
        return existing  # a retried check: the same request, not a second one
    pausing = [o for o in outcomes if o.counts and o.policy.mode == Mode.REQUIRE_APPROVAL]
    params = [o.violation.approval or approval_params(o.policy.config()) for o in pausing]
    first = pausing[0]
    escalations = [p.escalate_after for p in params if p.escalate_after]
    policy = Policy.objects.filter(pk=first.policy.id).first()
    return approval_request_create(
        organisation=organisation,
        trace_id=trace_id,
        agent=agent,
        tool=call.tool,
        input=call.input,
        policy=policy,
        reason="; ".join(f"{o.policy.name}: {o.violation.reason}" for o in pausing),
        timeout_seconds=min(p.approval_timeout for p in params),
        required_role=params[0].required_role,
        approvers_required=max(p.approvers_required for p in params),
        on_timeout="deny" if any(p.on_timeout == "deny" for p in params) else "allow",
        escalate_after=min(escalations) if escalations else None,
        now=call.now,  # requested when the paused check happened: its ledger entry's time
    )


def _record(
    *,
    organisation: Organisation,
    agent: Agent,
    call: Call,
    trace_id: uuid.UUID,
    decision: str,
    outcomes: list[Outcome],
    approval,
    client: dict[str, Any],
) -> list[dict[str, Any]]:
    """Append the decision entry; returns every policy evaluated, as recorded."""
    server: dict[str, Any] = {
        "decision": decision,
        "policy_version": organisation.policy_version,
        "policies": [o.ledger() for o in outcomes],
    }
    if approval is not None:
        server["approval"] = {
            "id": str(approval.pk),
            "status": approval.status,
            "expires_at": approval.expires_at,
        }
    ledger_append(
        organisation=organisation,
        events=[
            LedgerEvent(
                trace_id=trace_id,
                kind="decision" if call.phase == Phase.INPUT else "output_decision",
                agent=agent,
                tool=call.tool,
                input=call.input,
                output=call.output if call.phase == Phase.OUTPUT else None,
                client=client,
                server=server,
                occurred_at=call.now,
            )
        ],
    )
    return server["policies"]


def decide(
    *,
    organisation: Organisation,
    api_key: ApiKey | None,
    agent_name: str,
    tool: str,
    phase: str,
    input: Any,
    output: Any = None,
    context: dict[str, Any] | None = None,
    trace_id: uuid.UUID,
    judge=None,
    client: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> DecisionResult:
    """Decide one call. Raises ``ValidationError`` (400) or ``PermissionDenied`` (403) for an
    agent the key may not act as or the organisation does not know.

    ``now`` is when the call happened (default: now): the decision entry's ``occurred_at`` and a
    paused call's ``requested_at``. /check never passes it; the demo (``demo_activity``) replays
    its story's calls at their times."""
    context = context or {}
    agent = _agent(organisation=organisation, name=agent_name, api_key=api_key)
    policies = active_policies(organisation=organisation)
    selection = _select(
        policies, organisation_id=organisation.pk, agent_id=agent.pk, tool=tool, phase=phase
    )
    selected = selection.selected
    call = Call(
        agent=agent.name,
        tool=tool,
        phase=phase,
        input=input,
        output=output,
        context=context,
        now=now or timezone.now(),
    )
    scan = Scan(call, judge=judge)
    outcomes = evaluate(selected, call, scan)
    budgets = [p for p in selected if p.type == PolicyType.BUDGET_CAP]

    # Only open a transaction of our own when several writes must commit together; the
    # common case (no budget, no approval) is the ledger's own transaction, without the
    # SAVEPOINT round trips a nested block would add to the hot path.
    atomic = transaction.atomic() if budgets or may_need_approval(outcomes) else nullcontext()
    with atomic:
        if budgets:
            blocked = combine(outcomes) == Decision.BLOCK
            outcomes += _decide_budgets(
                organisation=organisation, agent=agent, budgets=budgets, call=call, scan=scan,
                trace_id=trace_id, already_blocked=blocked,
            )  # fmt: skip
        decision = combine(outcomes)
        approval = None
        if decision == Decision.REQUIRE_APPROVAL:
            approval = _request_approval(
                organisation=organisation,
                agent=agent,
                call=call,
                trace_id=trace_id,
                outcomes=outcomes,
            )
        evaluated = _record(
            organisation=organisation, agent=agent, call=call, trace_id=trace_id, decision=decision,
            outcomes=outcomes, approval=approval,
            client=client if client is not None else {"phase": phase, "context": context},
        )  # fmt: skip

    return DecisionResult(
        trace_id=trace_id,
        decision=decision,
        violations=[o.wire() for o in outcomes if o.counts],
        approval=approval,
        output_check=selection.output_check,
        evaluated=evaluated,
        policy_version=organisation.policy_version,
        agent=agent,
    )


# --- POST /api/v1/traces: the ledger records, then budgets count the reported costs ------------


def traces_record(
    *, api_key: ApiKey, traces: Sequence[CleanTrace], field_prefix: Callable[[int], str]
) -> IngestResult:
    """Append completed executions to the ledger (``traces.services.traces_ingest``) and queue
    the costs they report for the budgets, in the same transaction."""
    result = traces_ingest(api_key=api_key, traces=traces, field_prefix=field_prefix)
    if result.costs:
        organisation_id = api_key.organisation_id
        PendingCost.objects.bulk_create(
            PendingCost(
                organisation_id=organisation_id,
                trace_id=item["trace_id"],
                agent_id=item["agent_id"],
                tool=item["tool"],
                cost=Decimal(item["cost"]),
            )
            for item in result.costs
        )
        transaction.on_commit(lambda: costs_reconcile_request(organisation_id=organisation_id))
    return result


def costs_reconcile_request(*, organisation_id: int) -> bool:
    """Queue one reconcile task for the organisation unless one is already waiting.

    Budgets catch up in a task, not in the request: a 1,000-trace batch is not held up by
    1,000 budget look-ups. Coalesced: however many batches arrive while a task waits in the
    queue, it drains them all, so bulk ingestion never floods the queue (issue 19: one task
    per batch once put 2,000 tasks ahead of approval expiry). True if this call enqueued."""
    claimed = CostReconcileState.objects.filter(
        organisation_id=organisation_id, pending=False
    ).update(pending=True)
    if not claimed:
        _, created = CostReconcileState.objects.get_or_create(
            organisation_id=organisation_id, defaults={"pending": True}
        )
        if not created:
            return False  # a task is already queued and will see these costs
    async_task("checks.tasks.reconcile_costs", organisation_id)
    return True


RECONCILE_CHUNK = 500


def costs_reconcile_pending(*, organisation: Organisation) -> int:
    """Count every queued cost of the organisation against its budgets; returns how many.

    The pending flag is cleared first, so a batch committed while this runs queues a new task
    instead of being missed. Each chunk is counted and removed in one transaction: a crash
    leaves it queued, and ``budget_reconcile`` is idempotent per trace, so nothing counts twice."""
    CostReconcileState.objects.filter(organisation=organisation).update(pending=False)
    done = 0
    while True:
        with transaction.atomic():
            rows = list(
                PendingCost.objects.select_for_update(skip_locked=True)
                .filter(organisation=organisation)
                .order_by("id")[:RECONCILE_CHUNK]
            )
            if not rows:
                return done
            costs_reconcile(
                organisation=organisation,
                items=[
                    {
                        "trace_id": str(r.trace_id),
                        "agent_id": r.agent_id,
                        "tool": r.tool,
                        "cost": str(r.cost),
                    }
                    for r in rows
                ],
            )
            PendingCost.objects.filter(pk__in=[r.pk for r in rows]).delete()
            done += len(rows)


def costs_reconcile(*, organisation: Organisation, items: list[dict]) -> int:
    """Count reported costs (``IngestResult.costs``) against the budgets. Returns how many."""
    agent_ids = {i["agent_id"] for i in items if i.get("agent_id")}
    agents = {a.pk: a for a in Agent.objects.filter(pk__in=agent_ids)}
    services.budget_reconcile_many(
        organisation=organisation,
        items=[
            {
                "trace_id": uuid.UUID(i["trace_id"]),
                "agent": agents.get(i.get("agent_id")),
                "tool": i["tool"],
                "cost": Decimal(i["cost"]),
            }
            for i in items
        ],
    )
    return len(items)
