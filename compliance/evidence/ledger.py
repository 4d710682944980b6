"""Evidence from the ledger: integrity (verification), retention, the proof appendix."""

from __future__ import annotations

from typing import Any

from django.db.models import Min

from compliance.assess import GAP, NOT_APPLICABLE, PARTIAL, SATISFIED, RuleResult
from compliance.catalog import MappingRule
from compliance.evidence.base import (
    _n,
    _names,
    _plural,
    _when,
    metric,
)
from compliance.evidence.context import EvidenceContext
from governance.models import (
    RiskClass,
)
from traces.models import CheckpointKind, LedgerCheckpoint
from traces.selectors import retention_base

# --- ledger --------------------------------------------------------------------------------------


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
