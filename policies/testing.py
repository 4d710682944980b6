"""Test a policy before enabling it, and replay it over the ledger (issue 13).

``policy_test`` answers what ``/api/v1/check`` would decide for one sample call if this policy
were the organisation's only one; ``policy_dry_run`` replays a draft or existing policy over the
organisation's recorded calls of the last N days. Both use the decision's own code
(``policies.evaluation``: scope, phase, evaluators, ``combine``) and record nothing: no ledger
entry, no approval, no budget reservation.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone
from django_q.exceptions import TimeoutException
from django_q.tasks import async_task

from governance.models import Agent, Organisation
from policies import replay, services
from policies.call import Call, Scan, to_decimal
from policies.evaluation import combine, evaluate_one
from policies.evaluators import budget_cap
from policies.models import BudgetWindow, DryRun, DryRunStatus, Policy
from policies.replay import budget_outcome
from policies.selectors import ActivePolicy, active_snapshot
from policies.thresholds import parse_settings
from policies.types import Decision, Phase, PolicyType

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
MAX_DAYS = 3660
# A part of a task run replays at most this many calls (well inside the task timeout).
PART_MAX = 500_000


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
    definition["name"] = definition.get("name") or "draft"  # a draft need not be named
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
        outcome = budget_outcome(
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

Progress = replay.Progress


def _since(days: Any):
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": [f"A whole number of days from 1 to {MAX_DAYS}."]})
    return timezone.now() - timedelta(days=days)


def dry_run_size(*, organisation: Organisation, policy: ActivePolicy, days: int) -> int:
    return replay.window(organisation, [policy], _since(days)).count()


def runs_as_task(size: int) -> bool:
    """Too many recorded calls to answer within the request: the API and the wizard start
    ``dry_run_start`` instead (``POLICY_DRY_RUN_INLINE_MAX``)."""
    return size > settings.POLICY_DRY_RUN_INLINE_MAX


def policy_dry_run(
    *,
    organisation: Organisation,
    definition: Mapping[str, Any] | ActivePolicy,
    days: int = 30,
    progress: Progress | None = None,
    baseline: ActivePolicy | None = None,
) -> dict[str, Any]:
    """Replay a policy over the organisation's recorded calls (ledger decision entries, and
    output-decision entries for output-phase policies) of the last ``days`` days, in one pass.

    Returns counts by decision per agent and tool, with up to 20 examples (trace ids) each;
    with a ``baseline`` (the current version of an edited policy), also what changes: calls
    the new version would newly block / pause / warn that the baseline lets through further.
    Read-only: it never writes to the ledger, approvals or budgets."""
    policy = (
        definition
        if isinstance(definition, ActivePolicy)
        else policy_draft(organisation=organisation, definition=definition)
    )
    since = _since(days)
    part = replay.replay(
        organisation=organisation, policy=policy, baseline=baseline, since=since,
        progress=progress,
    )  # fmt: skip
    return replay.merge(organisation, [part], days=days, since=since)


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


# --- as django-q2 tasks, with progress -------------------------------------------------------
#
# A large run is split by ``seq`` range into one task per worker, or more so that none replays
# over PART_MAX calls, each at least ``POLICY_DRY_RUN_PART_MIN``. Each part writes its progress
# and then its partial result to the run's row under the row's lock; the part that completes
# the set merges them (``replay.merge``: the same result as one pass). A budget cap needs the
# calls in order: one part.


def _as_definition(policy: ActivePolicy, agents: list[str]) -> dict[str, Any]:
    return {
        "name": policy.name, "type": policy.type, "mode": policy.mode, "phase": policy.phase,
        "tool_patterns": list(policy.tool_patterns), "agents": agents,
        "threshold": dict(policy.threshold),
    }  # fmt: skip


def _split(lo: int | None, hi: int | None, size: int, workers: int) -> list[tuple[int, int]]:
    """Consecutive seq ranges covering [lo, hi]: one per worker, more for a run too large
    for that, fewer for a small one."""
    if lo is None or hi is None:
        return [(0, 0)]
    pieces = max(workers, -(-size // PART_MAX))
    pieces = max(1, min(pieces, size // settings.POLICY_DRY_RUN_PART_MIN, hi - lo + 1))
    width = -(-(hi - lo + 1) // pieces)
    return [(start, min(hi, start + width - 1)) for start in range(lo, hi + 1, width)]


def dry_run_start(
    *,
    organisation: Organisation,
    policy: ActivePolicy,
    days: int,
    baseline_id: int | None = None,
) -> DryRun:
    """Queue the dry-run as django-q2 tasks; poll the returned row (``dry_run_get``)."""
    names = list(
        Agent.objects.filter(organisation=organisation, pk__in=policy.agent_ids).values_list(
            "name", flat=True
        )
    )
    baseline = (
        policy_existing(organisation=organisation, policy_id=baseline_id) if baseline_id else None
    )
    policies = [policy] + ([baseline] if baseline else [])
    since = _since(days)
    stats = replay.window(organisation, policies, since).aggregate(
        n=Count("pk"), lo=Min("seq"), hi=Max("seq")
    )
    pieces = 1 if replay.sequential(policies) else settings.Q_CLUSTER.get("workers", 1)
    ranges = _split(stats["lo"], stats["hi"], stats["n"], pieces)
    run = DryRun.objects.create(
        id=uuid.uuid4(),
        organisation=organisation,
        definition=_as_definition(policy, names),
        baseline_id=baseline_id,
        days=days,
        since=since,
        total=stats["n"],
        parts=[{"from": lo, "to": hi, "done": 0, "result": None} for lo, hi in ranges],
    )
    for part in range(len(ranges)):
        async_task("policies.tasks.dry_run", str(run.pk), part)
    run.refresh_from_db()
    return run


def _update(run_id: Any, part: int, change: Callable[[DryRun, dict[str, Any]], None]) -> None:
    """Apply ``change`` to the run and its part under the row's lock (parts run at once)."""
    with transaction.atomic():
        run = DryRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status in (DryRunStatus.DONE, DryRunStatus.FAILED):
            return
        change(run, run.parts[part])
        run.updated_at = timezone.now()
        run.save(update_fields=["status", "done", "total", "parts", "result", "updated_at"])


def dry_run_execute(*, run_id: Any, part: int = 0) -> None:
    """A task body: replay one part, writing its progress every 20,000 calls, then its
    partial result; the last part to finish merges them into the run's result."""
    run = DryRun.objects.select_related("organisation").filter(pk=run_id).first()
    if run is None or run.status in (DryRunStatus.DONE, DryRunStatus.FAILED):
        return
    if not run.parts:  # queued before runs had parts: one part, the whole window
        DryRun.objects.filter(pk=run.pk).update(
            parts=[{"from": None, "to": None, "done": 0, "result": None}]
        )
    organisation = run.organisation
    since = run.since or run.created_at - timedelta(days=run.days)
    spec = run.parts[part] if run.parts else {"to": None}
    seq_range = (spec["from"], spec["to"]) if spec["to"] is not None else None

    def running(done: int, total: int) -> None:
        def change(row: DryRun, mine: dict[str, Any]) -> None:
            mine["done"] = done
            row.status = DryRunStatus.RUNNING
            row.done = sum(p["done"] for p in row.parts)
            if len(row.parts) == 1:
                row.total = total

        _update(run.pk, part, change)

    def finished(partial: dict[str, Any]) -> None:
        def change(row: DryRun, mine: dict[str, Any]) -> None:
            mine.update(done=partial["scanned"], result=partial)
            row.done = sum(p["done"] for p in row.parts)
            if all(p["result"] is not None for p in row.parts):
                row.result = replay.merge(
                    organisation, [p["result"] for p in row.parts], days=row.days, since=since
                )
                row.status = DryRunStatus.DONE
                row.done = row.total = row.result["scanned"]
                for p in row.parts:
                    p["result"] = None  # merged; the result alone is kept

        _update(run.pk, part, change)

    try:
        baseline = (
            policy_existing(organisation=organisation, policy_id=run.baseline_id)
            if run.baseline_id
            else None
        )
        policy = policy_draft(
            organisation=organisation, definition=run.definition, policy_id=run.baseline_id
        )
        finished(
            replay.replay(
                organisation=organisation, policy=policy, baseline=baseline, since=since,
                seq_range=seq_range, progress=running,
            )
        )  # fmt: skip
    except (Exception, TimeoutException) as exc:  # recorded on the row for the poller
        # django-q2 stops a part at its timeout with TimeoutException (a SystemExit).
        if isinstance(exc, TimeoutException):
            error = f"The replay stopped: a part ran longer than the task timeout. {RETRY_HINT}"
        else:
            error = f"The replay failed: {type(exc).__name__}: {exc}"[:1900] + f" {RETRY_HINT}"
        DryRun.objects.filter(pk=run.pk, status__in=UNFINISHED).update(
            status=DryRunStatus.FAILED, error=error, updated_at=timezone.now()
        )
        raise


# --- runs that can no longer finish ------------------------------------------------------------
#
# A part killed with its worker (out of memory, a restart) writes nothing more; a run whose row
# has not moved for longer than a part may run (the task timeout) plus a margin never will.
# Polling it (API, page) and the ``policies: fail stalled dry-runs`` schedule mark it failed.

UNFINISHED = (DryRunStatus.QUEUED, DryRunStatus.RUNNING)
RETRY_HINT = "Start it again."


def _task_timeout() -> int:
    return int(settings.Q_CLUSTER.get("timeout") or 600)


def stall_after() -> timedelta:
    """How long a run's row may stay still before the run counts as stopped."""
    return timedelta(seconds=_task_timeout() + settings.POLICY_DRY_RUN_STALL_MARGIN)


def _stalled_error(status: str, after: timedelta) -> str:
    minutes = max(1, round(after.total_seconds() / 60))
    if status == DryRunStatus.QUEUED:
        return (
            f"The replay never started: no task worker took it within {minutes} min "
            f"(is manage.py qcluster running?). {RETRY_HINT}"
        )
    return (
        f"The replay stopped: a worker timed out or died (no progress for {minutes} min). "
        f"{RETRY_HINT}"
    )


def dry_run_fail_stalled(runs=None) -> int:
    """Mark failed, with the reason, the unfinished runs (of ``runs``, default all) whose row has
    not moved for ``stall_after()``. Conditional UPDATEs: a part writing meanwhile wins (its
    ``_update`` holds the row's lock and skips a failed run). Returns how many."""
    runs = DryRun.objects.all() if runs is None else runs
    after = stall_after()
    now = timezone.now()
    return sum(
        runs.filter(status=status, updated_at__lt=now - after).update(
            status=DryRunStatus.FAILED, error=_stalled_error(status, after), updated_at=now
        )
        for status in UNFINISHED
    )


def dry_run_get(*, organisation: Organisation, run_id: Any) -> DryRun | None:
    """The organisation's run, failed first if it has stalled (see above)."""
    try:
        pk = uuid.UUID(str(run_id))
    except ValueError:
        return None
    runs = DryRun.objects.filter(organisation=organisation, pk=pk)
    dry_run_fail_stalled(runs)
    return runs.first()


def dry_run_wire(run: DryRun) -> dict[str, Any]:
    return {
        "task": str(run.pk),
        "status": run.status,
        "done": run.done,
        "total": run.total,
        "progress": min(1.0, round(run.done / run.total, 4)) if run.total else 0.0,
        "result": run.result,
        "error": run.error,
    }
