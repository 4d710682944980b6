"""Period-true evidence: the organisation as it stood during the report period, not as it stands
when the report is generated; ledger rules that say when retention removed the period's start;
"not tested" when nothing happened; the AI Act's applicability by high-risk agents and role."""

from __future__ import annotations

from datetime import timedelta

import pytest

from governance import services as gov
from governance.models import AiActRole, Plan, RiskClass
from tests.compliance.conftest import control
from tests.factories import AgentFactory
from traces.services import retention_apply

pytestmark = pytest.mark.django_db


def _finding(report, control_id, rule_id):
    return next(f for f in control(report, control_id)["findings"] if f["rule"] == rule_id)


def test_a_policy_created_after_the_period_does_not_count_for_it(
    org, owner, generate, make_policy, travel_to, real_now
):
    AgentFactory(organisation=org, name="support-bot", owner=owner)
    start, end = real_now - timedelta(days=30), real_now - timedelta(days=10)
    with travel_to(real_now - timedelta(days=5)):  # after the period
        make_policy(org, "access_control", mode="block", name="Deny deletes")
    report = generate(org, "iso27001", start=start, end=end)
    finding = _finding(report, "5.15", "policy.access_control")
    assert finding["status"] == "gap"
    assert "No \u201cAccess control\u201d policy was enabled" in finding["reason"]
    # The same policy does count for a period it was in force throughout.
    later = generate(org, "iso27001", start=real_now - timedelta(days=4))
    assert _finding(later, "5.15", "policy.access_control")["status"] == "supports"


def test_a_policy_enabled_during_the_period_counts_only_from_then(
    org, owner, generate, make_policy, travel_to, real_now
):
    AgentFactory(organisation=org, name="support-bot", owner=owner)
    with travel_to(real_now - timedelta(days=12)):
        make_policy(org, "access_control", mode="block", name="Deny deletes")
    finding = _finding(generate(org, "iso27001"), "5.15", "policy.access_control")
    assert finding["status"] == "partial"
    assert finding["reason"].startswith("The evidence supports this only from")
    assert "No \u201cAccess control\u201d policy was enabled" in finding["reason"]


def test_a_policy_weakened_and_then_deleted_is_judged_by_its_versions_in_the_period(
    org, owner, generate, make_policy, travel_to, real_now
):
    """The policy no longer exists when the report runs; the audit log still knows it."""
    from policies import services as policy_services

    AgentFactory(organisation=org, name="support-bot", owner=owner)
    policy = make_policy(org, "access_control", mode="block", name="Deny deletes")
    with travel_to(real_now - timedelta(days=15)):
        policy = policy_services.policy_update(policy=policy, actor=owner, mode="monitor")
    with travel_to(real_now - timedelta(days=5)):
        policy_services.policy_delete(policy=policy, actor=owner)
    start, end = real_now - timedelta(days=30), real_now - timedelta(days=10)
    report = generate(org, "iso27001", start=start, end=end)
    finding = _finding(report, "5.15", "policy.access_control")
    assert finding["status"] == "partial"
    assert "only warned or monitored: support-bot" in finding["reason"]
    stretches = next(
        e
        for e in control(report, "5.15")["evidence"]
        if e["label"].startswith("\u201cAccess control\u201d")
    )
    assert [row[2] for row in stretches["rows"]] == ["supports", "partial"]
    # Over a period wholly before the change, version 1 (block) supports the control.
    early = generate(
        org, "iso27001", start=real_now - timedelta(days=30), end=real_now - timedelta(days=20)
    )
    assert _finding(early, "5.15", "policy.access_control")["status"] == "supports"


def test_an_agent_added_during_the_period_without_coverage_breaks_the_rest_of_it(
    org, owner, generate, make_policy, travel_to, real_now
):
    AgentFactory(organisation=org, name="support-bot", owner=owner)
    make_policy(org, "access_control", mode="block", agents=["support-bot"], name="Scoped")
    with travel_to(real_now - timedelta(days=8)):
        gov.agent_create(organisation=org, name="crm-sync", actor=owner)
    finding = _finding(generate(org, "iso27001"), "5.15", "policy.access_control")
    assert finding["status"] == "partial"
    assert "1 agent uncovered: crm-sync" in finding["reason"]


def test_a_period_longer_than_retention_is_partial_from_the_retained_date(
    org, owner, generate, record_decisions, at_now, real_now
):
    org.plan = Plan.PRO  # 90 days
    org.save()
    agent = AgentFactory(organisation=org, name="support-bot", owner=owner)
    record_decisions(org, agent, n=3)
    with at_now():
        # Retention runs as it would 91 days from now: the three entries go, a checkpoint stays.
        assert retention_apply(organisation=org, now=real_now + timedelta(days=91)) is not None
    record_decisions(org, agent, n=2)
    report = generate(org, "iso27001", start=real_now - timedelta(days=200))
    entry = control(report, "8.15")
    assert entry["status"] == "partial"
    retained = report.content["appendix"]["ledger"]["retained_from"]
    assert retained is not None and retained[:10] == real_now.date().isoformat()
    assert f"evidence retained only from {retained[:10]}" in entry["reason"]
    assert report.content["appendix"]["ledger"]["ok"] is True
    assert _finding(report, "8.16", "monitoring.enforcement")["status"] == "partial"


def test_nothing_happened_is_not_tested_rather_than_passed(org, owner, reviewer, generate):
    report = generate(org, "soc2")
    # No policy change, no configuration change by a person, no agent activity.
    assert _finding(report, "CC8.1", "change.policy_history")["status"] == "not_tested"
    assert _finding(report, "CC8.1", "audit.configuration_changes")["status"] == "not_tested"
    assert control(report, "CC8.1")["status"] == "not_tested"
    gdpr = generate(org, "gdpr")
    assert control(gdpr, "Art. 15")["status"] == "not_tested"
    assert "could not be tested" in control(gdpr, "Art. 15")["reason"]
    assert gdpr.content["summary"]["not_tested"] >= 4


def test_hipaa_standard_capped_by_a_required_specification_in_a_generated_report(
    org, owner, generate, make_policy
):
    AgentFactory(organisation=org, name="support-bot", owner=owner)
    make_policy(org, "access_control", mode="block")
    report = generate(org, "hipaa")
    standard = control(report, "164.312(a)(1)")
    # access_control supports the standard, but emergency access (required) is outside scope.
    assert _finding(report, "164.312(a)(1)", "policy.access_control")["status"] == "supports"
    assert control(report, "164.312(a)(2)(ii)")["status"] == "outside_scope"
    assert standard["status"] == "partial"
    assert standard["capped_by"] == ["164.312(a)(2)(ii)"]
    assert standard["reason"].startswith("Capped at partial")


def test_ai_act_high_risk_chapters_need_a_high_risk_agent_in_the_period(org, owner, generate):
    AgentFactory(organisation=org, name="support-bot", owner=owner)
    report = generate(org, "eu_ai_act")
    for article in ("Art. 9", "Art. 12", "Art. 14", "Art. 19", "Art. 26", "Art. 26(6)", "Art. 72"):
        entry = control(report, article)
        assert entry["status"] == "not_applicable", article
        assert "no agent was classified high-risk" in entry["reason"]
    assert control(report, "Art. 4")["status"] != "not_applicable"
    facts = {f["label"]: f["value"] for f in report.content["applicability"]}
    assert facts["High-risk agents in the period (active or not)"] == "0"


def test_an_inactive_or_since_reclassified_high_risk_agent_still_brings_the_chapters_in(
    org, owner, generate, travel_to, real_now
):
    agent = gov.agent_create(
        organisation=org, name="credit-scoring", actor=owner, risk_class=RiskClass.HIGH
    )
    with travel_to(real_now - timedelta(days=10)):
        gov.agent_update(agent=agent, actor=owner, risk_class=RiskClass.MINIMAL, is_active=False)
    report = generate(org, "eu_ai_act")
    assert control(report, "Art. 14")["status"] != "not_applicable"
    assert control(report, "Art. 26(6)")["status"] != "not_applicable"
    facts = {f["label"]: f["value"] for f in report.content["applicability"]}
    assert facts["High-risk agents in the period (active or not)"] == "1: credit-scoring"
    # Reclassified high-risk only after a period: that period has no high-risk agent.
    other = gov.agent_create(organisation=org, name="triage", actor=owner)
    with travel_to(real_now - timedelta(days=2)):
        gov.agent_update(agent=other, actor=owner, risk_class=RiskClass.HIGH)
    early = generate(
        org, "eu_ai_act", start=real_now - timedelta(days=9), end=real_now - timedelta(days=3)
    )
    assert control(early, "Art. 14")["status"] == "not_applicable"


def test_ai_act_role_from_the_organisation_setting(org, owner, generate):
    AgentFactory(organisation=org, name="scorer", owner=owner, risk_class=RiskClass.HIGH)
    both = generate(org, "eu_ai_act")
    assert control(both, "Art. 16")["status"] != "not_applicable"
    facts = {f["label"]: f["value"] for f in both.content["applicability"]}
    assert facts["EU AI Act role (Organisation settings)"].startswith("not set")

    gov.organisation_update(organisation=org, actor=owner, ai_act_role=AiActRole.DEPLOYER)
    deployer = generate(org, "eu_ai_act")
    art16 = control(deployer, "Art. 16")
    assert art16["status"] == "not_applicable"
    assert "role is deployer" in art16["reason"]
    assert control(deployer, "Art. 26(6)")["status"] != "not_applicable"
    assert control(deployer, "Art. 19")["status"] == "not_applicable"

    gov.organisation_update(organisation=org, actor=owner, ai_act_role=AiActRole.PROVIDER)
    provider = generate(org, "eu_ai_act")
    assert control(provider, "Art. 26(6)")["status"] == "not_applicable"
    assert control(provider, "Art. 19")["status"] != "not_applicable"


def test_gdpr_storage_limitation_needs_a_documented_purpose(org, owner, generate):
    org.plan = Plan.PRO
    org.save()
    finding = _finding(generate(org, "gdpr"), "Art. 5(1)(e)", "retention.storage_limitation")
    assert finding["status"] == "partial"
    assert "purpose is not documented" in finding["reason"]
    gov.organisation_update(
        organisation=org,
        actor=owner,
        retention_purpose="Agent call records serve incident investigation for 90 days.",
    )
    entry = control(generate(org, "gdpr"), "Art. 5(1)(e)")
    assert entry["status"] == "supports"
    assert "incident investigation" in entry["reason"]


def test_shared_api_keys_fail_unique_identification(org, owner, generate):
    one = AgentFactory(organisation=org, name="support-bot", owner=owner)
    AgentFactory(organisation=org, name="billing-bot", owner=owner)
    key, _secret = gov.api_key_create(
        organisation=org, actor=owner, name="shared", scopes=["check"]
    )
    finding = _finding(generate(org, "hipaa"), "164.312(a)(2)(i)", "access.api_keys")
    assert finding["status"] == "partial"
    assert "cannot be identified uniquely" in finding["reason"]
    gov.api_key_revoke(api_key=key, actor=owner)
    gov.api_key_create(organisation=org, actor=owner, name="own", scopes=["check"], agent=one)
    finding = _finding(generate(org, "hipaa"), "164.312(a)(2)(i)", "access.api_keys")
    assert "cannot be identified uniquely" not in finding["reason"]


def test_one_person_changing_policies_and_deciding_approvals_is_not_segregation(
    org, owner, admin_user, compliance_officer, reviewer, generate, make_policy, at_now
):
    import uuid

    from approvals import services as approvals

    agent = AgentFactory(organisation=org, name="support-bot", owner=owner)
    with at_now():
        make_policy(org, "cost_limit")  # by the owner, in the period
        approval = approvals.approval_request_create(
            organisation=org,
            trace_id=uuid.uuid4(),
            agent=agent,
            tool="payments.send",
            input={"amount": "10"},
            policy=None,
            reason="payment",
            timeout_seconds=600,
            required_role="reviewer",
        )
        approvals.approval_decide(approval=approval, actor=owner, verdict="approve")
    report = generate(org, "iso27001")
    entry = control(report, "5.3")
    finding = _finding(report, "5.3", "access.roles")
    assert finding["status"] == "partial"
    assert "alice@acme.test both changed policies and decided approvals" in finding["reason"]
    assert entry["status"] != "supports"


def test_audit_rows_without_a_snapshot_do_not_erase_an_agents_state(org, owner, reviewer, generate):
    """A permission granted on an agent is audited against the agent but says nothing of its
    risk class: the rebuilt agent keeps the class of its last snapshot."""
    agent = gov.agent_create(
        organisation=org, name="credit-scoring", actor=owner, risk_class=RiskClass.HIGH
    )
    gov.agent_permission_grant(
        agent=agent, user=reviewer, permission="decide_approvals", actor=owner
    )
    report = generate(org, "eu_ai_act")
    facts = {f["label"]: f["value"] for f in report.content["applicability"]}
    assert facts["High-risk agents in the period (active or not)"] == "1: credit-scoring"
