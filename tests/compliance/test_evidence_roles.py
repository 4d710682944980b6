"""Evidence that cannot carry a control no longer satisfies it on its own (issue 18's review,
rule by rule), HIPAA standards are capped by their required specifications, and the AI Act
applies by role and by high-risk agents. Pure: the shipped catalog and the assessment code."""

from __future__ import annotations

import pytest

from compliance.applicability import cap_hipaa_standards, not_applicable_reason
from compliance.assess import (
    GAP,
    NOT_APPLICABLE,
    OUTSIDE_SCOPE,
    PARTIAL,
    SUPPORTS,
    RuleResult,
    assess_control,
)
from compliance.catalog import ROLE_SUPPORTING, default_catalog

#: (framework, control, rule) pairs the issue names: the rule's evidence cannot carry the control.
DOWNGRADED = [
    ("gdpr", "Art. 25", "policy.pii_access"),
    ("gdpr", "Art. 5(1)(c)", "policy.pii_access"),
    ("gdpr", "Art. 5(2)", "ledger.integrity"),
    ("iso27001", "5.34", "policy.pii_access"),
    ("iso27001", "5.9", "inventory.agents"),
    ("iso27001", "8.26", "policy.prompt_injection"),
    ("iso27001", "8.6", "policy.cost_limit"),
    ("iso27001", "8.6", "policy.budget_cap"),
    ("hipaa", "164.312(c)(1)", "ledger.integrity"),
    ("hipaa", "164.308(a)(2)", "access.roles"),
    ("hipaa", "164.308(a)(1)(ii)(D)", "ledger.integrity"),
    ("hipaa", "164.316(a)", "policy.program"),
    ("hipaa", "164.316(b)(1)", "audit.configuration_changes"),
    ("soc2", "CC6.8", "policy.prompt_injection"),
    ("soc2", "CC7.2", "ledger.integrity"),
    ("soc2", "CC8.1", "change.policy_history"),
    ("soc2", "CC5.3", "policy.program"),
    ("eu_ai_act", "Art. 15", "policy.prompt_injection"),
    ("eu_ai_act", "Art. 15", "policy.quality_threshold"),
    ("eu_ai_act", "Art. 72", "monitoring.enforcement"),
    ("eu_ai_act", "Art. 26", "retention.high_risk_logs"),
    ("eu_ai_act", "Art. 26", "ledger.integrity"),
]


@pytest.fixture(scope="module")
def catalog():
    return default_catalog()


def _assess(catalog, framework, control_id, results):
    control = catalog.framework(framework).control(control_id)
    return assess_control(
        framework=framework,
        control_id=control.id,
        title=control.title,
        section=control.section,
        links=catalog.links_for_control(framework, control_id),
        results=results,
    )


@pytest.mark.parametrize(("framework", "control_id", "rule_id"), DOWNGRADED)
def test_downgraded_rule_alone_does_not_satisfy_its_control(
    catalog, framework, control_id, rule_id
):
    links = catalog.links_for_control(framework, control_id)
    role = {link.rule.id: link.role for link in links}
    assert role[rule_id] == ROLE_SUPPORTING
    # The downgraded rule's evidence holds in full; nothing else maps or applies.
    results = {link.rule.id: RuleResult(NOT_APPLICABLE, "n/a") for link in links}
    results[rule_id] = RuleResult(SUPPORTS, "the evidence holds for the whole period")
    entry = _assess(catalog, framework, control_id, results)
    assert entry["status"] != SUPPORTS
    assert entry["status"] == PARTIAL


def test_only_primary_evidence_that_holds_supports_a_control(catalog):
    """The positive case, so the test above can fail: Art. 19 on retention alone."""
    links = catalog.links_for_control("eu_ai_act", "Art. 19")
    results = {link.rule.id: RuleResult(NOT_APPLICABLE, "n/a") for link in links}
    results["retention.high_risk_logs"] = RuleResult(SUPPORTS, "six calendar months kept")
    assert _assess(catalog, "eu_ai_act", "Art. 19", results)["status"] == SUPPORTS


def _hipaa_entries(catalog, statuses):
    framework = catalog.framework("hipaa")
    return framework.controls, [
        {"id": c.id, "status": statuses.get(c.id, OUTSIDE_SCOPE), "reason": "r"}
        for c in framework.controls
    ]


def test_hipaa_standard_is_capped_by_a_required_specification_out_of_scope(catalog):
    # 164.308(a)(1)(i) Security management process: (A) risk analysis is required and outside
    # Execlave's evidence.
    controls, entries = _hipaa_entries(
        catalog,
        {
            "164.308(a)(1)(i)": SUPPORTS,
            "164.308(a)(1)(ii)(B)": PARTIAL,
            "164.308(a)(1)(ii)(D)": SUPPORTS,
        },
    )
    cap_hipaa_standards(controls, entries)
    standard = next(e for e in entries if e["id"] == "164.308(a)(1)(i)")
    assert standard["status"] == PARTIAL
    assert "164.308(a)(1)(ii)(A) Risk analysis (outside execlave's scope)" in standard["reason"]
    assert "164.308(a)(1)(ii)(A)" in standard["capped_by"]


def test_hipaa_cap_ignores_addressable_specifications_and_needs_a_gap_or_out_of_scope(catalog):
    # 164.312(a)(1) Access control: (i) unique user identification and (ii) emergency access
    # are required; (iii) automatic logoff and (iv) encryption are addressable.
    statuses = {
        "164.312(a)(1)": SUPPORTS,
        "164.312(a)(2)(i)": SUPPORTS,
        "164.312(a)(2)(ii)": PARTIAL,
        "164.312(a)(2)(iii)": GAP,
        "164.312(a)(2)(iv)": OUTSIDE_SCOPE,
    }
    controls, entries = _hipaa_entries(catalog, statuses)
    cap_hipaa_standards(controls, entries)
    assert next(e for e in entries if e["id"] == "164.312(a)(1)")["status"] == SUPPORTS
    statuses["164.312(a)(2)(ii)"] = GAP
    controls, entries = _hipaa_entries(catalog, statuses)
    cap_hipaa_standards(controls, entries)
    assert next(e for e in entries if e["id"] == "164.312(a)(1)")["status"] == PARTIAL


def test_ai_act_high_risk_articles_apply_only_with_a_high_risk_agent(catalog):
    ai_act = catalog.framework("eu_ai_act")
    art14, art4 = ai_act.control("Art. 14"), ai_act.control("Art. 4")
    reason = not_applicable_reason(art14, ai_act_role="", high_risk_agents=[])
    assert reason and "high-risk" in reason
    assert not_applicable_reason(art14, ai_act_role="", high_risk_agents=["scorer"]) is None
    assert not_applicable_reason(art4, ai_act_role="", high_risk_agents=[]) is None


def test_ai_act_articles_apply_by_provider_or_deployer_role(catalog):
    ai_act = catalog.framework("eu_ai_act")
    art16, art26 = ai_act.control("Art. 16"), ai_act.control("Art. 26(6)")
    high = ["scorer"]
    assert "role is deployer" in not_applicable_reason(
        art16, ai_act_role="deployer", high_risk_agents=high
    )
    assert not_applicable_reason(art26, ai_act_role="deployer", high_risk_agents=high) is None
    assert not_applicable_reason(art26, ai_act_role="provider", high_risk_agents=high)
    for role in ("both", ""):
        assert not_applicable_reason(art16, ai_act_role=role, high_risk_agents=high) is None


def test_a_gap_does_not_claim_the_control_is_not_operating(org, owner, generate):
    """A control Execlave only supports (GDPR Art. 5(1)(b): a “Data restriction” policy) is a
    gap when that policy is missing; the report then said "The evidence Execlave holds shows
    the control is not operating", which the absence of one Execlave policy cannot show."""
    from compliance.assess import GAP, STATUS_MEANINGS
    from tests.compliance.conftest import control

    report = generate(org, "gdpr")
    art = control(report, "Art. 5(1)(b)")
    assert art["status"] == GAP
    assert {f["role"] for f in art["findings"]} == {"supporting"}
    assert "not operating" not in STATUS_MEANINGS[GAP]
    assert "it is Execlave's part that is missing" in STATUS_MEANINGS[GAP]
