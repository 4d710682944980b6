"""How rule results combine into a control's status (pure; no database)."""

from __future__ import annotations

import pytest

from compliance.assess import (
    GAP,
    NOT_APPLICABLE,
    PARTIAL,
    SATISFIED,
    SCOPE_OUTSIDE,
    RuleResult,
    assess_control,
)
from compliance.catalog import ROLE_PRIMARY, ROLE_SUPPORTING, ControlLink, MappingRule


def rule(rule_id, group=None):
    return MappingRule(
        id=rule_id,
        signal="policy",
        params={},
        group=group or rule_id,
        rationale="why",
        remediation="fix",
        primary={},
        supporting={},
    )


def assess(links, results):
    return assess_control(
        framework="x", control_id="C1", title="T", section="S", links=links, results=results
    )


def test_a_control_no_rule_maps_to_is_outside_scope():
    entry = assess([], {})
    assert entry["status"] == NOT_APPLICABLE and entry["scope"] == SCOPE_OUTSIDE


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ((SATISFIED, SATISFIED), SATISFIED),
        ((SATISFIED, GAP), PARTIAL),
        ((PARTIAL, SATISFIED), PARTIAL),
        ((GAP, GAP), GAP),
        ((SATISFIED, NOT_APPLICABLE), SATISFIED),
        ((NOT_APPLICABLE, NOT_APPLICABLE), NOT_APPLICABLE),
    ],
)
def test_primary_groups_must_all_hold(statuses, expected):
    links = [ControlLink(rule(f"r{i}"), ROLE_PRIMARY) for i in range(len(statuses))]
    results = {f"r{i}": RuleResult(s, f"reason {i}") for i, s in enumerate(statuses)}
    assert assess(links, results)["status"] == expected


def test_alternatives_in_one_group_count_by_the_best():
    links = [ControlLink(rule("a", "g"), ROLE_PRIMARY), ControlLink(rule("b", "g"), ROLE_PRIMARY)]
    entry = assess(
        links,
        {"a": RuleResult(GAP, "no a", remediation=["add a"]), "b": RuleResult(SATISFIED, "b ok")},
    )
    assert entry["status"] == SATISFIED
    assert entry["reason"] == "b ok"
    assert entry["remediation"] == []


def test_supporting_evidence_cannot_lift_a_primary_gap():
    links = [
        ControlLink(rule("retention"), ROLE_PRIMARY),
        ControlLink(rule("ledger"), ROLE_SUPPORTING),
    ]
    entry = assess(
        links,
        {
            "retention": RuleResult(GAP, "90 days < 183", remediation=["keep six months"]),
            "ledger": RuleResult(SATISFIED, "intact"),
        },
    )
    assert entry["status"] == GAP
    assert entry["reason"] == "90 days < 183"
    assert entry["remediation"] == ["keep six months"]
    assert [f["rule"] for f in entry["findings"]] == ["retention", "ledger"]


def test_supporting_only_is_at_best_partial():
    entry = assess([ControlLink(rule("s"), ROLE_SUPPORTING)], {"s": RuleResult(SATISFIED, "fine")})
    assert entry["status"] == PARTIAL
    assert "supporting evidence only" in entry["reason"]
    gap = assess(
        [ControlLink(rule("s"), ROLE_SUPPORTING)],
        {"s": RuleResult(GAP, "missing", remediation=["do it"])},
    )
    assert gap["status"] == GAP and gap["remediation"] == ["do it"]


def test_evidence_stays_with_the_rule_that_produced_it():
    links = [ControlLink(rule("a"), ROLE_PRIMARY), ControlLink(rule("b"), ROLE_PRIMARY)]
    metric = {"kind": "metric", "label": "Active agents covered", "value": "14 of 14"}
    entry = assess(
        links,
        {"a": RuleResult(SATISFIED, "a", [metric]), "b": RuleResult(SATISFIED, "b", [metric])},
    )
    assert [e["rule"] for e in entry["evidence"]] == ["a", "b"]


def test_unknown_status_is_refused():
    with pytest.raises(ValueError):
        RuleResult("great", "nope")
