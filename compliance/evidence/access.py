"""Evidence about people and keys: role distribution, segregation of duties, API keys."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from guardian.models import UserObjectPermission

from approvals.models import Approval
from compliance.assess import GAP, NOT_TESTED, PARTIAL, SUPPORTS, RuleResult
from compliance.catalog import MappingRule
from compliance.evidence.base import (
    KEY_MAX_AGE_DAYS,
    KEY_UNUSED_DAYS,
    MAX_OWNERS,
    _names,
    _plural,
    metric,
    table,
)
from compliance.evidence.context import EvidenceContext, over_period
from compliance.evidence.history import Snapshot, usernames
from governance.models import Agent, ApiKey, AuditLog, Membership, Organisation
from governance.roles import Role


def collect_access_roles(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    """The role distribution in every stretch of the period, and one test of segregation of
    duties over the whole period: nobody both changed policies and decided approvals."""
    org = ctx.organisation
    developers_deciding = _developers_with_decide_rights(org)
    both = _changed_policies_and_decided(ctx)
    result = over_period(ctx, lambda s: _roles_at(s, developers_deciding), what="Members by role")
    evidence = list(result.evidence)
    evidence.append(
        metric(
            "People who both changed policies and decided approvals in the period",
            _names(both) if both else "none",
        )
    )
    if both and result.status in (SUPPORTS, PARTIAL):
        return RuleResult(
            PARTIAL,
            f"{result.reason} Duties were not segregated in practice: {_names(both)} both "
            "changed policies and decided approvals in the period.",
            evidence,
            [
                *result.remediation,
                f"Keep policy changes and approval decisions with different people ({_names(both)} did both).",
            ],
        )
    return RuleResult(result.status, result.reason, evidence, result.remediation)


def _changed_policies_and_decided(ctx: EvidenceContext) -> list[str]:
    changers = set(
        AuditLog.objects.filter(
            organisation=ctx.organisation,
            created_at__gte=ctx.start,
            created_at__lt=ctx.end,
            object_type__startswith="policies.",
            actor_user__isnull=False,
        ).values_list("actor_user_id", flat=True)
    )
    deciders = set(
        Approval.objects.filter(
            organisation=ctx.organisation,
            decided_at__gte=ctx.start,
            decided_at__lt=ctx.end,
            decided_by__isnull=False,
        ).values_list("decided_by_id", flat=True)
    )
    return sorted(usernames(changers & deciders).values())


def _roles_at(snapshot: Snapshot, developers_deciding: list[str]) -> RuleResult:
    counts = Counter(m.role for m in snapshot.members)
    total = sum(counts.values())
    rows = [[Role(role).label, counts.get(role, 0)] for role in Role.values]
    evidence = [table("Members by role", ["Role", "Members"], rows)]
    findings, remediation = [], []
    if counts.get(Role.OWNER, 0) > MAX_OWNERS:
        findings.append(f"{counts[Role.OWNER]} owners exceed the recommended {MAX_OWNERS}")
        remediation.append(
            f"Reduce owners to {MAX_OWNERS} or fewer; give the others the admin role."
        )
    if not counts.get(Role.COMPLIANCE_OFFICER, 0):
        findings.append("no compliance officer was appointed")
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
            f"{reason} One person held every right, so duties could not be segregated.",
            evidence,
            ["Add members in distinct roles (admin, compliance officer, reviewer)."],
        )
    if findings:
        return RuleResult(
            PARTIAL, reason + " " + "; ".join(findings).capitalize() + ".", evidence, remediation
        )
    return RuleResult(
        SUPPORTS,
        reason + " Roles were distinct: owners within limit, a compliance officer appointed, "
        "no developer deciding approvals.",
        evidence,
    )


def _developers_with_decide_rights(org: Organisation) -> list[str]:
    """Developers holding decide_approvals on an agent (as granted at the report's end)."""
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
    """Keys that existed at some time in the period, judged at the period's end (or now)."""
    now = min(ctx.now, ctx.end)
    in_period = ApiKey.objects.filter(organisation=ctx.organisation, created_at__lt=ctx.end).filter(
        Q(revoked_at__isnull=True) | Q(revoked_at__gt=ctx.start)
    )
    active = in_period.filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=now)).filter(
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
    agents_in_period = len(ctx.agents_in_period)
    total = stats["total"]
    shared = total - stats["bound"]
    evidence = [
        metric("Keys in use at the end of the period (hashed at rest, shown once)", total),
        metric("Bound to one agent", f"{stats['bound']} of {total}"),
        metric("Agents in the period", agents_in_period),
        metric("Without expiry", stats["no_expiry"]),
        metric(f"Unused for {KEY_UNUSED_DAYS}+ days", stats["unused"]),
        metric("Revoked in the period", revoked),
    ]
    if total == 0:
        if in_period.exists():
            return RuleResult(
                NOT_TESTED,
                "Every API key of the period was revoked or expired by its end, so no key in use could be examined.",
                evidence,
            )
        return RuleResult(
            NOT_TESTED, "No API key existed in the period, so no agent authenticated.", evidence
        )
    attention = []
    for key in active.select_related("agent").order_by("created_at")[:200]:
        issues = []
        if key.agent_id is None and agents_in_period > 1:
            issues.append("shared by any agent")
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
    if shared and agents_in_period > 1:
        findings.append(
            f"{shared} not bound to one agent, so the {agents_in_period} agents using them cannot "
            "be identified uniquely by their key"
        )
        remediation.append(
            "Give each agent its own key bound to it: "
            + _names([r[1] for r in attention if "shared" in r[3]])
            + " may act as any agent."
        )
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
    reason = f"{_plural(total, 'API key')} in use, all hashed and scoped; {stats['bound']} bound to one agent."
    if findings:
        return RuleResult(
            PARTIAL, reason + " " + "; ".join(findings).capitalize() + ".", evidence, remediation
        )
    return RuleResult(
        SUPPORTS,
        reason + " Each agent has its own key; every key expires and was used recently.",
        evidence,
    )
