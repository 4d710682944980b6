"""The policy admin: scoped to the member's organisation, writes through the services."""

from __future__ import annotations

import pytest

from governance.models import AuditLog
from policies.models import Policy
from policies.services import policy_create

pytestmark = pytest.mark.django_db


def make(org, name="No SSNs"):
    return policy_create(organisation=org, actor=None, name=name, type="pii_access",
                         threshold={"denied_pii_types": ["ssn"]})  # fmt: skip


def form_data(org, **overrides):
    data = {
        "organisation": org.pk, "name": "Budget", "description": "", "type": "budget_cap", "mode": "block",
        "phase": "input", "tool_patterns": "llm.*\nembeddings.*", "threshold": '{"amount": "100"}', "enabled": "on",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_list_shows_only_own_organisation(client, compliance_officer, org, other_org):
    make(org, "acme policy")
    make(other_org, "globex policy")
    client.force_login(compliance_officer)
    page = client.get("/admin/policies/policy/")
    assert page.status_code == 200
    assert b"acme policy" in page.content and b"globex policy" not in page.content


def test_other_organisations_policy_is_404(client, owner, other_org):
    policy = make(other_org)
    client.force_login(owner)
    assert client.get(f"/admin/policies/policy/{policy.pk}/change/").status_code == 404


def test_create_through_the_form_uses_the_service(client, compliance_officer, org, agent):
    client.force_login(compliance_officer)
    version = org.policy_version
    response = client.post("/admin/policies/policy/add/", form_data(org, agents=[agent.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = Policy.objects.get(name="Budget")
    assert policy.tool_patterns == ["llm.*", "embeddings.*"] and list(policy.agents.all()) == [
        agent
    ]
    assert policy.threshold["period"] == "month"  # cleaned by the service
    audit = AuditLog.objects.get(action="policy.created", object_id=str(policy.pk))
    assert audit.actor_user == compliance_officer
    org.refresh_from_db()
    assert org.policy_version == version + 1


def test_invalid_threshold_is_a_form_error(client, compliance_officer, org):
    client.force_login(compliance_officer)
    response = client.post(
        "/admin/policies/policy/add/", form_data(org, threshold='{"amount": -5}')
    )
    assert response.status_code == 200
    assert b"must be a positive decimal" in response.content
    assert not Policy.objects.exists()


def test_change_and_actions(client, owner, org):
    policy = make(org)
    client.force_login(owner)
    data = form_data(org, name="No SSNs", type="pii_access", mode="warn", phase="both",
                     threshold='{"denied_pii_types": ["ssn"]}', tool_patterns="")  # fmt: skip
    response = client.post(f"/admin/policies/policy/{policy.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    policy.refresh_from_db()
    assert policy.mode == "warn" and policy.version == 2
    response = client.post(
        "/admin/policies/policy/",
        {"action": "disable_policies", "_selected_action": [policy.pk]},
        follow=True,
    )
    assert b"Disabled 1 policy" in response.content
    policy.refresh_from_db()
    assert policy.enabled is False
    client.post(
        "/admin/policies/policy/", {"action": "delete_policies", "_selected_action": [policy.pk]}
    )
    assert not Policy.objects.exists()
    assert AuditLog.objects.filter(action="policy.deleted").exists()


def test_reviewer_cannot_change_policies(client, reviewer, org):
    policy = make(org)
    client.force_login(reviewer)
    response = client.post(f"/admin/policies/policy/{policy.pk}/change/", form_data(org))
    assert response.status_code in (302, 403, 404)
    policy.refresh_from_db()
    assert policy.type == "pii_access"


def test_budget_windows_are_read_only(client, owner, org):
    client.force_login(owner)
    assert client.get("/admin/policies/budgetwindow/").status_code == 200
    assert client.get("/admin/policies/budgetwindow/add/").status_code == 403


def test_add_and_change_pages_render(client, owner, org):
    policy = make(org)
    client.force_login(owner)
    add = client.get("/admin/policies/policy/add/")
    assert add.status_code == 200 and b"max_cost_per_call" in add.content  # threshold examples
    change = client.get(f"/admin/policies/policy/{policy.pk}/change/")
    assert change.status_code == 200 and b"denied_pii_types" in change.content
