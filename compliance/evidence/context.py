"""What every collector reads: the organisation, the period, and figures computed once per report.

State that changes over time (policies, agents, memberships) is read as it stood across the
period (``compliance.evidence.history``), never as it stands when the report is generated.
Rules over ledger entries ask :attr:`EvidenceContext.retained_from` whether the ledger still
holds the start of the period.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Min
from django.utils import timezone

from compliance.assess import GAP, NOT_APPLICABLE, NOT_TESTED, PARTIAL, SUPPORTS, RuleResult
from compliance.evidence.base import _when, table
from compliance.evidence.history import AgentInfo, PolicyInfo, Snapshot, timeline
from compliance.ledger import verify_for_report
from governance.models import Organisation
from traces.models import LedgerEntry
from traces.selectors import retention_base

__all__ = ["EvidenceContext", "PolicyInfo", "over_period"]


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

    # --- state across the period ------------------------------------------------------------

    @property
    def snapshots(self) -> list[Snapshot]:
        """The organisation between consecutive changes, covering [start, end)."""
        return self.memo(
            "timeline",
            lambda: timeline(
                organisation=self.organisation, start=self.start, end=self.end, now=self.now
            ),
        )

    @property
    def latest(self) -> Snapshot:
        return self.snapshots[-1]

    @property
    def agents_in_period(self) -> list[AgentInfo]:
        """Every agent that existed at some time in the period, with its latest state there;
        ``risk_classes`` gives every class it held."""
        seen: dict[int, AgentInfo] = {}
        for snapshot in self.snapshots:
            for agent in snapshot.agents:
                seen[agent.id] = agent
        return sorted(seen.values(), key=lambda a: a.name)

    def risk_classes(self, agent_id: int) -> set[str]:
        return {a.risk_class for s in self.snapshots for a in s.agents if a.id == agent_id}

    # Current-state shortcuts kept for the scope table: the state at the end of the period.
    @property
    def agents(self) -> list[AgentInfo]:
        return list(self.latest.agents)

    @property
    def active_agents(self) -> list[AgentInfo]:
        return self.latest.active_agents

    @property
    def policies(self) -> list[PolicyInfo]:
        return list(self.latest.policies)

    def enabled_policies(self, policy_type: str | None = None) -> list[PolicyInfo]:
        return self.latest.enabled_policies(policy_type)

    def enabled_at_any_time(self, policy_type: str) -> bool:
        return any(s.enabled_policies(policy_type) for s in self.snapshots)

    # --- the ledger -------------------------------------------------------------------------

    def ledger_entries(self):
        return LedgerEntry.objects.filter(organisation=self.organisation)

    def period_entries(self):
        return self.ledger_entries().filter(recorded_at__gte=self.start, recorded_at__lt=self.end)

    @property
    def period_entry_count(self) -> int:
        return self.memo("period_entry_count", lambda: self.period_entries().count())

    @property
    def retained_from(self) -> datetime | None:
        """When the ledger's retained evidence begins, if retention has removed entries and the
        period starts before that; None when the ledger holds the whole period."""

        def compute() -> datetime | None:
            base = retention_base(organisation=self.organisation)
            if base is None:
                return None
            oldest = self.ledger_entries().aggregate(t=Min("recorded_at"))["t"]
            held_from = oldest or base.created_at
            return held_from if held_from > self.start else None

        return self.memo("retained_from", compute)

    def retention_caveat(self, result: RuleResult) -> RuleResult:
        """A rule over ledger entries cannot support the period if the ledger no longer holds
        its start: supports becomes partial, with the date the evidence is retained from."""
        held_from = self.retained_from
        if held_from is None or result.status not in (SUPPORTS, NOT_TESTED):
            return result
        return RuleResult(
            PARTIAL,
            f"Partial — evidence retained only from {_when(held_from)[:10]}: the ledger's "
            f"retention removed the entries before it, and the period starts "
            f"{_when(self.start)[:10]}. " + result.reason,
            result.evidence,
            [
                *result.remediation,
                "Keep ledger exports (with their signed checkpoints) covering the whole period, "
                "or report on a period the retention still holds.",
            ],
        )

    @property
    def verification(self):
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


def over_period(
    ctx: EvidenceContext, assess: Callable[[Snapshot], RuleResult], *, what: str
) -> RuleResult:
    """Assess every stretch of the period and combine: the evidence supports the rule only if
    it does in every stretch. A mixed period is partial, and says from when to when it held
    and where it did not. Evidence and remediation come from the latest stretch, plus a table
    of the stretches when there was more than one."""
    results = [(s, assess(s)) for s in ctx.snapshots]
    last_snapshot, last = results[-1]
    if len(results) == 1:
        return last
    statuses = {r.status for _, r in results if r.status != NOT_APPLICABLE}
    history = table(
        f"{what} across the period ({len(results)} stretches between changes)",
        ["From", "To", "Status", "Finding"],
        [
            [_when(s.start), _when(s.end), r.status.replace("_", " "), r.reason]
            for s, r in results[-10:]
        ],
    )
    evidence = [*last.evidence, history]
    if not statuses:
        return RuleResult(NOT_APPLICABLE, last.reason, evidence)
    if len(statuses) == 1:
        status = statuses.pop()
        reason = last.reason
        if status == SUPPORTS:
            reason += (
                f" This held in each of the {len(results)} stretches between changes in the period."
            )
        return RuleResult(status, reason, evidence, last.remediation)
    worst_snapshot, worst = min(
        ((s, r) for s, r in results if r.status != NOT_APPLICABLE),
        key=lambda sr: {GAP: 0, NOT_TESTED: 1, PARTIAL: 2, SUPPORTS: 3}[sr[1].status],
    )
    held = [s for s, r in results if r.status == SUPPORTS]
    lead = (
        f"The evidence supports this only from {_when(held[0].start)[:16]}"
        if held and all(r.status == SUPPORTS for s, r in results if s.start >= held[0].start)
        else "The evidence does not hold for the whole period"
    )
    reason = (
        f"{lead}; from {_when(worst_snapshot.start)[:16]} to {_when(worst_snapshot.end)[:16]}: "
        f"{worst.reason}"
    )
    remediation = list(last.remediation) or list(worst.remediation)
    return RuleResult(PARTIAL, reason, evidence, remediation)
