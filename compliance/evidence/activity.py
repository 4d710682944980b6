"""Evidence of activity: human oversight, data-subject requests, the audit log, the agent
inventory, enforcement decisions."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import timedelta

from django.db.models import Count, Q

from approvals.models import Approval, ApprovalStatus
from compliance.assess import GAP, NOT_TESTED, PARTIAL, SUPPORTS, RuleResult
from compliance.catalog import MappingRule
from compliance.evidence.base import (
    EXPIRED_SHARE_LIMIT,
    SAMPLE_ROWS,
    _n,
    _names,
    _plural,
    _when,
    metric,
    table,
)
from compliance.evidence.context import EvidenceContext, over_period
from compliance.evidence.history import Snapshot
from governance.models import (
    AuditLog,
    DataSubjectRequest,
    RiskClass,
)


def collect_human_oversight(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:

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
        if ctx.enabled_at_any_time("action_approval"):
            return RuleResult(
                NOT_TESTED,
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
    return RuleResult(SUPPORTS, reason, evidence)


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
            NOT_TESTED,
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
        SUPPORTS,
        f"{_plural(total, f'{label} request')}: {len(on_time)} completed within the deadline{pending}.",
        evidence,
    )


def collect_audit_log(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    # Requesting and generating reports (this one included) is not a change to test.
    rows = AuditLog.objects.filter(
        organisation=ctx.organisation, created_at__gte=ctx.start, created_at__lt=ctx.end
    ).exclude(object_type="compliance.report")
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
            NOT_TESTED,
            "No configuration change or decision by a person occurred in the period, so the "
            "audit trail could not be tested.",
            evidence,
        )
    return RuleResult(
        SUPPORTS,
        f"{_plural(total, 'audit-log row')} in the period by {_plural(actors, 'actor')}, each with who, what, before and after.",
        evidence,
    )


def collect_agent_inventory(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    return over_period(ctx, _inventory_at, what="Agent inventory")


def _inventory_at(snapshot: Snapshot) -> RuleResult:
    agents, active = snapshot.agents, snapshot.active_agents
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
            NOT_TESTED,
            "No agent was active, so the inventory had nothing to account for.",
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
        SUPPORTS,
        f"{_plural(len(agents), 'agent')} registered ({len(active)} active), each with an owner and a risk class.",
        evidence,
    )


def collect_enforcement_activity(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    return ctx.retention_caveat(_enforcement(ctx, rule))


def _enforcement(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
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
        if ctx.period_entry_count:
            return RuleResult(
                GAP,
                "Agent activity was recorded in the period but no call was checked against "
                "policies: the agents report to the ledger without asking /check first.",
                evidence,
                [rule.remediation],
            )
        return RuleResult(
            NOT_TESTED,
            "No agent activity was recorded in the period, so enforcement could not be tested.",
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
        SUPPORTS,
        f"{_n(total)} decisions recorded in the period: {_n(blocked)} blocked, {_n(warned)} warned, {_n(paused)} paused for approval.",
        evidence,
    )
