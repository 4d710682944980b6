"""The decision service behind ``POST /api/v1/check`` (DESIGN.md, "Decisions").

1. Load the organisation's active policies (cached per ``policy_version``).
2. Keep those whose agent scope, tool pattern and phase match the call.
3. Run each evaluator; detectors run once per call (``Scan``).
4. Combine: any block -> ``block``; else any approval -> ``require_approval`` (an
   Approval is created); else any warn -> ``warn``; monitor violations are only recorded.
5. Record the decision in the ledger under the call's ``trace_id`` with every policy
   evaluated and its outcome.

Budget caps are decided under a lock on their window rows, after every other policy, so
a call that another policy blocks reserves nothing; the reservation, the approval and the
ledger entry commit together.
"""

from __future__ import annotations

import logging
import time
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from governance.models import Agent, ApiKey, Organisation
from governance.services import agent_resolve
from policies import services
from policies.call import Call, Scan
from policies.evaluators import EVALUATORS, Violation, approval_params, budget_cap
from policies.models import BudgetReservation, Policy, ReservationStatus
from policies.selectors import ActivePolicy, active_policies
from policies.types import MODE_RANK, Decision, Mode, Phase, PolicyType

logger = logging.getLogger(__name__)

PASSED = "pass"
VIOLATION = "violation"
ERROR = "error"
SKIPPED = "skipped"


@dataclass
class Outcome:
    policy: ActivePolicy
    outcome: str
    violation: Violation | None = None
    notes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def counts(self) -> bool:
        """A violation that takes part in the decision (monitor ones are only recorded)."""
        return self.violation is not None and self.policy.mode != Mode.MONITOR

    def wire(self) -> dict[str, Any]:
        return {
            "policy": self.policy.id,
            "name": self.policy.name,
            "type": self.policy.type,
            "mode": self.policy.mode,
            "reason": self.violation.reason if self.violation else "",
        }

    def ledger(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.policy.id,
            "name": self.policy.name,
            "type": self.policy.type,
            "mode": self.policy.mode,
            "version": self.policy.version,
            "outcome": self.outcome,
            "reason": self.violation.reason if self.violation else "",
        }
        if self.violation is not None and self.violation.details:
            data["details"] = self.violation.details
        if self.notes:
            data["notes"] = self.notes
        return data


@dataclass(frozen=True)
class DecisionResult:
    trace_id: uuid.UUID
    decision: str
    violations: list[dict[str, Any]]
    approval: Any | None
    output_check: bool
    evaluated: list[dict[str, Any]]
    policy_version: int
    agent: Agent


def _evaluate(policy: ActivePolicy, call: Call, scan: Scan) -> Outcome:
    notes_before = len(scan.notes)
    try:
        violation = EVALUATORS[policy.type](policy.config(), call, scan)
    except Exception as exc:  # noqa: BLE001 - a broken evaluator must not 500 the agent; fail closed
        logger.exception("policy %s (%s) failed to evaluate", policy.id, policy.type)
        violation = Violation(
            f"the policy could not be evaluated ({type(exc).__name__}) and fails closed",
            {"error": type(exc).__name__},
        )
        return Outcome(policy, ERROR, violation, scan.notes[notes_before:])
    return Outcome(policy, VIOLATION if violation else PASSED, violation, scan.notes[notes_before:])


def _may_need_approval(outcomes: list[Outcome]) -> bool:
    return any(o.counts and o.policy.mode == Mode.REQUIRE_APPROVAL for o in outcomes)


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


def _combine(outcomes: list[Outcome]) -> str:
    strongest = max((MODE_RANK[o.policy.mode] for o in outcomes if o.counts), default=0)
    return {
        MODE_RANK[Mode.BLOCK]: Decision.BLOCK,
        MODE_RANK[Mode.REQUIRE_APPROVAL]: Decision.REQUIRE_APPROVAL,
        MODE_RANK[Mode.WARN]: Decision.WARN,
    }.get(strongest, Decision.ALLOW)


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
    from approvals.models import Approval
    from approvals.services import approval_request_create

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
    from traces.services import LedgerEvent, ledger_append

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
) -> DecisionResult:
    """Decide one call. Raises ``ValidationError`` (400) or ``PermissionDenied`` (403) for an
    agent the key may not act as or the organisation does not know."""
    context = context or {}
    agent = _agent(organisation=organisation, name=agent_name, api_key=api_key)
    policies = active_policies(organisation=organisation)
    applicable = [p for p in policies if p.applies_to(agent_id=agent.pk, tool=tool)]
    selected = [p for p in applicable if p.runs_in(phase)]
    call = Call(
        agent=agent.name,
        tool=tool,
        phase=phase,
        input=input,
        output=output,
        context=context,
        now=timezone.now(),
    )
    scan = Scan(call, judge=judge)
    outcomes = [_evaluate(p, call, scan) for p in selected if p.type != PolicyType.BUDGET_CAP]
    budgets = [p for p in selected if p.type == PolicyType.BUDGET_CAP]

    # Only open a transaction of our own when several writes must commit together; the
    # common case (no budget, no approval) is the ledger's own transaction, without the
    # SAVEPOINT round trips a nested block would add to the hot path.
    atomic = transaction.atomic() if budgets or _may_need_approval(outcomes) else nullcontext()
    with atomic:
        if budgets:
            blocked = _combine(outcomes) == Decision.BLOCK
            outcomes += _decide_budgets(
                organisation=organisation, agent=agent, budgets=budgets, call=call, scan=scan,
                trace_id=trace_id, already_blocked=blocked,
            )  # fmt: skip
        decision = _combine(outcomes)
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
        output_check=any(p.checks_output for p in applicable),
        evaluated=evaluated,
        policy_version=organisation.policy_version,
        agent=agent,
    )
