"""Each policy type maps itself to its controls by type: creating a policy changes the
assessment of those controls with no tagging."""

from __future__ import annotations

import pytest

from compliance.catalog import POLICY_TYPES, ROLE_PRIMARY, default_catalog
from compliance.evidence.policies import type_label
from governance.models import RiskClass
from tests.compliance.conftest import control
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def _target(policy_type):
    """A (framework, control) the policy type maps to, preferring a primary mapping."""
    rule = default_catalog().rules_for_policy_type(policy_type)[0]
    for framework, pairs in sorted(rule.primary.items()):
        return rule, framework, pairs[0], ROLE_PRIMARY
    framework, pairs = sorted(rule.supporting.items())[0]
    return rule, framework, pairs[0], "supporting"


def _finding(report, control_id, rule_id):
    return next(f for f in control(report, control_id)["findings"] if f["rule"] == rule_id)


@pytest.mark.parametrize("policy_type", POLICY_TYPES)
def test_a_new_policy_maps_itself_by_type(org, owner, generate, make_policy, policy_type):
    # High-risk, so the AI Act's high-risk articles apply to the organisation.
    AgentFactory(organisation=org, name="support-bot", owner=owner, risk_class=RiskClass.HIGH)
    AgentFactory(organisation=org, name="billing-bot", owner=owner)
    rule, framework, control_id, role = _target(policy_type)

    before = generate(org, framework)
    assert _finding(before, control_id, rule.id)["status"] == "gap"
    reason = _finding(before, control_id, rule.id)["reason"]
    assert f"No {type_label(policy_type)} policy was enabled" in reason

    make_policy(org, policy_type, mode="block")
    after = generate(org, framework)
    finding = _finding(after, control_id, rule.id)
    assert finding["status"] == "supports", finding
    assert finding["role"] == role
    assert "on all 2 active agents" in finding["reason"]
    if role == ROLE_PRIMARY and len(control(after, control_id)["findings"]) == 1:
        assert control(after, control_id)["status"] == "supports"
    if role != ROLE_PRIMARY:  # supporting evidence never makes a control "evidence supports"
        assert control(after, control_id)["status"] != "supports"


def test_pii_policy_coverage_reason_names_uncovered_and_monitored_agents(
    org, owner, generate, make_policy
):
    covered = AgentFactory(organisation=org, name="support-bot", owner=owner)
    AgentFactory(organisation=org, name="crm-sync", owner=owner)
    watched = AgentFactory(organisation=org, name="billing-bot", owner=owner)
    make_policy(org, "pii_access", mode="block", agents=[covered], name="PII guard")
    make_policy(org, "pii_access", mode="monitor", agents=[watched], name="PII watch")
    report = generate(org, "gdpr")
    art25 = control(report, "Art. 25")
    assert art25["status"] == "partial"
    assert "enforced on 1 of 3 active agents" in art25["reason"]
    assert "1 only warned or monitored: billing-bot" in art25["reason"]
    assert "1 agent uncovered: crm-sync" in art25["reason"]
    assert any("crm-sync" in r for r in art25["remediation"])
    assert any("billing-bot" in r for r in art25["remediation"])


def test_human_oversight_needs_the_approval_policy_and_decisions(org, owner, generate, make_policy):
    AgentFactory(organisation=org, name="billing-bot", owner=owner, risk_class=RiskClass.HIGH)
    report = generate(org, "eu_ai_act")
    assert control(report, "Art. 14")["status"] == "gap"
    make_policy(org, "action_approval", mode="require_approval")
    report = generate(org, "eu_ai_act")
    # The policy is there; no action needed approval yet, so oversight could not be tested:
    # the policy alone does not make Art. 14 "evidence supports".
    art14 = control(report, "Art. 14")
    oversight = next(f for f in art14["findings"] if f["rule"] == "oversight.approvals")
    assert oversight["status"] == "not_tested"
    assert art14["status"] == "partial"


def test_the_report_names_policy_types_as_the_console_does(org, owner, generate, make_policy):
    """Findings and remediation said "No data_restriction policy was enabled" and "Create a
    pii_access policy in block (or require_approval) mode": the console's wizard calls them
    “Data restriction” and “PII access”, and the modes Block and Require approval."""
    import json
    import re

    AgentFactory(organisation=org, name="support-bot", owner=owner)
    make_policy(org, "pii_access", mode="monitor", name="PII watch")
    report = generate(org, "gdpr")
    prose = json.dumps(
        [
            [f["reason"], f["rationale"], f["limits"], *c.get("remediation", [])]
            for c in report.content["controls"]
            for f in c["findings"]
        ]
    )
    codes = "|".join(POLICY_TYPES)
    assert not re.search(rf"\b({codes}) polic", prose), re.findall(
        rf".{{40}}\b(?:{codes}) polic", prose
    )
    assert "require_approval" not in prose and "decide_approvals" not in prose
    assert "No \\u201cData restriction\\u201d policy was enabled" in prose
    assert "Create a \\u201cData restriction\\u201d policy naming the data" in prose
    assert "Switch the \\u201cPII access\\u201d policy to Block or Require approval mode" in prose
