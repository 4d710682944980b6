"""Evidence from the ledger: integrity (verification), retention, the proof appendix."""

from __future__ import annotations

from typing import Any

from django.db.models import Min

from compliance.assess import GAP, NOT_APPLICABLE, NOT_TESTED, PARTIAL, SUPPORTS, RuleResult
from compliance.catalog import MappingRule
from compliance.evidence.base import (
    _n,
    _names,
    _plural,
    _when,
    metric,
)
from compliance.evidence.context import EvidenceContext
from governance.models import RiskClass
from governance.retention import days_covering_months
from traces.models import CheckpointKind, LedgerCheckpoint
from traces.selectors import retention_base


def ledger_appendix(ctx: EvidenceContext) -> dict[str, Any]:
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
        "retained_from": None if ctx.retained_from is None else ctx.retained_from.isoformat(),
        "retention_checkpoint": None
        if retention is None
        else {
            "removed": retention.seq,
            "last_hash": retention.entry_hash,
            "at": retention.created_at.isoformat(),
        },
    }


def collect_ledger_integrity(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    return ctx.retention_caveat(_ledger_integrity(ctx, rule))


def _ledger_integrity(ctx: EvidenceContext, rule: MappingRule) -> RuleResult:
    v = ctx.verification
    in_period = ctx.period_entry_count
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
    if ctx.retained_from is not None:
        evidence.append(metric("Evidence retained from", _when(ctx.retained_from)))
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
    if in_period == 0:
        return RuleResult(
            NOT_TESTED,
            "The ledger verifies intact but recorded no agent activity in the period, so "
            "record-keeping for the period could not be tested.",
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
        SUPPORTS,
        f"Ledger verified intact: {_n(v.entries)} entries checked ({_n(in_period)} recorded in the "
        f"period), no break{checkpoint}.",
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
        return _high_risk_retention(ctx, rule, days, shown, evidence)
    if rule.params.get("require_limit") and days is None:
        return RuleResult(
            GAP,
            "Ledger entries, and the personal data in their payloads, are kept indefinitely: no "
            "retention period is set.",
            evidence,
            [rule.remediation],
        )
    purpose = (org.retention_purpose or "").strip()
    if rule.params.get("require_purpose"):
        evidence.append(metric("Documented retention purpose", purpose or "none"))
        if not purpose:
            return RuleResult(
                PARTIAL,
                f"A finite retention period of {shown} applies, but its purpose is not documented: "
                "a number alone does not show the data is kept no longer than necessary.",
                evidence,
                [
                    "Document why the ledger is kept for this period (Organisation settings, "
                    "retention purpose), e.g. the record-keeping obligation it serves."
                ],
            )
        return RuleResult(
            SUPPORTS,
            f"A finite retention period of {shown} applies, for the documented purpose: "
            f"\u201c{purpose[:300]}\u201d. Older entries are removed under signed retention checkpoints.",
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
    return RuleResult(SUPPORTS, f"Ledger retention is {shown}.", evidence)


def _high_risk_retention(
    ctx: EvidenceContext, rule: MappingRule, days: int | None, shown: str, evidence: list
) -> RuleResult:
    """Six calendar months from every day of the period, when a high-risk agent existed in it
    (active or not: its logs are due either way)."""
    org = ctx.organisation
    high = [a.name for a in ctx.agents_in_period if RiskClass.HIGH in ctx.risk_classes(a.id)]
    evidence.append(metric("High-risk agents in the period (active or not)", len(high)))
    if not high:
        return RuleResult(
            NOT_APPLICABLE,
            "No agent was classified high-risk at any time in the period, so the six-month log "
            "retention for high-risk AI systems does not apply.",
            evidence,
        )
    months = rule.params.get("months", 6)
    needed = days_covering_months(ctx.start, ctx.end, months)
    evidence.append(
        metric(
            "Required",
            f"\u2265 {needed} days ({months} calendar months from every day of the period)",
        )
    )
    if days is not None and days < needed:
        return RuleResult(
            GAP,
            f"Ledger retention on the {org.get_plan_display()} plan is {days} days, shorter than "
            f"{months} calendar months ({needed} days for entries recorded in this period) for the "
            f"logs of {_plural(len(high), 'high-risk agent')}: {_names(high)}.",
            evidence,
            [rule.remediation],
        )
    return RuleResult(
        SUPPORTS,
        f"Ledger retention is {shown}, covering {months} calendar months ({needed} days) from every "
        f"day of the period for the logs of {_plural(len(high), 'high-risk agent')}: {_names(high)}.",
        evidence,
    )
