"""Every write to policies and budgets.

Policy changes validate the threshold per type, bump the organisation's
``policy_version`` with ``F()`` in the same transaction (so every process's policy cache
reloads on its next check) and write an audit row with before/after.
Budget reservations are taken by the decision service (``checks.services``);
``budget_reconcile_many`` is called by ``checks.tasks`` when ingested traces report their cost.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from governance.audit import AuditAction
from governance.exceptions import ConflictError, shown
from governance.models import Agent, Organisation
from governance.services import Actor, audit_log_write, require_capability
from policies.call import Call
from policies.evaluators import budget_cap
from policies.evaluators.base import glob_match_any
from policies.models import BudgetReservation, BudgetWindow, Policy, ReservationStatus
from policies.thresholds import ThresholdError, clean_policy_config, parse_settings
from policies.types import Mode, PolicyType, default_phase, supported_phases

User = get_user_model()
POLICY_FIELDS = [
    "name",
    "description",
    "type",
    "mode",
    "tool_patterns",
    "phase",
    "threshold",
    "enabled",
]
MAX_TOOL_PATTERNS = 100
_TOOL_PATTERN = re.compile(r"^[A-Za-z0-9_.*?\-:/\[\]!]{1,200}$")
_UNSET: Any = object()


def policy_snapshot(policy: Policy) -> dict[str, Any]:
    data = {field: getattr(policy, field) for field in POLICY_FIELDS}
    data["agents"] = sorted(a.name for a in policy.agents.all()) if policy.pk else []
    data["version"] = policy.version
    return data


def _bump_policy_version(organisation: Organisation) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(policy_version=F("policy_version") + 1)
    organisation.refresh_from_db(fields=["policy_version"])


def _resolve_agents(organisation: Organisation, agents: Iterable[Agent | str]) -> list[Agent]:
    resolved: list[Agent] = []
    names: list[str] = []
    for item in agents:
        if isinstance(item, Agent):
            if item.organisation_id != organisation.pk:
                raise ValidationError({"agents": [f"Unknown agent {item.name!r}."]})
            resolved.append(item)
        elif isinstance(item, str) and item.strip():
            names.append(item.strip())
        else:
            raise ValidationError({"agents": ["Give agent names (strings)."]})
    if names:
        found = {a.name: a for a in Agent.objects.filter(organisation=organisation, name__in=names)}
        missing = [n for n in names if n not in found]
        if missing:
            raise ValidationError({"agents": [f"Unknown agent {name!r}." for name in missing]})
        resolved.extend(found[n] for n in names)
    unique: dict[int, Agent] = {a.pk: a for a in resolved}
    return list(unique.values())


def _clean_tool_patterns(patterns: Any) -> list[str]:
    if patterns is None:
        return []
    if not isinstance(patterns, list | tuple):
        raise ValidationError({"tools": ["Must be a list of tool name patterns."]})
    if len(patterns) > MAX_TOOL_PATTERNS:
        raise ValidationError({"tools": [f"At most {MAX_TOOL_PATTERNS} patterns."]})
    cleaned: list[str] = []
    for i, pattern in enumerate(patterns):
        if not isinstance(pattern, str) or not _TOOL_PATTERN.match(pattern.strip()):
            what = f"{shown(pattern)} is not" if isinstance(pattern, str) else "Not"
            raise ValidationError(
                {
                    f"tools[{i}]": [
                        f"{what} a tool pattern: use letters, digits, '.', '_', '-' and the "
                        "wildcards '*' and '?'."
                    ]
                }
            )
        if pattern.strip() not in cleaned:
            cleaned.append(pattern.strip())
    return cleaned


def _validate(policy: Policy) -> None:
    """Field checks shared by create and update; raises ValidationError naming fields."""
    errors: dict[str, list[str]] = {}
    policy.name = (policy.name or "").strip()
    if not policy.name:
        errors["name"] = ["This field is required."]
    elif len(policy.name) > 200:
        errors["name"] = ["At most 200 characters."]
    if policy.mode not in Mode.values:
        errors["mode"] = [f"Choose one of {', '.join(Mode.values)}."]
    if not isinstance(policy.enabled, bool):
        errors["enabled"] = ["Must be true or false."]
    if policy.type not in PolicyType.values:
        errors["type"] = [f"Choose one of {', '.join(PolicyType.values)}."]
    else:
        try:
            policy.threshold = clean_policy_config(policy.type, policy.phase, policy.threshold)
        except ThresholdError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)


def _save(policy: Policy) -> None:
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError:
        raise ConflictError({"name": [f"A policy named {policy.name!r} already exists."]}) from None


def policy_draft_clean(
    *,
    organisation: Organisation,
    type: str,
    name: str = "draft",
    threshold: dict[str, Any] | None = None,
    mode: str = Mode.BLOCK,
    description: str = "",
    agents: Iterable[Agent | str] = (),
    tool_patterns: list[str] | None = None,
    phase: str | None = None,
    enabled: bool = True,
) -> tuple[Policy, list[Agent]]:
    """Validate a policy definition exactly as ``policy_create`` does (it is its first step),
    without saving it.

    Returns the unsaved policy (threshold cleaned) and its resolved agents; raises
    ``ValidationError`` naming the fields. Used to test or dry-run a draft (policies.testing).
    """
    policy = Policy(
        organisation=organisation,
        name=name,
        description=description or "",
        type=type,
        mode=mode,
        phase=phase or (default_phase(type) if type in PolicyType.values else "input"),
        threshold=threshold if threshold is not None else {},
        enabled=enabled,
        tool_patterns=_clean_tool_patterns(tool_patterns),
    )
    _validate(policy)
    return policy, _resolve_agents(organisation, agents)


@transaction.atomic
def policy_create(
    *,
    organisation: Organisation,
    actor: Actor,
    name: str,
    type: str,
    threshold: dict[str, Any] | None = None,
    mode: str = Mode.BLOCK,
    description: str = "",
    agents: Iterable[Agent | str] = (),
    tool_patterns: list[str] | None = None,
    phase: str | None = None,
    enabled: bool = True,
) -> Policy:
    require_capability(actor=actor, organisation=organisation, capability="policies.manage")
    policy, resolved = policy_draft_clean(
        organisation=organisation,
        type=type,
        name=name,
        threshold=threshold,
        mode=mode,
        description=description,
        agents=agents,
        tool_patterns=tool_patterns,
        phase=phase,
        enabled=enabled,
    )
    policy.created_by = actor if isinstance(actor, User) else None
    _save(policy)
    policy.agents.set(resolved)
    _bump_policy_version(organisation)
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.POLICY_CREATED,
        obj=policy,
        after=policy_snapshot(policy),
    )
    return policy


@transaction.atomic
def policy_update(
    *,
    policy: Policy,
    actor: Actor,
    name: str = _UNSET,
    description: str = _UNSET,
    type: str = _UNSET,
    mode: str = _UNSET,
    agents: Iterable[Agent | str] = _UNSET,
    tool_patterns: list[str] = _UNSET,
    phase: str = _UNSET,
    threshold: dict[str, Any] = _UNSET,
    enabled: bool = _UNSET,
) -> Policy:
    organisation = policy.organisation
    require_capability(actor=actor, organisation=organisation, capability="policies.manage")
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    before = policy_snapshot(policy)
    changes = {
        "name": name, "description": description, "type": type, "mode": mode, "phase": phase,
        "threshold": threshold, "enabled": enabled,
    }  # fmt: skip
    for field, value in changes.items():
        if value is not _UNSET:
            setattr(policy, field, value if field != "description" else (value or ""))
    moved_type = type is not _UNSET and phase is _UNSET and type in PolicyType.values
    if moved_type and policy.phase not in supported_phases(type):
        policy.phase = default_phase(type)
    if tool_patterns is not _UNSET:
        policy.tool_patterns = _clean_tool_patterns(tool_patterns)
    _validate(policy)
    resolved = _resolve_agents(organisation, agents) if agents is not _UNSET else None
    if resolved is not None:
        policy.agents.set(resolved)
    after_preview = {**policy_snapshot(policy), "version": policy.version}
    if {k: v for k, v in after_preview.items() if k != "version"} == {
        k: v for k, v in before.items() if k != "version"
    }:
        return policy  # nothing changed: no new version, no audit noise
    policy.version = F("version") + 1
    policy.updated_at = timezone.now()
    _save(policy)
    policy.refresh_from_db()
    _bump_policy_version(organisation)
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.POLICY_UPDATED,
        obj=policy,
        before=before,
        after=policy_snapshot(policy),
    )
    return policy


@transaction.atomic
def policy_delete(*, policy: Policy, actor: Actor) -> None:
    organisation = policy.organisation
    require_capability(actor=actor, organisation=organisation, capability="policies.manage")
    before = policy_snapshot(policy)
    object_id, object_repr = str(policy.pk), str(policy)
    policy.delete()
    _bump_policy_version(organisation)
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.POLICY_DELETED,
        object_type="policies.policy",
        object_id=object_id,
        object_repr=object_repr,
        before=before,
    )


# --- budgets ---------------------------------------------------------------------------------


def budget_window_lock(
    *, organisation: Organisation, policy_id: int, config: budget_cap.BudgetCapSettings, call: Call
) -> BudgetWindow:
    """The window row for this policy, scope and period, locked until the transaction ends.

    ``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite has no row locks, but its transactions
    start ``IMMEDIATE`` (settings), so writers are serialised for the whole transaction.
    """
    start, end = budget_cap.period_window(config, call.now)
    scope_key = budget_cap.scope_key(config, call)
    window, _ = BudgetWindow.objects.get_or_create(
        policy_id=policy_id,
        scope_key=scope_key,
        window_start=start,
        defaults={
            "organisation": organisation,
            "window_end": end,
            "cap": config.amount,
        },
    )
    return BudgetWindow.objects.select_for_update().get(pk=window.pk)


def budget_reserve(
    *, window: BudgetWindow, trace_id: uuid.UUID, agent: Agent | None, amount: Decimal
) -> bool:
    """Reserve ``amount`` on a locked window for a trace; ``False`` if already reserved."""
    reservation, created = BudgetReservation.objects.get_or_create(
        window=window,
        trace_id=trace_id,
        defaults={"organisation_id": window.organisation_id, "agent": agent, "amount": amount},
    )
    if created and amount:
        BudgetWindow.objects.filter(pk=window.pk).update(reserved=F("reserved") + amount)
    return created


def _matching_budget_policies(
    organisation: Organisation, agent: Agent | None, tool: str | None
) -> list[Policy]:
    policies = Policy.objects.filter(
        organisation=organisation, enabled=True, type=PolicyType.BUDGET_CAP
    ).prefetch_related("agents")
    return _policies_matching(policies, agent, tool)


def _policies_matching(
    policies: Iterable[Policy], agent: Agent | None, tool: str | None
) -> list[Policy]:
    """The budget policies (agents prefetched) whose scope covers this agent and tool."""
    matching = []
    for p in policies:
        agent_ids = {a.pk for a in p.agents.all()}
        if agent_ids and (agent is None or agent.pk not in agent_ids):
            continue
        if p.tool_patterns and (tool is None or not glob_match_any(tool, p.tool_patterns)):
            continue
        matching.append(p)
    return matching


@transaction.atomic
def budget_reconcile(
    *,
    organisation: Organisation,
    trace_id: uuid.UUID | str,
    agent: Agent | None,
    cost: Decimal | float | str,
    tool: str | None = None,
) -> int:
    """Replace a trace's reserved estimate with its reported cost; returns windows touched.

    A trace that reserved nothing (no check, or a check before the policy existed) is
    counted against the matching budget windows of the current period. Idempotent: a
    reconciled trace is not counted twice. Without ``tool``, only budgets that apply to
    every tool count an unreserved trace.
    """
    trace_id = trace_id if isinstance(trace_id, uuid.UUID) else uuid.UUID(str(trace_id))
    actual = Decimal(str(cost))
    now = timezone.now()
    touched, reserved_policies = _settle_reservations(
        organisation=organisation, trace_id=trace_id, actual=actual, now=now
    )
    for policy in _matching_budget_policies(organisation, agent, tool):
        if policy.pk in reserved_policies:
            continue
        call = Call(agent=agent.name if agent else "", tool=tool or "", now=now)
        try:
            config = parse_settings(policy.type, policy.threshold)
        except ThresholdError:
            continue  # stored settings that no longer validate: its checks fail closed anyway
        window = budget_window_lock(
            organisation=organisation, policy_id=policy.pk, config=config, call=call
        )
        reservation, created = BudgetReservation.objects.get_or_create(
            window=window,
            trace_id=trace_id,
            defaults={
                "organisation": organisation, "agent": agent, "amount": Decimal(0), "actual": actual,
                "status": ReservationStatus.RECONCILED, "reconciled_at": now,
            },
        )  # fmt: skip
        if created:
            BudgetWindow.objects.filter(pk=window.pk).update(spent=F("spent") + actual)
            touched += 1
    return touched


@transaction.atomic
def budget_release(*, organisation: Organisation, trace_id: uuid.UUID | str) -> int:
    """Give back what a call reserved when it will not run (its approval was denied, expired or
    cancelled): reconciled at a cost of 0, so a trace arriving later counts nothing twice.
    Returns the reservations released."""
    trace_id = trace_id if isinstance(trace_id, uuid.UUID) else uuid.UUID(str(trace_id))
    released, _ = _settle_reservations(
        organisation=organisation, trace_id=trace_id, actual=Decimal(0), now=timezone.now()
    )
    return released


def _settle_reservations(
    *, organisation: Organisation, trace_id: uuid.UUID, actual: Decimal, now
) -> tuple[int, set[int]]:
    """Each reservation of the trace not yet reconciled, under its window's lock: the estimate
    taken off the window's ``reserved``, ``actual`` added to its ``spent``. Returns how many
    were settled and the budget policies the trace had reserved against (settled or not)."""
    settled, reserved_policies = 0, set()
    for reservation in BudgetReservation.objects.filter(
        organisation=organisation, trace_id=trace_id
    ).order_by("window_id"):
        window = BudgetWindow.objects.select_for_update().get(pk=reservation.window_id)
        reserved_policies.add(window.policy_id)
        fresh = BudgetReservation.objects.get(pk=reservation.pk)
        if fresh.status == ReservationStatus.RECONCILED:
            continue
        BudgetWindow.objects.filter(pk=window.pk).update(
            reserved=F("reserved") - fresh.amount, spent=F("spent") + actual
        )
        BudgetReservation.objects.filter(pk=fresh.pk).update(
            actual=actual, status=ReservationStatus.RECONCILED, reconciled_at=now
        )
        settled += 1
    return settled, reserved_policies


@transaction.atomic
def budget_reconcile_many(*, organisation: Organisation, items: list[dict[str, Any]]) -> int:
    """``budget_reconcile`` for a batch of traces (``trace_id``, ``agent``, ``tool``, ``cost``);
    returns the reservations reconciled or created.

    Set-based, so budgets keep up with bulk ingestion: each budget window is locked and updated
    once per batch (one UPDATE, one bulk write of its reservations), not once per trace.
    Organisations without budgets and traces without reservations cost two queries per batch.
    Idempotent like ``budget_reconcile``: a reconciled trace is never counted twice."""
    costs: dict[uuid.UUID, tuple[Agent | None, str | None, Decimal]] = {}
    for item in items:
        trace_id = item["trace_id"]
        trace_id = trace_id if isinstance(trace_id, uuid.UUID) else uuid.UUID(str(trace_id))
        costs.setdefault(
            trace_id, (item.get("agent"), item.get("tool"), Decimal(str(item["cost"])))
        )
    if not costs:
        return 0
    policies = list(
        Policy.objects.filter(
            organisation=organisation, type=PolicyType.BUDGET_CAP, enabled=True
        ).prefetch_related("agents")
    )
    reserved = list(
        BudgetReservation.objects.filter(organisation=organisation, trace_id__in=list(costs))
        .values_list("window_id", "pk")
    )  # fmt: skip
    if not policies and not reserved:
        return 0
    now = timezone.now()
    touched = 0
    reserved_policies: dict[uuid.UUID, set[int]] = {}

    # Traces that reserved an estimate at check time: swap each estimate for the reported cost.
    by_window: dict[int, list[int]] = {}
    for window_id, pk in reserved:
        by_window.setdefault(window_id, []).append(pk)
    for window_id in sorted(by_window):  # one lock order for every reconciler
        window = BudgetWindow.objects.select_for_update().get(pk=window_id)
        rows = list(BudgetReservation.objects.filter(pk__in=by_window[window_id]))
        for row in rows:
            reserved_policies.setdefault(row.trace_id, set()).add(window.policy_id)
        pending = [r for r in rows if r.status != ReservationStatus.RECONCILED]
        if not pending:
            continue
        for row in pending:
            row.actual, row.status, row.reconciled_at = (
                costs[row.trace_id][2], ReservationStatus.RECONCILED, now,
            )  # fmt: skip
        BudgetReservation.objects.bulk_update(pending, ["actual", "status", "reconciled_at"])
        BudgetWindow.objects.filter(pk=window_id).update(
            reserved=F("reserved") - sum(r.amount for r in pending),
            spent=F("spent") + sum(r.actual for r in pending),
        )
        touched += len(pending)

    # Traces that reserved nothing count against the matching windows of the current period.
    matching: dict[tuple[int | None, str | None], list[Policy]] = {}
    groups: dict[tuple[int, str, Any], list[uuid.UUID]] = {}
    configs: dict[int, budget_cap.BudgetCapSettings | None] = {}
    calls: dict[tuple[int, str, Any], Call] = {}
    for trace_id, (agent, tool, _cost) in costs.items():
        key = (agent.pk if agent else None, tool)
        if key not in matching:
            matching[key] = _policies_matching(policies, agent, tool)
        for policy in matching[key]:
            if policy.pk in reserved_policies.get(trace_id, ()):
                continue
            if policy.pk not in configs:
                try:
                    configs[policy.pk] = parse_settings(policy.type, policy.threshold)
                except ThresholdError:
                    configs[policy.pk] = None  # no longer validates: its checks fail closed
            config = configs[policy.pk]
            if config is None:
                continue
            call = Call(agent=agent.name if agent else "", tool=tool or "", now=now)
            window_key = (
                policy.pk, budget_cap.scope_key(config, call),
                budget_cap.period_window(config, now)[0],
            )  # fmt: skip
            calls.setdefault(window_key, call)
            groups.setdefault(window_key, []).append(trace_id)
    for window_key in sorted(groups, key=lambda k: (k[0], k[1])):
        policy_id = window_key[0]
        window = budget_window_lock(
            organisation=organisation, policy_id=policy_id, config=configs[policy_id],
            call=calls[window_key],
        )  # fmt: skip
        trace_ids = groups[window_key]
        counted = set(
            BudgetReservation.objects.filter(window=window, trace_id__in=trace_ids)
            .values_list("trace_id", flat=True)
        )  # fmt: skip
        new = [
            BudgetReservation(
                window=window, organisation=organisation, trace_id=t, agent=costs[t][0],
                amount=Decimal(0), actual=costs[t][2], status=ReservationStatus.RECONCILED,
                reconciled_at=now,
            )
            for t in dict.fromkeys(trace_ids) if t not in counted
        ]  # fmt: skip
        if not new:
            continue
        BudgetReservation.objects.bulk_create(new)
        BudgetWindow.objects.filter(pk=window.pk).update(
            spent=F("spent") + sum(r.actual for r in new)
        )
        touched += len(new)
    return touched
