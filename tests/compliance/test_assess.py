"""How rule results combine into a control's status (pure; no database)."""

from __future__ import annotations

import pytest

from compliance.assess import (
    GAP,
    NOT_APPLICABLE,
    NOT_TESTED,
    OUTSIDE_SCOPE,
    PARTIAL,
    SUPPORTS,
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
    assert entry["status"] == OUTSIDE_SCOPE
    assert "no evidence" in entry["reason"]


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ((SUPPORTS, SUPPORTS), SUPPORTS),
        ((SUPPORTS, GAP), PARTIAL),
        ((PARTIAL, SUPPORTS), PARTIAL),
        ((GAP, GAP), GAP),
        ((SUPPORTS, NOT_APPLICABLE), SUPPORTS),
        ((NOT_APPLICABLE, NOT_APPLICABLE), NOT_APPLICABLE),
        ((NOT_TESTED, NOT_TESTED), NOT_TESTED),
        ((SUPPORTS, NOT_TESTED), PARTIAL),
        ((GAP, NOT_TESTED), PARTIAL),
        ((NOT_TESTED, NOT_APPLICABLE), NOT_TESTED),
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
        {"a": RuleResult(GAP, "no a", remediation=["add a"]), "b": RuleResult(SUPPORTS, "b ok")},
    )
    assert entry["status"] == SUPPORTS
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
            "ledger": RuleResult(SUPPORTS, "intact"),
        },
    )
    assert entry["status"] == GAP
    assert entry["reason"] == "90 days < 183"
    assert entry["remediation"] == ["keep six months"]
    assert [f["rule"] for f in entry["findings"]] == ["retention", "ledger"]


def test_supporting_only_is_at_best_partial():
    entry = assess([ControlLink(rule("s"), ROLE_SUPPORTING)], {"s": RuleResult(SUPPORTS, "fine")})
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
        {"a": RuleResult(SUPPORTS, "a", [metric]), "b": RuleResult(SUPPORTS, "b", [metric])},
    )
    assert [e["rule"] for e in entry["evidence"]] == ["a", "b"]


def test_unknown_status_is_refused():
    with pytest.raises(ValueError):
        RuleResult("great", "nope")


def test_not_tested_is_not_a_pass_and_not_a_gap():
    """Nothing happened: the control says so instead of passing (or failing) on no evidence."""
    entry = assess(
        [ControlLink(rule("audit"), ROLE_PRIMARY)],
        {"audit": RuleResult(NOT_TESTED, "No change in the period.")},
    )
    assert entry["status"] == NOT_TESTED
    assert entry["reason"] == "No change in the period."


def test_an_alternative_that_supports_beats_one_not_tested():
    links = [ControlLink(rule("a", "g"), ROLE_PRIMARY), ControlLink(rule("b", "g"), ROLE_PRIMARY)]
    entry = assess(links, {"a": RuleResult(NOT_TESTED, "idle"), "b": RuleResult(SUPPORTS, "ok")})
    assert entry["status"] == SUPPORTS
    gap_or_idle = assess(links, {"a": RuleResult(NOT_TESTED, "idle"), "b": RuleResult(GAP, "no")})
    assert gap_or_idle["status"] == NOT_TESTED


def test_the_finding_carries_what_the_rule_proves_and_what_it_does_not():
    r = MappingRule(
        id="r",
        signal="policy",
        params={},
        group="r",
        rationale="proves this",
        remediation="fix",
        primary={},
        supporting={},
        limits="not that",
    )
    entry = assess([ControlLink(r, ROLE_PRIMARY)], {"r": RuleResult(SUPPORTS, "ok")})
    assert entry["findings"][0]["rationale"] == "proves this"
    assert entry["findings"][0]["limits"] == "not that"
