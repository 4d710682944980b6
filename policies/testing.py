"""Test a policy before enabling it, and replay it over the ledger (issue 13).

``policy_test`` answers what ``/api/v1/check`` would decide for one sample call if this policy
were the organisation's only one; ``policy_dry_run`` replays a draft or existing policy over the
organisation's recorded calls of the last N days. Both use the decision's own code
(``policies.evaluation``: scope, phase, evaluators, ``combine``) and record nothing: no ledger
entry, no approval, no budget reservation.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_q.tasks import async_task

from governance.models import Agent, Organisation
from policies import services
from policies.call import Call, Scan, to_decimal
from policies.evaluation import PASSED, VIOLATION, Outcome, combine, evaluate_one
from policies.evaluators import Violation, budget_cap
from policies.models import BudgetWindow, DryRun, DryRunStatus, Policy
from policies.selectors import ActivePolicy, active_snapshot
from policies.thresholds import parse_settings
from policies.types import Decision, Phase, PolicyType
from traces import chain
from traces.models import LedgerEntry

# The definition keys a policy body may carry (the body of POST /api/v1/policies).
DEFINITION_KEYS = (
    "name",
    "description",
    "type",
    "mode",
    "agents",
    "tool_patterns",
    "phase",
    "threshold",
    "enabled",
)
FLAGGED = (Decision.BLOCK, Decision.REQUIRE_APPROVAL, Decision.WARN)
_RANK = {Decision.ALLOW: 0, Decision.WARN: 1, Decision.REQUIRE_APPROVAL: 2, Decision.BLOCK: 3}
MAX_EXAMPLES = 20
MAX_DAYS = 3660
# Above this many recorded calls, the API runs the dry-run as a task and answers a task id.
INLINE_MAX = 20_000
PROGRESS_EVERY = 20_000
CHUNK = 5_000


# --- the policy under test -------------------------------------------------------------------


def policy_draft(
    *, organisation: Organisation, definition: Mapping[str, Any], policy_id: int | None = None
) -> ActivePolicy:
    """A definition validated exactly as ``policy_create`` validates it, as the snapshot the
    decision path evaluates. Raises ``ValidationError`` naming the fields."""
    definition = dict(definition)
    if "tools" in definition:  # the API's name for tool_patterns
        definition["tool_patterns"] = definition.pop("tools")
    unknown = sorted(set(definition) - set(DEFINITION_KEYS))
    if unknown:
        raise ValidationError({key: ["Unknown field."] for key in unknown})
    if not definition.get("type"):
        raise ValidationError({"type": ["This field is required."]})
    policy, agents = services.policy_draft_clean(organisation=organisation, **definition)
    return ActivePolicy(
        id=policy_id,  # type: ignore[arg-type] - a draft has no id
        name=policy.name,
        type=policy.type,
        mode=policy.mode,
        phase=policy.phase,
        tool_patterns=tuple(policy.tool_patterns or ()),
        agent_ids=frozenset(a.pk for a in agents),
        threshold=MappingProxyType(dict(policy.threshold or {})),
        version=0,
        settings=parse_settings(policy.type, policy.threshold),
    )


def policy_existing(*, organisation: Organisation, policy_id: Any) -> ActivePolicy | None:
    """The organisation's stored policy as the decision path sees it (enabled or not)."""
    try:
        pk = int(policy_id)
    except (TypeError, ValueError):
        return None
    policy = (
        Policy.objects.filter(organisation=organisation, pk=pk).prefetch_related("agents").first()
    )
    return None if policy is None else active_snapshot(policy)


# --- one sample call -------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleCall:
    agent: str
    tool: str
    input: Any = None
    output: Any = None
    context: dict[str, Any] = field(default_factory=dict)
    phase: str = Phase.INPUT


def sample_call(data: Mapping[str, Any]) -> SampleCall:
    """A sample call from a request body; ``ValidationError`` naming the field. With an
    ``output`` it is an output check (``phase=output``), as the SDKs send it."""
    errors: dict[str, list[str]] = {}
    agent = data.get("agent")
    tool = data.get("tool")
    if not isinstance(agent, str) or not agent.strip():
        errors["agent"] = ["This field is required (the agent's name)."]
    if not isinstance(tool, str) or not tool.strip() or any(c.isspace() for c in tool.strip()):
        errors["tool"] = ["A tool name without spaces, e.g. database.query."]
    context = data.get("context") or {}
    if not isinstance(context, dict):
        errors["context"] = ["Must be a JSON object."]
        context = {}
    for key in ("estimated_cost", "cost"):
        value = context.get(key)
        if value is not None:
            amount = _decimal(value)
            if amount is None or amount < 0:
                errors[f"context.{key}"] = ["Must be a non-negative decimal amount."]
    if "environment" in context and not isinstance(context["environment"], str | type(None)):
        errors["context.environment"] = ["Must be a string."]
    phase = data.get("phase") or (Phase.OUTPUT if data.get("output") is not None else Phase.INPUT)
    if phase not in (Phase.INPUT, Phase.OUTPUT):
        errors["phase"] = ["Choose input or output."]
    if errors:
        raise ValidationError(errors)
    return SampleCall(
        agent=agent.strip(),
        tool=tool.strip(),
        input=data.get("input") if data.get("input") is not None else {},
        output=data.get("output"),
        context=context,
        phase=phase,
    )


def _decimal(value: Any) -> Decimal | None:
    return None if isinstance(value, bool) else to_decimal(value)


def _budget_spent(organisation: Organisation, policy: ActivePolicy, call: Call) -> Decimal:
    """Current spend + reservations of the policy's window for this call, read-only (a draft
    has no window yet: nothing spent)."""
    if policy.id is None:
        return Decimal(0)
    config = policy.config()
    start, _ = budget_cap.period_window(config, call.now)
    row = (
        BudgetWindow.objects.filter(
            policy_id=policy.id, scope_key=budget_cap.scope_key(config, call), window_start=start
        )
        .values_list("spent", "reserved")
        .first()
    )
    return Decimal(0) if row is None else row[0] + row[1]


def _budget_outcome(policy: ActivePolicy, call: Call, scan: Scan, spent: Decimal) -> Outcome:
    config = policy.config()
    try:
        violation = budget_cap.evaluate(config, call, scan, spent=spent)
    except Exception as exc:  # noqa: BLE001 - as the decision path: fail closed
        violation = Violation(f"the budget could not be evaluated ({type(exc).__name__})", {})
    return Outcome(policy, VIOLATION if violation else PASSED, violation)


def policy_test(
    *,
    organisation: Organisation,
    definition: Mapping[str, Any] | ActivePolicy,
    call: Mapping[str, Any] | SampleCall,
    judge=None,
) -> dict[str, Any]:
    """What ``/api/v1/check`` would answer for ``call`` if this policy were the only one:
    ``{"decision", "violations", "applies", "outcome"}``. Monitor violations are not in
    ``violations`` (as on ``/check``) but ``outcome`` shows them with the reason. Records
    nothing; a budget cap is compared against its window's current spend, read-only."""
    policy = (
        definition
        if isinstance(definition, ActivePolicy)
        else policy_draft(organisation=organisation, definition=definition)
    )
    sample = call if isinstance(call, SampleCall) else sample_call(call)
    agent_id = (
        Agent.objects.filter(organisation=organisation, name=sample.agent)
        .values_list("pk", flat=True)
        .first()
    )
    applies = policy.applies_to(agent_id=agent_id or 0, tool=sample.tool) and policy.runs_in(
        sample.phase
    )
    if not applies:
        return {"decision": Decision.ALLOW, "violations": [], "applies": False, "outcome": None}
    now = timezone.now()
    the_call = Call(
        agent=sample.agent, tool=sample.tool, phase=sample.phase, input=sample.input,
        output=sample.output, context=sample.context, now=now,
    )  # fmt: skip
    scan = Scan(the_call, judge=judge)
    if policy.type == PolicyType.BUDGET_CAP:
        outcome = _budget_outcome(
            policy, the_call, scan, _budget_spent(organisation, policy, the_call)
        )
    else:
        outcome = evaluate_one(policy, the_call, scan)
    return {
        "decision": combine([outcome]),
        "violations": [outcome.wire()] if outcome.counts else [],
        "applies": True,
        "outcome": outcome.ledger(),
    }


# --- the dry-run over the ledger -------------------------------------------------------------

Progress = Callable[[int, int], None]


def _kinds(policy: ActivePolicy) -> list[str]:
    if policy.phase == Phase.BOTH:
        return ["decision", "output_decision"]
    return ["output_decision"] if policy.phase == Phase.OUTPUT else ["decision"]


def _recorded(organisation: Organisation, kinds: list[str], since):
    return LedgerEntry.objects.filter(
        organisation=organisation, kind__in=kinds, occurred_at__gte=since
    )


def dry_run_size(*, organisation: Organisation, policy: ActivePolicy, days: int) -> int:
    since = timezone.now() - timedelta(days=days)
    return _recorded(organisation, _kinds(policy), since).count()


class _Replayer:
    """One policy over recorded calls, in ledger order; budget caps count their own simulated
    reservations per window (starting from nothing spent)."""

    def __init__(self, policy: ActivePolicy):
        self.policy = policy
        self.spent: dict[tuple[str, Any], Decimal] = defaultdict(Decimal)

    def decide(self, agent_id: int | None, call: Call) -> str:
        policy = self.policy
        if not policy.applies_to(agent_id=agent_id or 0, tool=call.tool) or not policy.runs_in(
            call.phase
        ):
            return Decision.ALLOW
        scan = Scan(call)
        if policy.type != PolicyType.BUDGET_CAP:
            return combine([evaluate_one(policy, call, scan)])
        try:
            config = policy.config()
            key = (
                budget_cap.scope_key(config, call),
                budget_cap.period_window(config, call.now)[0],
            )
        except Exception:  # noqa: BLE001 - invalid stored settings fail closed, as on /check
            return combine([evaluate_one(policy, call, scan)])
        outcome = _budget_outcome(policy, call, scan, self.spent[key])
        decision = combine([outcome])
        if decision != Decision.BLOCK:
            self.spent[key] += budget_cap.reservation_amount(config, call)
        return decision


def _payload(text: str) -> dict:
    data = json.loads(text)
    if chain.is_redacted(text):
        return data.get("remaining") or {}
    return data


def _context(client_text: str) -> dict:
    try:
        context = json.loads(client_text).get("context")
    except (ValueError, AttributeError):
        return {}
    return context if isinstance(context, dict) else {}


def policy_dry_run(
    *,
    organisation: Organisation,
    definition: Mapping[str, Any] | ActivePolicy,
    days: int = 30,
    progress: Progress | None = None,
    baseline: ActivePolicy | None = None,
) -> dict[str, Any]:
    """Replay a policy over the organisation's recorded calls (ledger decision entries, and
    output-decision entries for output-phase policies) of the last ``days`` days.

    Returns counts by decision per agent and tool, with up to 20 examples (trace ids) each;
    with a ``baseline`` (the current version of an edited policy), also what changes: calls
    the new version would newly block / pause / warn that the baseline lets through further.
    Read-only: it never writes to the ledger, approvals or budgets."""
    policy = (
        definition
        if isinstance(definition, ActivePolicy)
        else policy_draft(organisation=organisation, definition=definition)
    )
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": [f"A whole number of days from 1 to {MAX_DAYS}."]})
    since = timezone.now() - timedelta(days=days)
    kinds = sorted(set(_kinds(policy)) | set(_kinds(baseline) if baseline else ()))
    rows = _recorded(organisation, kinds, since)
    total = rows.count()
    new, old = _Replayer(policy), (_Replayer(baseline) if baseline else None)
    totals = {d: 0 for d in (Decision.ALLOW, *FLAGGED)}
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    change = {"newly": {d: 0 for d in FLAGGED}, "no_longer": {d: 0 for d in FLAGGED}}
    change_examples: dict[str, list[dict[str, Any]]] = defaultdict(list)
    done = 0
    if progress:
        progress(0, total)
    values = rows.order_by("seq").values_list(
        "trace_id", "seq", "kind", "agent_id", "agent_name", "tool", "payload", "client",
        "occurred_at",
    )  # fmt: skip
    for (
        trace_id,
        seq,
        kind,
        agent_id,
        agent_name,
        tool,
        payload,
        client,
        occurred_at,
    ) in values.iterator(chunk_size=CHUNK):
        data = _payload(payload)
        phase = Phase.OUTPUT if kind == "output_decision" else Phase.INPUT
        call = Call(
            agent=agent_name or "", tool=tool, phase=phase, input=data.get("input"),
            output=data.get("output"), context=_context(client), now=occurred_at,
        )  # fmt: skip
        decision = new.decide(agent_id, call)
        totals[decision] += 1
        example = None
        if decision != Decision.ALLOW:
            group = groups.get((call.agent, tool))
            if group is None:
                group = groups[(call.agent, tool)] = {
                    "agent": call.agent, "tool": tool, **{d: 0 for d in FLAGGED}, "example_traces": [],
                }  # fmt: skip
            group[decision] += 1
            if len(group["example_traces"]) < MAX_EXAMPLES:
                example = {"trace_id": str(trace_id), "seq": seq, "decision": decision}
                group["example_traces"].append(example)
        if old is not None:
            before = old.decide(agent_id, call)
            if before != decision:
                if _RANK[decision] > _RANK[before]:
                    key, which = f"newly_{decision}", change["newly"]
                    which[decision] += 1
                else:
                    key, which = f"no_longer_{before}", change["no_longer"]
                    which[before] += 1
                if len(change_examples[key]) < MAX_EXAMPLES:
                    change_examples[key].append(
                        {"trace_id": str(trace_id), "seq": seq, "before": before, "after": decision}
                    )
        done += 1
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
    if progress:
        progress(done, max(total, done))
    by_agent_tool = sorted(
        groups.values(),
        key=lambda g: (-g[Decision.BLOCK], -g[Decision.REQUIRE_APPROVAL], -g[Decision.WARN],
                       g["agent"], g["tool"]),
    )  # fmt: skip
    result: dict[str, Any] = {
        "days": days,
        "since": since.isoformat(),
        "scanned": done,
        "totals": totals,
        "by_agent_tool": by_agent_tool,
    }
    if old is not None:
        result["diff"] = {
            **change,
            "example_traces": dict(change_examples),
            "summary": diff_summary(change),
        }
    return result


def diff_summary(change: Mapping[str, Mapping[str, int]]) -> str:
    """'would newly block 37 calls that the current version allows; ...' in plain English."""
    words = {Decision.BLOCK: "block", Decision.REQUIRE_APPROVAL: "pause for approval",
             Decision.WARN: "warn on"}  # fmt: skip
    parts = []
    for decision in FLAGGED:
        n = change["newly"][decision]
        if n:
            parts.append(
                f"would newly {words[decision]} {n} call{'s' if n != 1 else ''} "
                "that the current version treats more leniently"
            )
    for decision in FLAGGED:
        n = change["no_longer"][decision]
        if n:
            parts.append(
                f"would no longer {words[decision]} {n} call{'s' if n != 1 else ''} "
                "that the current version does"
            )
    return "; ".join(parts) or "no recorded call would be decided differently"


def policy_dry_run_diff(
    *, organisation: Organisation, policy: Policy, definition: Mapping[str, Any], days: int = 30,
    progress: Progress | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The dry-run of an edited version (``definition``) against the stored ``policy``."""
    baseline = policy_existing(organisation=organisation, policy_id=policy.pk)
    draft = policy_draft(organisation=organisation, definition=definition, policy_id=policy.pk)
    return policy_dry_run(
        organisation=organisation, definition=draft, days=days, progress=progress,
        baseline=baseline,
    )  # fmt: skip


# --- as a task, with progress ----------------------------------------------------------------


def _as_definition(policy: ActivePolicy, agents: list[str]) -> dict[str, Any]:
    return {
        "name": policy.name, "type": policy.type, "mode": policy.mode, "phase": policy.phase,
        "tool_patterns": list(policy.tool_patterns), "agents": agents,
        "threshold": dict(policy.threshold),
    }  # fmt: skip


def dry_run_start(
    *,
    organisation: Organisation,
    policy: ActivePolicy,
    days: int,
    baseline_id: int | None = None,
) -> DryRun:
    """Queue the dry-run as a django-q2 task; poll the returned row (``dry_run_get``)."""
    names = list(
        Agent.objects.filter(organisation=organisation, pk__in=policy.agent_ids).values_list(
            "name", flat=True
        )
    )
    run = DryRun.objects.create(
        id=uuid.uuid4(),
        organisation=organisation,
        definition=_as_definition(policy, names),
        baseline_id=baseline_id,
        days=days,
    )
    async_task("policies.tasks.dry_run", str(run.pk))
    run.refresh_from_db()
    return run


def dry_run_execute(*, run_id: Any) -> None:
    """The task body: replay, writing progress to the row every 20,000 calls."""
    run = DryRun.objects.select_related("organisation").filter(pk=run_id).first()
    if run is None or run.status in (DryRunStatus.DONE, DryRunStatus.FAILED):
        return
    organisation = run.organisation

    def progress(done: int, total: int) -> None:
        DryRun.objects.filter(pk=run.pk).update(
            status=DryRunStatus.RUNNING, done=done, total=total, updated_at=timezone.now()
        )

    try:
        baseline = (
            policy_existing(organisation=organisation, policy_id=run.baseline_id)
            if run.baseline_id
            else None
        )
        policy = policy_draft(
            organisation=organisation, definition=run.definition, policy_id=run.baseline_id
        )
        result = policy_dry_run(
            organisation=organisation, definition=policy, days=run.days, progress=progress,
            baseline=baseline,
        )  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - recorded on the row for the poller
        DryRun.objects.filter(pk=run.pk).update(
            status=DryRunStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000],
            updated_at=timezone.now(),
        )  # fmt: skip
        raise
    DryRun.objects.filter(pk=run.pk).update(
        status=DryRunStatus.DONE, result=result, done=result["scanned"],
        total=result["scanned"], updated_at=timezone.now(),
    )  # fmt: skip


def dry_run_get(*, organisation: Organisation, run_id: Any) -> DryRun | None:
    try:
        pk = uuid.UUID(str(run_id))
    except ValueError:
        return None
    return DryRun.objects.filter(organisation=organisation, pk=pk).first()


def dry_run_wire(run: DryRun) -> dict[str, Any]:
    return {
        "task": str(run.pk),
        "status": run.status,
        "done": run.done,
        "total": run.total,
        "progress": round(run.done / run.total, 4) if run.total else 0.0,
        "result": run.result,
        "error": run.error,
    }
