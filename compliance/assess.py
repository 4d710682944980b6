"""Turn per-rule results into a control assessment. Pure: no Django, no database.

Evidence collectors (one per signal, ``compliance.evidence``) assess each
mapping rule once for the organisation and period and return a
:class:`RuleResult`. A control then combines the results of the rules that map
to it:

1. Results that are ``not_applicable`` drop out (e.g. the high-risk log
   retention rule when no agent was high-risk in the period). If nothing is
   left the control is ``not_applicable`` too, with the rules' reasons. A
   control no rule maps to is ``outside_scope``: it needs evidence Execlave
   does not hold.
2. Rules in the same group are alternatives: the best status in a group counts
   (supports > partial > not tested > gap).
3. If the control has any primary rule, only primary groups decide: all
   ``supports`` -> supports, all gap -> gap, all not tested -> not tested,
   anything else -> partial. Supporting rules then only add evidence.
4. A control with supporting rules only can at best be ``partial``: Execlave
   contributes evidence but cannot show the whole control on its own.

Applicability by the organisation (AI Act role, high-risk systems) and the
HIPAA cap of a standard by its required specifications are applied by
``compliance.applicability`` around this.

Remediation lists the specific actions of every deciding rule that does not
support the control (primary rules first).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from compliance.catalog import ROLE_PRIMARY, ControlLink

SUPPORTS = "supports"
PARTIAL = "partial"
GAP = "gap"
NOT_TESTED = "not_tested"
OUTSIDE_SCOPE = "outside_scope"
NOT_APPLICABLE = "not_applicable"
#: Every status a control can have, in the order reports list them.
STATUSES = (SUPPORTS, PARTIAL, GAP, NOT_TESTED, OUTSIDE_SCOPE, NOT_APPLICABLE)
#: Statuses a rule can conclude (a rule is never "outside scope": it is evidence we hold).
RULE_STATUSES = (SUPPORTS, PARTIAL, GAP, NOT_TESTED, NOT_APPLICABLE)
#: Statuses that state how far the evidence goes; the others say why it was not assessed.
ASSESSED = (SUPPORTS, PARTIAL, GAP)
STATUS_LABELS = {
    SUPPORTS: "Evidence supports",
    PARTIAL: "Partial",
    GAP: "Gap",
    NOT_TESTED: "Not tested",
    OUTSIDE_SCOPE: "Outside Execlave's scope",
    NOT_APPLICABLE: "Not applicable",
}
STATUS_MEANINGS = {
    SUPPORTS: "The primary evidence held in Execlave covers the whole period and can carry the control.",
    PARTIAL: "Execlave holds some evidence, but not enough on its own or not for the whole period.",
    GAP: (
        "Execlave's evidence for this control is missing or shows it failing for the agents "
        "Execlave governs; for a control Execlave only supports, it is Execlave's part that is missing."
    ),
    NOT_TESTED: "Nothing happened in the period that would exercise the control, so it could not be tested.",
    OUTSIDE_SCOPE: "The control needs evidence Execlave does not hold; evidence it outside Execlave.",
    NOT_APPLICABLE: "The control does not apply to the organisation, for the reason given.",
}
_RANK = {GAP: 0, NOT_TESTED: 1, PARTIAL: 2, SUPPORTS: 3}

OUTSIDE_SCOPE_REASON = (
    "Execlave holds no evidence for this control (for example physical, personnel, "
    "supplier or business-continuity measures); it must be evidenced outside Execlave."
)
SUPPORTING_ONLY_REASON = (
    "Execlave provides supporting evidence only; the control must also be evidenced "
    "outside Execlave."
)


@dataclass(frozen=True)
class RuleResult:
    """What one evidence collector concluded for one mapping rule."""

    status: str
    reason: str
    evidence: Sequence[Mapping[str, Any]] = field(default_factory=tuple)
    remediation: Sequence[str] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.status not in RULE_STATUSES:
            raise ValueError(f"unknown status {self.status!r}")


@dataclass(frozen=True)
class Finding:
    rule_id: str
    signal: str
    role: str
    group: str
    status: str
    reason: str
    rationale: str
    limits: str
    evidence: Sequence[Mapping[str, Any]]
    remediation: Sequence[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "signal": self.signal,
            "role": self.role,
            "status": self.status,
            "reason": self.reason,
            "rationale": self.rationale,
            "limits": self.limits,
        }


def _best(statuses: Iterable[str]) -> str:
    return max(statuses, key=_RANK.__getitem__)


def _combine_groups(group_statuses: list[str]) -> str:
    for uniform in (SUPPORTS, GAP, NOT_TESTED):
        if all(s == uniform for s in group_statuses):
            return uniform
    return PARTIAL


def _deciding_groups(findings: Sequence[Finding]) -> tuple[dict[str, list[Finding]], bool]:
    """Findings that decide the status, by group; and whether they are primary."""
    live = [f for f in findings if f.status != NOT_APPLICABLE]
    primary = [f for f in live if f.role == ROLE_PRIMARY]
    groups: dict[str, list[Finding]] = {}
    for f in primary or live:
        groups.setdefault(f.group, []).append(f)
    return groups, bool(primary)


def combine(findings: Sequence[Finding]) -> str:
    """Status of a control from its findings (see the module docstring)."""
    groups, has_primary = _deciding_groups(findings)
    if not groups:
        return NOT_APPLICABLE
    status = _combine_groups([_best(f.status for f in g) for g in groups.values()])
    if not has_primary and status == SUPPORTS:
        status = PARTIAL
    return status


def assess_control(
    *,
    framework: str,
    control_id: str,
    title: str,
    section: str,
    links: Sequence[ControlLink],
    results: Mapping[str, RuleResult],
) -> dict[str, Any]:
    """One control's entry of the report content (see compliance.content)."""
    base = {"id": control_id, "title": title, "section": section}
    if not links:
        return {
            **base,
            "status": OUTSIDE_SCOPE,
            "reason": OUTSIDE_SCOPE_REASON,
            "findings": [],
            "evidence": [],
            "remediation": [],
        }
    findings: list[Finding] = []
    for link in links:
        result = results.get(link.rule.id)
        if result is None:
            continue
        findings.append(
            Finding(
                rule_id=link.rule.id,
                signal=link.rule.signal,
                role=link.role,
                group=link.rule.group,
                status=result.status,
                reason=result.reason,
                rationale=link.rule.rationale,
                limits=link.rule.limits,
                evidence=tuple(result.evidence),
                remediation=tuple(result.remediation),
            )
        )
    # Primary findings first, then by severity, so the reason leads with what decided.
    findings.sort(key=lambda f: (f.role != ROLE_PRIMARY, _RANK.get(f.status, 3)))
    status = combine(findings)
    if status == NOT_APPLICABLE:
        reasons = [f.reason for f in findings if f.reason] or ["No mapped evidence applies."]
        return {
            **base,
            "status": NOT_APPLICABLE,
            "reason": " ".join(reasons),
            "findings": [f.as_dict() for f in findings],
            "evidence": [],
            "remediation": [],
        }
    groups, has_primary = _deciding_groups(findings)
    reasons: list[str] = []
    remediation: list[str] = []
    for members in groups.values():
        best = _best(f.status for f in members)
        # Within a group of alternatives the best one speaks for the group; when
        # none is satisfied, every alternative's fix is a way to close it.
        for f in members:
            if f.status == best and f.reason and f.reason not in reasons:
                reasons.append(f.reason)
            if best != SUPPORTS:
                for item in f.remediation:
                    if item not in remediation:
                        remediation.append(item)
    if not has_primary:
        reasons.append(SUPPORTING_ONLY_REASON)
    else:
        # Weak supporting evidence is worth fixing too, after the deciding actions.
        for f in findings:
            if f.role != ROLE_PRIMARY and f.status in (GAP, PARTIAL):
                for item in f.remediation:
                    if item not in remediation:
                        remediation.append(item)
    # Evidence stays attached to the rule that produced it: the same label (e.g.
    # "Active agents covered") means different things under different policies.
    evidence = [{**item, "rule": f.rule_id} for f in findings for item in f.evidence]
    return {
        **base,
        "status": status,
        "reason": " ".join(reasons),
        "findings": [f.as_dict() for f in findings],
        "evidence": evidence,
        "remediation": remediation,
    }
