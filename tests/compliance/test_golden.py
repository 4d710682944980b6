"""Golden test: the status counts of every framework's report for one generated organisation.

The organisation is built through the real services (members in every role, agents of three
risk classes, six policies, keys, decisions, an approval, a data-subject request, a policy
change during the period). A change in these counts is a change in what the reports claim:
review it control by control before updating the numbers here.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from approvals import services as approvals
from governance import services as gov
from governance.models import AiActRole, Plan, RiskClass

pytestmark = pytest.mark.django_db

GOLDEN = {
    "soc2": {"total": 61, "supports": 4, "partial": 21, "gap": 4, "not_tested": 2, "outside_scope": 30, "not_applicable": 0, "assessed": 29, "applicable": 61, "readiness_pct": 50.0, "readiness_catalog_pct": 23.8},
    "hipaa": {"total": 65, "supports": 3, "partial": 18, "gap": 1, "not_tested": 0, "outside_scope": 43, "not_applicable": 0, "assessed": 22, "applicable": 65, "readiness_pct": 54.5, "readiness_catalog_pct": 18.5},
    "gdpr": {"total": 30, "supports": 2, "partial": 12, "gap": 4, "not_tested": 3, "outside_scope": 9, "not_applicable": 0, "assessed": 18, "applicable": 30, "readiness_pct": 44.4, "readiness_catalog_pct": 26.7},
    "iso27001": {"total": 93, "supports": 7, "partial": 20, "gap": 4, "not_tested": 0, "outside_scope": 62, "not_applicable": 0, "assessed": 31, "applicable": 93, "readiness_pct": 54.8, "readiness_catalog_pct": 18.3},
    # A deployer with one high-risk agent: the provider articles do not apply; Art. 14 is
    # supported (policy and a decided approval), Art. 26(6) is a gap (90-day retention).
    "eu_ai_act": {"total": 19, "supports": 1, "partial": 1, "gap": 1, "not_tested": 0, "outside_scope": 3, "not_applicable": 13, "assessed": 3, "applicable": 6, "readiness_pct": 50.0, "readiness_catalog_pct": 25.0},
}  # fmt: skip


@pytest.fixture
def golden_org(
    org,
    owner,
    admin_user,
    compliance_officer,
    reviewer,
    developer,
    make_policy,
    record_decisions,
    at_now,
    travel_to,
    real_now,
):
    gov.organisation_update(
        organisation=org, actor=None, plan=Plan.PRO, ai_act_role=AiActRole.DEPLOYER
    )
    gov.organisation_update(
        organisation=org,
        actor=owner,
        retention_purpose="Agent call records are kept 90 days for incident investigation.",
    )
    support = gov.agent_create(organisation=org, name="support-bot", actor=owner, owner=owner)
    scoring = gov.agent_create(
        organisation=org, name="credit-scoring", actor=owner, owner=owner, risk_class=RiskClass.HIGH
    )
    gov.agent_create(
        organisation=org, name="legacy-etl", actor=admin_user, risk_class=RiskClass.LIMITED
    )
    gov.agent_permission_grant(
        agent=scoring, user=reviewer, permission="decide_approvals", actor=owner
    )
    make_policy(org, "access_control", mode="block", name="Deny deletes")
    make_policy(org, "pii_access", mode="block", name="PII guard")
    make_policy(org, "prompt_injection", mode="block", name="Injection filter")
    make_policy(org, "action_approval", mode="require_approval", name="Payments need approval")
    cost = make_policy(org, "cost_limit", mode="warn", name="Cost cap")
    make_policy(org, "output_classification", mode="block", agents=[support], name="Output")
    gov.api_key_create(
        organisation=org,
        actor=owner,
        name="support-bot key",
        scopes=["check", "ingest"],
        agent=support,
        expires_at=real_now + timedelta(days=300),
    )
    gov.api_key_create(organisation=org, actor=owner, name="shared key", scopes=["check"])

    from policies import services as policy_services

    with travel_to(real_now - timedelta(days=12)):
        policy_services.policy_update(policy=cost, actor=compliance_officer, mode="block")
    record_decisions(org, support, n=5)
    record_decisions(org, scoring, n=2, decision="block", tool="crm.export")
    with at_now():
        approval = approvals.approval_request_create(
            organisation=org,
            trace_id=uuid.uuid4(),
            agent=scoring,
            tool="payments.send",
            input={"amount": "120.00"},
            policy=None,
            reason="payment",
            timeout_seconds=900,
            required_role="reviewer",
        )
        approvals.approval_decide(approval=approval, actor=reviewer, verdict="approve")
        request = gov.data_subject_request_create(
            organisation=org, kind="access", subject="jane@example.com", actor=owner
        )
        gov.data_subject_request_close(request=request, actor=owner, status="completed")
    return org


def counts(report):
    s = report.content["summary"]
    return {
        k: s[k]
        for k in (
            "total",
            "supports",
            "partial",
            "gap",
            "not_tested",
            "outside_scope",
            "not_applicable",
            "assessed",
            "applicable",
            "readiness_pct",
            "readiness_catalog_pct",
        )
    }


def test_golden_status_counts(golden_org, generate):
    got = {code: counts(generate(golden_org, code)) for code in GOLDEN}
    assert got == GOLDEN


def test_golden_organisation_key_statuses(golden_org, generate):
    """The counts above, anchored to the controls that carry them."""
    ai_act = generate(golden_org, "eu_ai_act").content["controls"]
    by_id = {c["id"]: c for c in ai_act}
    assert by_id["Art. 14"]["status"] == "supports"
    assert by_id["Art. 26(6)"]["status"] == "gap"
    assert by_id["Art. 16"]["status"] == "not_applicable"
    gdpr = {c["id"]: c for c in generate(golden_org, "gdpr").content["controls"]}
    assert gdpr["Art. 5(1)(e)"]["status"] == "supports"  # finite and purpose documented
    assert gdpr["Art. 17"]["status"] == "not_tested"
    assert gdpr["Art. 25"]["status"] == "partial"  # pii_access is supporting only
