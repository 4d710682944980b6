"""The pure core of a decision (DESIGN.md, "Decisions", steps 3 and 4): run each policy's
evaluator over one call and combine the outcomes. No database, no ledger, no approvals.

``/api/v1/check`` (``checks.services.decide``) adds what needs the database around it: the
budget windows, the approval and the ledger entry. A "test this policy" screen or API can
call ``evaluate`` and ``combine`` alone and records nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from policies.call import Call, Scan
from policies.evaluators import EVALUATORS, Violation
from policies.types import MODE_RANK, Decision, Mode, PolicyType

if TYPE_CHECKING:  # a snapshot read by policies.selectors; evaluation needs no database
    from policies.selectors import ActivePolicy

logger = logging.getLogger(__name__)

PASSED = "pass"
VIOLATION = "violation"
ERROR = "error"
SKIPPED = "skipped"


@dataclass
class Outcome:
    policy: ActivePolicy
    outcome: str
    violation: Violation | None = None
    notes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def counts(self) -> bool:
        """A violation that takes part in the decision (monitor ones are only recorded)."""
        return self.violation is not None and self.policy.mode != Mode.MONITOR

    def wire(self) -> dict[str, Any]:
        return {
            "policy": self.policy.id,
            "name": self.policy.name,
            "type": self.policy.type,
            "mode": self.policy.mode,
            "reason": self.violation.reason if self.violation else "",
        }

    def ledger(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.policy.id,
            "name": self.policy.name,
            "type": self.policy.type,
            "mode": self.policy.mode,
            "version": self.policy.version,
            "outcome": self.outcome,
            "reason": self.violation.reason if self.violation else "",
        }
        if self.violation is not None and self.violation.details:
            data["details"] = self.violation.details
        if self.notes:
            data["notes"] = self.notes
        return data


def evaluate_one(policy: ActivePolicy, call: Call, scan: Scan) -> Outcome:
    """One policy's evaluator over the call; a broken evaluator fails closed, never raises."""
    notes_before = len(scan.notes)
    try:
        violation = EVALUATORS[policy.type](policy.config(), call, scan)
    except Exception as exc:  # noqa: BLE001 - a broken evaluator must not 500 the agent; fail closed
        logger.exception("policy %s (%s) failed to evaluate", policy.id, policy.type)
        violation = Violation(
            f"the policy could not be evaluated ({type(exc).__name__}) and fails closed",
            {"error": type(exc).__name__},
        )
        return Outcome(policy, ERROR, violation, scan.notes[notes_before:])
    if violation is not None and violation.approval_clause and policy.mode == Mode.REQUIRE_APPROVAL:
        violation = replace(violation, reason=violation.reason + violation.approval_clause)
    return Outcome(policy, VIOLATION if violation else PASSED, violation, scan.notes[notes_before:])


def evaluate(
    policies: Iterable[ActivePolicy], call: Call, scan: Scan | None = None
) -> list[Outcome]:
    """Every policy except budget caps (they compare against spend held in the database, under
    a lock: ``checks.services``), in order. Detectors run once per call through ``scan``."""
    scan = scan if scan is not None else Scan(call)
    return [evaluate_one(p, call, scan) for p in policies if p.type != PolicyType.BUDGET_CAP]


def may_need_approval(outcomes: list[Outcome]) -> bool:
    return any(o.counts and o.policy.mode == Mode.REQUIRE_APPROVAL for o in outcomes)


def combine(outcomes: list[Outcome]) -> str:
    """Any block -> block; else any approval -> require_approval; else any warn -> warn."""
    strongest = max((MODE_RANK[o.policy.mode] for o in outcomes if o.counts), default=0)
    return {
        MODE_RANK[Mode.BLOCK]: Decision.BLOCK,
        MODE_RANK[Mode.REQUIRE_APPROVAL]: Decision.REQUIRE_APPROVAL,
        MODE_RANK[Mode.WARN]: Decision.WARN,
    }.get(strongest, Decision.ALLOW)
