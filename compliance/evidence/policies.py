"""Evidence from the organisation's policies: coverage by type, the policy programme, change history."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q

from compliance.assess import GAP, NOT_TESTED, PARTIAL, SUPPORTS, RuleResult
from compliance.catalog import MappingRule
from compliance.evidence.base import (
    ENFORCING_MODES,
    SAMPLE_ROWS,
    _names,
    _plural,
    _when,
    metric,
    table,
)
from compliance.evidence.context import EvidenceContext, over_period
from compliance.evidence.history import PolicyInfo, Snapshot
from governance.models import (
    AuditLog,
)
from policies.types import PolicyType


def type_label(policy_type: str) -> str:
    """A policy type as the console names it (the wizard's card, the admin's filter), in
    quotes: “Data restriction”, not ``data_restriction``."""
    label = PolicyType(policy_type).label if policy_type in PolicyType.values else policy_type
    return f"\u201c{label}\u201d"


def _a(phrase: str) -> str:
    """``phrase`` with its indefinite article (on the first letter inside the quotes)."""
    first = phrase.lstrip("\u201c")[:1].lower()
    return f"{'an' if first in 'aeio' else 'a'} {phrase}"


def _mode_phrase(modes: set[str]) -> str:
    order = ["block", "require_approval", "warn", "monitor"]
    labels = {
        "block": "block",
        "require_approval": "require-approval",
        "warn": "warn",
        "monitor": "monitor",
    }
    return " / ".join(labels[m] for m in order if m in modes) + " mode"


def _blocked_calls(ctx: EvidenceContext, policy_ids: list[int]) -> int:
    if not policy_ids:
        return 0
    condition = Q()
    for pid in policy_ids:
        condition |= Q(policies__contains=f"|{pid}|")
    return (
        ctx.period_entries()
        .filter(
            kind__in=["decision", "output_decision"], decision__in=["block", "require_approval"]
        )
        .filter(condition)
        .count()
    )


def collect_policy(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    """Coverage of the active agents by enabled policies of one type, in every stretch of the
    period; calls blocked or paused where they applied are counted over the period."""
    policy_type = rule.params["policy_type"]
    ever = {p.id for s in ctx.snapshots for p in s.enabled_policies(policy_type)}
    blocked = ctx.memo(f"blocked:{policy_type}", lambda: _blocked_calls(ctx, sorted(ever)))
    result = over_period(
        ctx,
        lambda snapshot: _policy_coverage(snapshot, rule, policy_type, blocked),
        what=f"{type_label(policy_type)} coverage",
    )
    return result


def _policy_coverage(
    snapshot: Snapshot, rule: MappingRule, policy_type: str, blocked: int
) -> RuleResult:
    policies = snapshot.enabled_policies(policy_type)
    active = snapshot.active_agents
    if not policies:
        disabled = [p for p in snapshot.policies if p.type == policy_type]
        extra = (
            f" ({_plural(len(disabled), 'disabled policy', 'disabled policies')} of this type)"
            if disabled
            else ""
        )
        return RuleResult(
            GAP,
            f"No {type_label(policy_type)} policy was enabled{extra}.",
            [metric(f"{type_label(policy_type)} policies enabled", 0)],
            [rule.remediation],
        )
    enforcing = [p for p in policies if p.mode in ENFORCING_MODES]
    active_ids = {a.id for a in active}

    def covered(policy_list: list[PolicyInfo]) -> set[int]:
        ids: set[int] = set()
        for p in policy_list:
            ids |= active_ids if p.agent_ids is None else (p.agent_ids & active_ids)
        return ids

    enforced_ids = covered(enforcing)
    observed_ids = covered(policies) - enforced_ids
    uncovered = [a.name for a in active if a.id not in enforced_ids and a.id not in observed_ids]
    observed_only = [a.name for a in active if a.id in observed_ids]
    names = ", ".join(f"\u201c{p.name}\u201d" for p in policies[:3]) + (
        " …" if len(policies) > 3 else ""
    )
    subject = f"{type_label(policy_type)} polic{'y' if len(policies) == 1 else 'ies'} {names}"
    total = len(active)
    modes = _mode_phrase({p.mode for p in policies})
    evidence = [
        metric(
            "Active agents enforced (block / require approval)", f"{len(enforced_ids)} of {total}"
        ),
        metric(f"Enabled {type_label(policy_type)} policies", len(policies)),
        metric("Calls blocked or paused where these policies applied (period)", blocked),
        table(
            "Policies of this type",
            ["Policy", "Mode", "Version", "Agents"],
            [
                [p.name, p.mode, p.version, "all" if p.agent_ids is None else len(p.agent_ids)]
                for p in policies
            ],
        ),
    ]
    remediation: list[str] = []
    if total == 0:
        return RuleResult(
            NOT_TESTED,
            f"{subject} enabled in {modes}, but no agent was active to apply it to.",
            evidence,
            [],
        )
    if len(enforced_ids) == total:
        return RuleResult(
            SUPPORTS,
            f"{subject} in force in {_mode_phrase({p.mode for p in enforcing})} on all {total} active agents.",
            evidence,
        )
    parts = [f"{subject} in {modes} enforced on {len(enforced_ids)} of {total} active agents"]
    if observed_only:
        parts.append(f"{len(observed_only)} only warned or monitored: {_names(observed_only)}")
        remediation.append(
            f"Switch the {type_label(policy_type)} policy to Block or Require approval mode for "
            f"{_names(observed_only)} "
            "after reviewing the violations it recorded."
        )
    if uncovered:
        parts.append(f"{_plural(len(uncovered), 'agent')} uncovered: {_names(uncovered)}")
        remediation.append(
            f"Extend {_a(type_label(policy_type))} policy to {_names(uncovered)}, or scope it to "
            "all agents."
        )
    status = GAP if not enforced_ids and not observed_ids else PARTIAL
    return RuleResult(status, "; ".join(parts) + ".", evidence, remediation)


def collect_policy_program(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    changes = _policy_audit_rows(ctx).count()

    def assess(snapshot: Snapshot) -> RuleResult:
        policies = snapshot.enabled_policies()
        if not policies:
            return RuleResult(
                GAP,
                "No policy was enabled: agent actions ran without any control activity.",
                [metric("Policies enabled", 0)],
                [rule.remediation],
            )
        enforcing = [p for p in policies if p.mode in ENFORCING_MODES]
        types = {p.type for p in policies}
        evidence = [
            metric("Policies enabled", len(policies)),
            metric("Enforcing (block / require approval)", len(enforcing)),
            metric("Policy types in use", len(types)),
            metric("Policy changes in the period", changes),
        ]
        reason = (
            f"{_plural(len(policies), 'policy', 'policies')} enabled across {_plural(len(types), 'policy type')}; "
            f"{len(enforcing)} enforce (block or require approval), {len(policies) - len(enforcing)} warn or monitor."
        )
        if not enforcing:
            return RuleResult(
                PARTIAL,
                reason,
                evidence,
                [
                    "Move at least the policies on high-risk tools to Block or Require approval mode."
                ],
            )
        return RuleResult(SUPPORTS, reason, evidence)

    return over_period(ctx, assess, what="Policy set")


def _policy_audit_rows(ctx: EvidenceContext):
    return AuditLog.objects.filter(
        organisation=ctx.organisation,
        created_at__gte=ctx.start,
        created_at__lt=ctx.end,
        object_type__startswith="policies.",
    )


def collect_policy_change_history(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    rows = _policy_audit_rows(ctx)
    total = rows.count()
    by_actor = Counter(dict(rows.values_list("actor_label").annotate(n=Count("id")).order_by()))
    unattributed = by_actor.get("system", 0)
    sample = list(
        rows.order_by("-created_at").values_list(
            "created_at", "actor_label", "action", "object_repr"
        )[:SAMPLE_ROWS]
    )
    evidence = [
        metric("Policy changes in the period", total),
        metric("Distinct people and keys making them", len(by_actor)),
        metric("Changes without a named actor", unattributed),
    ]
    if sample:
        evidence.append(
            table(
                f"Latest policy changes ({len(sample)} of {total})",
                ["When", "Who", "Action", "Policy"],
                [[_when(w), who, a, o] for w, who, a, o in sample],
            )
        )
    if total == 0:
        return RuleResult(
            NOT_TESTED,
            "No policy changed in the period, so change management could not be tested "
            f"({_plural(len(ctx.policies), 'policy', 'policies')} unchanged at the end of the period).",
            evidence,
        )
    if unattributed:
        return RuleResult(
            PARTIAL,
            f"{_plural(total, 'policy change')} in the period; {unattributed} made by the system without a named person.",
            evidence,
            [
                "Make policy changes through the admin or a named policy-as-code key so each is attributable."
            ],
        )
    return RuleResult(
        SUPPORTS,
        f"{_plural(total, 'policy change')} in the period, each versioned and attributed to a person or key ({len(by_actor)} distinct).",
        evidence,
    )
