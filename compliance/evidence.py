"""Evidence collectors: one per mapping-rule signal, each turning the organisation's data for the
period into a :class:`compliance.assess.RuleResult` (status, reason, evidence, remediation).

Everything is aggregated in the database (COUNT … GROUP BY, MIN/MAX, LIMIT-ed samples); no
collector loads all ledger entries. Shared figures (agents, policies, the ledger verification,
decision counts) are computed once per report through ``EvidenceContext.memo``.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Min, Q
from django.utils import timezone

from governance.models import (
    Agent,
    ApiKey,
    AuditLog,
    DataSubjectRequest,
    Membership,
    Organisation,
    RiskClass,
)
from governance.roles import Role

from .assess import GAP, NOT_APPLICABLE, PARTIAL, SATISFIED, RuleResult
from .catalog import MappingRule

SAMPLE_ROWS = 5
KEY_UNUSED_DAYS = 30
KEY_MAX_AGE_DAYS = 365
MAX_OWNERS = 2
EXPIRED_SHARE_LIMIT = 0.10
ENFORCING_MODES = ("block", "require_approval")


def _n(value: int) -> str:
    return f"{value:,}"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{_n(count)} {word if count == 1 else (plural or word + 's')}"


def _names(items: list[str], limit: int = 6) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def metric(label: str, value: Any) -> dict[str, Any]:
    return {
        "kind": "metric",
        "label": label,
        "value": value
        if isinstance(value, str)
        else _n(value)
        if isinstance(value, int)
        else str(value),
    }


def table(label: str, columns: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    return {
        "kind": "table",
        "label": label,
        "columns": columns,
        "rows": [[str(v) for v in r] for r in rows[:10]],
    }


# --- context -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyInfo:
    """What the assessment needs of a policy, independent of the policies app's model layout."""

    id: int
    name: str
    type: str
    mode: str
    enabled: bool
    agent_ids: frozenset[int] | None  # None: every agent of the organisation
    version: int = 1


@dataclass
class EvidenceContext:
    organisation: Organisation
    start: datetime
    end: datetime
    now: datetime = field(default_factory=timezone.now)
    report_id: int | None = None
    _memo: dict[str, Any] = field(default_factory=dict)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def agents(self) -> list[Agent]:
        return self.memo(
            "agents",
            lambda: list(
                Agent.objects.filter(organisation=self.organisation)
                .select_related("owner")
                .order_by("name")
            ),
        )

    @property
    def active_agents(self) -> list[Agent]:
        return [a for a in self.agents if a.is_active]

    @property
    def policies(self) -> list[PolicyInfo]:
        return self.memo("policies", lambda: load_policies(self.organisation))

    def enabled_policies(self, policy_type: str | None = None) -> list[PolicyInfo]:
        return [
            p for p in self.policies if p.enabled and (policy_type is None or p.type == policy_type)
        ]

    def ledger_entries(self):
        from traces.models import LedgerEntry

        return LedgerEntry.objects.filter(organisation=self.organisation)

    def period_entries(self):
        return self.ledger_entries().filter(recorded_at__gte=self.start, recorded_at__lt=self.end)

    @property
    def verification(self):
        from .ledger import verify_for_report

        return self.memo(
            "verification",
            lambda: verify_for_report(
                organisation=self.organisation, now=self.now, exclude_report=self.report_id
            ),
        )

    @property
    def decision_counts(self) -> Counter:
        """Decisions recorded in the period, by outcome (one GROUP BY on the ledger)."""

        def compute() -> Counter:
            rows = (
                self.period_entries()
                .filter(kind__in=["decision", "output_decision"])
                .values("decision")
                .annotate(n=Count("id"))
                .order_by()
            )
            return Counter({r["decision"] or "allow": r["n"] for r in rows})

        return self.memo("decisions", compute)


def load_policies(organisation: Organisation) -> list[PolicyInfo]:
    """The organisation's policies as PolicyInfo (empty until the policies app has its model)."""
    try:
        from policies.models import Policy
    except ImportError:
        return []
    result = []
    agent_field = _agent_relation(Policy)
    queryset = Policy.objects.filter(organisation=organisation)
    if agent_field:
        queryset = queryset.prefetch_related(agent_field)
    for policy in queryset:
        agent_ids = None
        if agent_field:
            ids = frozenset(a.pk for a in getattr(policy, agent_field).all())
            agent_ids = ids or None
        result.append(
            PolicyInfo(
                id=policy.pk,
                name=policy.name,
                type=policy.type,
                mode=policy.mode,
                enabled=bool(getattr(policy, "enabled", True)),
                agent_ids=agent_ids,
                version=int(getattr(policy, "version", 1) or 1),
            )
        )
    return result


def _agent_relation(model) -> str | None:
    for f in model._meta.get_fields():
        if f.many_to_many and f.related_model is Agent:
            return f.name
    return None


# --- policies ------------------------------------------------------------------------------------


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
    policy_type = rule.params["policy_type"]
    policies = ctx.enabled_policies(policy_type)
    active = ctx.active_agents
    if not policies:
        disabled = [p for p in ctx.policies if p.type == policy_type]
        extra = (
            f" ({_plural(len(disabled), 'disabled policy', 'disabled policies')} of this type)"
            if disabled
            else ""
        )
        return RuleResult(
            GAP,
            f"No {policy_type} policy is enabled{extra}.",
            [metric(f"{policy_type} policies enabled", 0)],
            [rule.remediation],
        )
    enforcing = [p for p in policies if p.mode in ENFORCING_MODES]

    def covered(policy_list: list[PolicyInfo]) -> set[int]:
        ids: set[int] = set()
        for p in policy_list:
            ids |= (
                {a.pk for a in active}
                if p.agent_ids is None
                else (p.agent_ids & {a.pk for a in active})
            )
        return ids

    enforced_ids = covered(enforcing)
    observed_ids = covered(policies) - enforced_ids
    uncovered = [a.name for a in active if a.pk not in enforced_ids and a.pk not in observed_ids]
    observed_only = [a.name for a in active if a.pk in observed_ids]
    names = ", ".join(f"\u201c{p.name}\u201d" for p in policies[:3]) + (
        " …" if len(policies) > 3 else ""
    )
    subject = f"{policy_type} polic{'y' if len(policies) == 1 else 'ies'} {names}"
    total = len(active)
    modes = _mode_phrase({p.mode for p in policies})
    blocked = _blocked_calls(ctx, [p.id for p in policies])
    evidence = [
        metric(
            "Active agents enforced (block / require approval)", f"{len(enforced_ids)} of {total}"
        ),
        metric(f"Enabled {policy_type} policies", len(policies)),
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
            PARTIAL,
            f"{subject} enabled in {modes}, but no agent is active to apply it to.",
            evidence,
            [],
        )
    if len(enforced_ids) == total:
        return RuleResult(
            SATISFIED,
            f"{subject} active in {_mode_phrase({p.mode for p in enforcing})} on all {total} active agents.",
            evidence,
        )
    parts = [
        f"{subject} active in {modes} enforces on {len(enforced_ids)} of {total} active agents"
    ]
    if observed_only:
        parts.append(f"{len(observed_only)} only warned or monitored: {_names(observed_only)}")
        remediation.append(
            f"Switch the {policy_type} policy to block or require_approval for {_names(observed_only)} "
            "after reviewing the violations it recorded."
        )
    if uncovered:
        parts.append(f"{_plural(len(uncovered), 'agent')} uncovered: {_names(uncovered)}")
        remediation.append(
            f"Extend a {policy_type} policy to {_names(uncovered)}, or scope it to all agents."
        )
    status = GAP if not enforced_ids and not observed_ids else PARTIAL
    return RuleResult(status, "; ".join(parts) + ".", evidence, remediation)


def collect_policy_program(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    policies = ctx.enabled_policies()
    if not policies:
        return RuleResult(
            GAP,
            "No policy is enabled: agent actions run without any control activity.",
            [metric("Policies enabled", 0)],
            [rule.remediation],
        )
    enforcing = [p for p in policies if p.mode in ENFORCING_MODES]
    types = {p.type for p in policies}
    changes = _policy_audit_rows(ctx).count()
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
            ["Move at least the policies on high-risk tools to block or require_approval mode."],
        )
    return RuleResult(SATISFIED, reason, evidence)


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
    versions = sum(p.version for p in ctx.policies)
    if total == 0:
        return RuleResult(
            SATISFIED,
            f"No policy changed in the period; {_plural(len(ctx.policies), 'policy', 'policies')} at their current versions "
            "(every change is versioned and audited when it happens).",
            evidence + [metric("Policy versions to date", versions)],
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
        SATISFIED,
        f"{_plural(total, 'policy change')} in the period, each versioned and attributed to a person or key ({len(by_actor)} distinct).",
        evidence,
    )


# --- ledger --------------------------------------------------------------------------------------


def ledger_appendix(ctx: EvidenceContext) -> dict[str, Any]:
    from traces.models import CheckpointKind, LedgerCheckpoint
    from traces.selectors import retention_base

    v = ctx.verification
    checkpoint = (
        v.latest_checkpoint
        or LedgerCheckpoint.objects.filter(organisation=ctx.organisation, kind=CheckpointKind.HEAD)
        .order_by("-seq")
        .first()
    )
    retention = retention_base(organisation=ctx.organisation)
    first_break = None
    if v.first_break is not None:
        first_break = {
            "entry": v.first_break.seq,
            "kind": v.first_break.kind,
            "detail": v.first_break.detail,
        }
    return {
        "ok": v.ok,
        "entries": v.entries,
        "first_break": first_break,
        "verified_at": (v.verified_at or ctx.now).isoformat(),
        "reused": v.reused,
        "head": v.head_hash,
        "head_seq": v.head_seq,
        "start_seq": v.start_seq,
        "redacted": v.redacted,
        "checkpoints_checked": v.checkpoints_checked,
        "checkpoint": None
        if checkpoint is None
        else {
            "sequence": checkpoint.seq,
            "entry_hash": checkpoint.entry_hash,
            "created_at": checkpoint.created_at.isoformat(),
            "algorithm": "HMAC-SHA256",
            "key_id": checkpoint.key_id,
            "signature": checkpoint.signature,
        },
        "retention_checkpoint": None
        if retention is None
        else {
            "removed": retention.seq,
            "last_hash": retention.entry_hash,
            "at": retention.created_at.isoformat(),
        },
    }


def collect_ledger_integrity(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    v = ctx.verification
    in_period = ctx.memo("period_entry_count", lambda: ctx.period_entries().count())
    evidence = [
        metric("Entries verified", v.entries),
        metric(
            "First break",
            "none" if v.first_break is None else f"#{v.first_break.seq} ({v.first_break.kind})",
        ),
        metric("Entries recorded in the period", in_period),
        metric("Signed checkpoints matched", v.checkpoints_checked),
        metric("Erased payloads (data-subject requests)", v.redacted),
    ]
    if v.latest_checkpoint is not None:
        evidence.append(
            metric(
                "Latest signed checkpoint",
                f"entry #{_n(v.latest_checkpoint.seq)} at {_when(v.latest_checkpoint.created_at)}",
            )
        )
    if not v.ok:
        brk = v.first_break
        return RuleResult(
            GAP,
            f"Ledger verification failed: {brk.detail} (first break at entry #{_n(brk.seq)}, {brk.kind}); "
            f"{_n(v.entries)} entries verified before it.",
            evidence,
            [rule.remediation],
        )
    if v.entries == 0 and in_period == 0:
        return RuleResult(
            PARTIAL,
            "The ledger is intact but holds no entries: no agent activity was recorded, so record-keeping could not be shown.",
            evidence,
            [
                "Route agent calls through /api/v1/check and /api/v1/traces so that they are recorded."
            ],
        )
    if v.reused:
        evidence.append(
            metric(
                "Verified in two steps",
                f"entries up to #{_n(v.reused['up_to_seq'])} by report {v.reused['report']} at "
                f"{v.reused['verified_at']}, the {_n(v.reused['tail_entries'])} appended since by this report",
            )
        )
    checkpoint = (
        f"; latest signed checkpoint at entry #{_n(v.latest_checkpoint.seq)}"
        if v.latest_checkpoint is not None
        else "; no signed checkpoint yet"
    )
    return RuleResult(
        SATISFIED,
        f"Ledger verified intact: {_n(v.entries)} entries checked, no break{checkpoint}.",
        evidence,
    )


def collect_log_retention(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    org = ctx.organisation
    days = org.retention_days
    shown = "unlimited" if days is None else f"{days} days"
    evidence = [metric("Ledger retention", f"{shown} ({org.get_plan_display()} plan)")]
    oldest = ctx.memo(
        "oldest_entry", lambda: ctx.ledger_entries().aggregate(t=Min("recorded_at"))["t"]
    )
    if oldest is not None:
        evidence.append(metric("Oldest entry held", _when(oldest)))
    if rule.params.get("scope") == "high_risk":
        high = [a.name for a in ctx.active_agents if a.risk_class == RiskClass.HIGH]
        evidence.append(metric("Active high-risk agents", len(high)))
        if not high:
            return RuleResult(
                NOT_APPLICABLE,
                "No active agent is classified high-risk, so the six-month log retention for high-risk AI systems does not apply.",
                evidence,
            )
        minimum = rule.params.get("min_days")
        evidence.append(metric("Required", f"\u2265 {minimum} days"))
        if minimum and days is not None and days < minimum:
            return RuleResult(
                GAP,
                f"Ledger retention on the {org.get_plan_display()} plan is {days} days, below the six months ({minimum} days) "
                f"required for the logs of {_plural(len(high), 'high-risk agent')}: {_names(high)}.",
                evidence,
                [rule.remediation],
            )
        return RuleResult(
            SATISFIED,
            f"Ledger retention is {shown}, at least the {minimum} days required for the logs of {_plural(len(high), 'high-risk agent')}: {_names(high)}.",
            evidence,
        )
    if rule.params.get("require_limit"):
        if days is None:
            return RuleResult(
                PARTIAL,
                "Ledger entries, and the personal data in their payloads, are kept indefinitely: no retention period is set.",
                evidence,
                [rule.remediation],
            )
        return RuleResult(
            SATISFIED,
            f"A finite retention period of {days} days applies; older entries are removed under signed retention checkpoints.",
            evidence,
        )
    minimum = rule.params.get("min_days")
    if minimum and days is not None and days < minimum:
        return RuleResult(
            GAP,
            f"Ledger retention is {days} days, below the required {minimum} days.",
            evidence,
            [rule.remediation],
        )
    return RuleResult(SATISFIED, f"Ledger retention is {shown}.", evidence)


# --- people and keys -----------------------------------------------------------------------------


def collect_access_roles(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    org = ctx.organisation
    counts = Counter(
        dict(
            Membership.objects.filter(organisation=org)
            .values_list("role")
            .annotate(n=Count("id"))
            .order_by()
        )
    )
    total = sum(counts.values())
    rows = [[Role(role).label, counts.get(role, 0)] for role in Role.values]
    evidence = [table("Members by role", ["Role", "Members"], rows)]
    developers_deciding = _developers_with_decide_rights(org)
    findings, remediation = [], []
    if counts.get(Role.OWNER, 0) > MAX_OWNERS:
        findings.append(f"{counts[Role.OWNER]} owners exceed the recommended {MAX_OWNERS}")
        remediation.append(
            f"Reduce owners to {MAX_OWNERS} or fewer; give the others the admin role."
        )
    if not counts.get(Role.COMPLIANCE_OFFICER, 0):
        findings.append("no compliance officer is appointed")
        remediation.append(
            "Appoint a compliance officer to own policies and reports separately from operations."
        )
    if developers_deciding:
        findings.append(
            f"{_plural(len(developers_deciding), 'developer')} can decide approvals: {_names(developers_deciding)}"
        )
        remediation.append(
            f"Withdraw decide_approvals from {_names(developers_deciding)} and grant it to reviewers."
        )
    summary = ", ".join(
        f"{counts.get(r, 0)} {Role(r).label.lower()}{'s' if counts.get(r, 0) != 1 else ''}"
        for r in Role.values
        if counts.get(r, 0)
    )
    reason = f"{_plural(total, 'member')}: {summary}."
    if total <= 1:
        return RuleResult(
            GAP,
            f"{reason} One person holds every right, so duties cannot be segregated.",
            evidence,
            ["Add members in distinct roles (admin, compliance officer, reviewer)."],
        )
    if findings:
        return RuleResult(
            PARTIAL, reason + " " + "; ".join(findings).capitalize() + ".", evidence, remediation
        )
    return RuleResult(
        SATISFIED,
        reason + " Roles are segregated: changes, reviews and approvals sit with different people.",
        evidence,
    )


def _developers_with_decide_rights(org: Organisation) -> list[str]:
    from guardian.models import UserObjectPermission

    agent_type = ContentType.objects.get_for_model(Agent)
    developer_ids = Membership.objects.filter(organisation=org, role=Role.DEVELOPER).values(
        "user_id"
    )
    agent_ids = [
        str(pk) for pk in Agent.objects.filter(organisation=org).values_list("pk", flat=True)
    ]
    users = (
        UserObjectPermission.objects.filter(
            content_type=agent_type,
            permission__codename="decide_approvals",
            user_id__in=developer_ids,
            object_pk__in=agent_ids,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    User = get_user_model()
    return sorted(User.objects.filter(pk__in=list(users)).values_list("username", flat=True))


def collect_api_keys(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    now = ctx.now
    active = ApiKey.objects.filter(organisation=ctx.organisation, revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    stats = active.aggregate(
        total=Count("id"),
        bound=Count("id", filter=Q(agent__isnull=False)),
        no_expiry=Count("id", filter=Q(expires_at__isnull=True)),
        unused=Count(
            "id",
            filter=Q(created_at__lt=now - timedelta(days=KEY_UNUSED_DAYS))
            & (
                Q(last_used_at__isnull=True)
                | Q(last_used_at__lt=now - timedelta(days=KEY_UNUSED_DAYS))
            ),
        ),
        old=Count("id", filter=Q(created_at__lt=now - timedelta(days=KEY_MAX_AGE_DAYS))),
    )
    revoked = ApiKey.objects.filter(
        organisation=ctx.organisation, revoked_at__gte=ctx.start, revoked_at__lt=ctx.end
    ).count()
    total = stats["total"]
    evidence = [
        metric("Active keys (hashed at rest, shown once)", total),
        metric("Bound to one agent", f"{stats['bound']} of {total}"),
        metric("Without expiry", stats["no_expiry"]),
        metric(f"Unused for {KEY_UNUSED_DAYS}+ days", stats["unused"]),
        metric("Revoked in the period", revoked),
    ]
    if total == 0:
        return RuleResult(
            NOT_APPLICABLE, "No active API key exists, so no agent can authenticate.", evidence
        )
    attention = []
    for key in active.select_related("agent").order_by("created_at")[:200]:
        issues = []
        if key.expires_at is None:
            issues.append("no expiry")
        last = key.last_used_at or key.created_at
        if key.created_at < now - timedelta(days=KEY_UNUSED_DAYS) and last < now - timedelta(
            days=KEY_UNUSED_DAYS
        ):
            issues.append(f"unused {(now - last).days} days")
        if key.created_at < now - timedelta(days=KEY_MAX_AGE_DAYS):
            issues.append(f"{(now - key.created_at).days} days old")
        if issues:
            attention.append(
                [
                    key.masked,
                    key.name,
                    key.agent.name if key.agent else "any agent",
                    "; ".join(issues),
                ]
            )
    if attention:
        evidence.append(
            table(
                f"Keys needing attention ({min(len(attention), 10)} of {len(attention)})",
                ["Key", "Name", "Agent", "Issue"],
                attention,
            )
        )
    findings, remediation = [], []
    if stats["no_expiry"]:
        findings.append(f"{stats['no_expiry']} have no expiry")
        remediation.append(
            "Set an expiry on every key: "
            + _names([r[1] for r in attention if "no expiry" in r[3]])
            + "."
        )
    if stats["unused"]:
        findings.append(f"{stats['unused']} were not used in {KEY_UNUSED_DAYS} days")
        remediation.append(
            "Revoke unused keys: " + _names([r[1] for r in attention if "unused" in r[3]]) + "."
        )
    if stats["old"]:
        findings.append(f"{stats['old']} are older than {KEY_MAX_AGE_DAYS} days")
        remediation.append("Rotate keys older than a year.")
    reason = f"{_plural(total, 'active API key')}, all hashed and scoped; {stats['bound']} bound to one agent."
    if findings:
        return RuleResult(
            PARTIAL, reason + " " + "; ".join(findings).capitalize() + ".", evidence, remediation
        )
    return RuleResult(SATISFIED, reason + " Every key expires and was used recently.", evidence)


# --- approvals, requests, audit, inventory, activity -------------------------------------------------


def collect_human_oversight(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    from approvals.models import Approval, ApprovalStatus

    approvals = Approval.objects.filter(
        organisation=ctx.organisation, requested_at__gte=ctx.start, requested_at__lt=ctx.end
    )
    counts = Counter(dict(approvals.values_list("status").annotate(n=Count("id")).order_by()))
    total = sum(counts.values())
    reviewers = approvals.exclude(decided_by_label="").values("decided_by_label").distinct().count()
    evidence = [
        metric(
            "Requested / approved / denied / expired",
            f"{_n(total)} / {_n(counts.get(ApprovalStatus.APPROVED, 0))} / "
            f"{_n(counts.get(ApprovalStatus.DENIED, 0))} / {_n(counts.get(ApprovalStatus.EXPIRED, 0))}",
        ),
        metric("Distinct reviewers deciding", reviewers),
    ]
    if total == 0:
        if ctx.enabled_policies("action_approval"):
            return RuleResult(
                NOT_APPLICABLE,
                "Approval policies are in place but no action required approval in the period, so human oversight could not be tested.",
                evidence,
            )
        return RuleResult(
            GAP,
            "No action was paused for human approval in the period and no approval policy is enabled.",
            evidence,
            [rule.remediation],
        )
    durations = [
        (decided - requested).total_seconds()
        for requested, decided in approvals.filter(decided_at__isnull=False)
        .exclude(status=ApprovalStatus.EXPIRED)
        .values_list("requested_at", "decided_at")[:50_000]
    ]
    if durations:
        evidence.append(metric("Median time to decision", _duration(statistics.median(durations))))
    sample = list(
        approvals.exclude(status=ApprovalStatus.PENDING)
        .select_related("agent")
        .order_by("-requested_at")
        .values_list("requested_at", "agent__name", "tool", "status", "decided_by_label")[
            :SAMPLE_ROWS
        ]
    )
    if sample:
        evidence.append(
            table(
                f"Latest decisions ({len(sample)} of {total})",
                ["Requested", "Agent", "Tool", "Outcome", "By"],
                [[_when(r), a, t, s, b or "—"] for r, a, t, s, b in sample],
            )
        )
    expired = counts.get(ApprovalStatus.EXPIRED, 0)
    decided = counts.get(ApprovalStatus.APPROVED, 0) + counts.get(ApprovalStatus.DENIED, 0)
    reason = (
        f"{_plural(total, 'action')} paused for approval: {decided} decided by {_plural(reviewers, 'reviewer')}, "
        f"{expired} expired, {counts.get(ApprovalStatus.PENDING, 0)} pending."
    )
    if total and expired / total > EXPIRED_SHARE_LIMIT:
        return RuleResult(
            PARTIAL,
            reason + f" {expired / total:.0%} expired undecided, above {EXPIRED_SHARE_LIMIT:.0%}.",
            evidence,
            [rule.remediation],
        )
    if decided == 0:
        return RuleResult(
            PARTIAL, reason + " No request was decided by a person.", evidence, [rule.remediation]
        )
    return RuleResult(SATISFIED, reason, evidence)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def collect_data_subject_requests(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    kinds = rule.params["request_types"]
    deadline = timedelta(days=rule.params.get("deadline_days", 30))
    label = "/".join(kinds)
    closed = [DataSubjectRequest.Status.COMPLETED, DataSubjectRequest.Status.REJECTED]
    relevant = DataSubjectRequest.objects.filter(
        organisation=ctx.organisation, kind__in=kinds
    ).filter(
        Q(received_at__gte=ctx.start, received_at__lt=ctx.end)
        | (
            Q(received_at__lt=ctx.start)
            & (Q(completed_at__isnull=True) | Q(completed_at__gte=ctx.start))
        )
    )
    cutoff = min(ctx.now, ctx.end)
    rows = list(relevant.values("pk", "subject", "status", "received_at", "due_at", "completed_at"))
    total = len(rows)
    on_time = [
        r
        for r in rows
        if r["completed_at"] and r["completed_at"] <= (r["due_at"] or r["received_at"] + deadline)
    ]
    late = [r for r in rows if r["completed_at"] and r not in on_time]
    overdue = [
        r
        for r in rows
        if r["status"] not in closed and (r["due_at"] or r["received_at"] + deadline) < cutoff
    ]
    open_in_time = [r for r in rows if r["status"] not in closed and r not in overdue]
    evidence = [
        metric(f"{label.capitalize()} requests in the period", total),
        metric("Completed within the deadline", len(on_time)),
        metric("Completed late", len(late)),
        metric("Open past the deadline", len(overdue)),
    ]
    if rows:
        slowest = max(
            ((r["completed_at"] - r["received_at"]).days for r in on_time + late), default=None
        )
        if slowest is not None:
            evidence.append(metric("Slowest completion", f"{slowest} days"))
        evidence.append(
            table(
                f"Requests ({min(total, 10)} of {total})",
                ["Request", "Received", "Due", "Status", "Completed"],
                [
                    [
                        f"DSR-{r['pk']:04d}",
                        _when(r["received_at"]),
                        _when(r["due_at"]),
                        r["status"],
                        _when(r["completed_at"]),
                    ]
                    for r in rows
                ],
            )
        )
    if total == 0:
        return RuleResult(
            NOT_APPLICABLE,
            f"No {label} request was received or open in the period, so the procedure could not be tested.",
            evidence,
        )
    if overdue:
        ids = [f"DSR-{r['pk']:04d} (received {_when(r['received_at'])[:10]})" for r in overdue]
        return RuleResult(
            GAP,
            f"{_plural(len(overdue), f'{label} request')} open past the one-month deadline: {_names(ids)}.",
            evidence,
            [
                f"Complete {_names(ids)} and inform the data subject of the delay and its reasons (Art. 12(3)–(4))."
            ],
        )
    if late:
        return RuleResult(
            PARTIAL,
            f"{_plural(total, f'{label} request')}: {len(late)} completed after the deadline.",
            evidence,
            [rule.remediation],
        )
    pending = f"; {len(open_in_time)} open within the deadline" if open_in_time else ""
    return RuleResult(
        SATISFIED,
        f"{_plural(total, f'{label} request')}: {len(on_time)} completed within the deadline{pending}.",
        evidence,
    )


def collect_audit_log(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    rows = AuditLog.objects.filter(
        organisation=ctx.organisation, created_at__gte=ctx.start, created_at__lt=ctx.end
    )
    total = rows.count()
    actors = rows.values("actor_label").distinct().count()
    top = list(rows.values("action").annotate(n=Count("id")).order_by("-n", "action")[:8])
    evidence = [metric("Audit-log rows in the period", total), metric("Distinct actors", actors)]
    if top:
        evidence.append(
            table(
                "Most frequent actions",
                ["Action", "Rows"],
                [[r["action"], _n(r["n"])] for r in top],
            )
        )
    if total == 0:
        return RuleResult(
            SATISFIED,
            "Audit logging is built into every change; no configuration change or decision by a person occurred in the period.",
            evidence,
        )
    return RuleResult(
        SATISFIED,
        f"{_plural(total, 'audit-log row')} in the period by {_plural(actors, 'actor')}, each with who, what, before and after.",
        evidence,
    )


def collect_agent_inventory(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    agents, active = ctx.agents, ctx.active_agents
    classes = Counter(a.risk_class for a in active)
    no_owner = [a.name for a in active if a.owner_id is None]
    evidence = [
        metric("Agents registered / active", f"{len(agents)} / {len(active)}"),
        metric("Active agents without an owner", len(no_owner)),
        table(
            "Active agents by EU AI Act risk class",
            ["Risk class", "Agents"],
            [[RiskClass(c).label, classes.get(c, 0)] for c in RiskClass.values],
        ),
    ]
    if not active:
        return RuleResult(
            GAP,
            "No active agent is registered.",
            evidence,
            ["Register every agent before it acts, with an owner and a risk class."],
        )
    if no_owner:
        return RuleResult(
            PARTIAL,
            f"{_plural(len(agents), 'agent')} registered ({len(active)} active); {len(no_owner)} active without an owner: {_names(no_owner)}.",
            evidence,
            [f"Assign owners to {_names(no_owner)}, or deactivate them."],
        )
    return RuleResult(
        SATISFIED,
        f"{_plural(len(agents), 'agent')} registered ({len(active)} active), each with an owner and a risk class.",
        evidence,
    )


def collect_enforcement_activity(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    counts = ctx.decision_counts
    total = sum(counts.values())
    blocked, warned, paused = (
        counts.get("block", 0),
        counts.get("warn", 0),
        counts.get("require_approval", 0),
    )
    evidence = [
        metric("Decisions recorded in the period", total),
        metric("Blocked / warned / paused", f"{_n(blocked)} / {_n(warned)} / {_n(paused)}"),
    ]
    if total == 0:
        return RuleResult(
            GAP,
            "No agent call was checked against policies in the period.",
            evidence,
            [rule.remediation],
        )
    sample = list(
        ctx.period_entries()
        .filter(kind__in=["decision", "output_decision"], decision="block")
        .order_by("-recorded_at")
        .values_list("recorded_at", "agent_name", "tool")[:SAMPLE_ROWS]
    )
    if sample:
        evidence.append(
            table(
                f"Latest blocked actions ({len(sample)} of {_n(blocked)})",
                ["When", "Agent", "Tool"],
                [[_when(w), a or "—", t] for w, a, t in sample],
            )
        )
    return RuleResult(
        SATISFIED,
        f"{_n(total)} decisions recorded in the period: {_n(blocked)} blocked, {_n(warned)} warned, {_n(paused)} paused for approval.",
        evidence,
    )


COLLECTORS: dict[str, Callable[[EvidenceContext, MappingRule], RuleResult]] = {
    "policy": collect_policy,
    "policy_program": collect_policy_program,
    "ledger_integrity": collect_ledger_integrity,
    "log_retention": collect_log_retention,
    "access_roles": collect_access_roles,
    "api_keys": collect_api_keys,
    "human_oversight": collect_human_oversight,
    "data_subject_requests": collect_data_subject_requests,
    "audit_log": collect_audit_log,
    "policy_change_history": collect_policy_change_history,
    "agent_inventory": collect_agent_inventory,
    "enforcement_activity": collect_enforcement_activity,
}


def collect(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    return COLLECTORS[rule.signal](ctx, rule)
