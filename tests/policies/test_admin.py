"""The policy admin: scoped to the member's organisation, writes through the services."""

from __future__ import annotations

import html
import json

import pytest

from governance.models import AuditLog
from policies.models import Policy
from policies.services import policy_create

pytestmark = pytest.mark.django_db


def make(org, name="No SSNs"):
    return policy_create(organisation=org, actor=None, name=name, type="pii_access",
                         threshold={"denied_pii_types": ["ssn"]})  # fmt: skip


def form_data(**overrides):
    data = {
        "name": "No SSNs", "description": "", "mode": "block", "phase": "input",
        "tool_patterns": "llm.*\nembeddings.*", "enabled": "on",
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


def test_add_opens_the_wizard(client, compliance_officer, org):
    client.force_login(compliance_officer)
    response = client.get("/admin/policies/policy/add/")
    assert response.status_code == 302 and response["Location"] == "/policies/new/"
    posted = client.post("/admin/policies/policy/add/", {**form_data(), "type": "budget_cap",
                         "threshold": '{"amount": "100"}', "organisation": org.pk})  # fmt: skip
    assert posted.status_code == 302 and posted["Location"] == "/policies/new/"
    assert not Policy.objects.exists()
    listing = client.get("/admin/policies/policy/").content.decode()
    tools = listing.split('class="object-tools"', 1)[1].split("</ul>", 1)[0]
    assert 'href="/policies/new/"' in tools and "/admin/policies/policy/add/" not in tools


@pytest.mark.parametrize("role", ["reviewer", "developer"])
def test_other_roles_are_not_sent_to_the_wizard(client, org, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.get("/admin/policies/policy/add/")
    assert response.status_code in (302, 403)
    assert response.get("Location") != "/policies/new/"


def test_settings_are_read_only_json_with_a_link_to_the_wizard(client, owner, org):
    policy = policy_create(organisation=org, actor=None, name="Hours", type="access_control",
                           threshold={"rules": [{"agents": ["ops-*"], "tools": ["deploy.*"],
                                      "time_windows": [{"days": ["mon"], "start": "09:00"}]}]})  # fmt: skip
    client.force_login(owner)
    page = client.get(f"/admin/policies/policy/{policy.pk}/change/").content.decode()
    assert 'name="threshold"' not in page and 'name="type"' not in page
    shown = page.split('id="settings-json">', 1)[1].split("</pre>", 1)[0]
    assert json.loads(html.unescape(shown)) == policy.threshold
    assert shown.startswith("{\n  ")  # pretty, for experts
    assert f'href="/policies/{policy.pk}/edit/"' in page
    assert 'name="_addanother"' not in page
    stored = policy.threshold
    data = form_data(name="Hours", mode="warn", tool_patterns="",
                     threshold='{"rules": []}', type="pii_access")  # fmt: skip
    response = client.post(f"/admin/policies/policy/{policy.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    policy.refresh_from_db()
    assert policy.mode == "warn" and policy.version == 2
    assert policy.type == "access_control" and policy.threshold == stored  # ignored, not editable


def test_a_refused_change_is_a_form_error(client, owner, org):
    policy = make(org)
    client.force_login(owner)
    response = client.post(
        f"/admin/policies/policy/{policy.pk}/change/", form_data(phase="sideways")
    )
    assert response.status_code == 200 and b"errorlist" in response.content
    policy.refresh_from_db()
    assert policy.phase != "sideways" and policy.version == 1


def test_change_and_actions(client, owner, org):
    policy = make(org)
    client.force_login(owner)
    data = form_data(name="No SSNs", mode="warn", phase="both", tool_patterns="")
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
    # Deleting asks first (it used to delete on the first click).
    asked = client.post(
        "/admin/policies/policy/", {"action": "delete_policies", "_selected_action": [policy.pk]}
    )
    assert b"Delete these policies?" in asked.content and Policy.objects.exists()
    client.post(
        "/admin/policies/policy/",
        {"action": "delete_policies", "_selected_action": [policy.pk], "confirmed": "yes"},
    )
    assert not Policy.objects.exists()
    assert AuditLog.objects.filter(action="policy.deleted").exists()


def test_reviewer_cannot_change_policies(client, reviewer, org):
    policy = make(org)
    client.force_login(reviewer)
    response = client.post(f"/admin/policies/policy/{policy.pk}/change/", form_data(mode="warn"))
    assert response.status_code in (302, 403, 404)
    policy.refresh_from_db()
    assert policy.mode == "block"


def test_budget_windows_are_read_only(client, owner, org):
    client.force_login(owner)
    assert client.get("/admin/policies/budgetwindow/").status_code == 200
    assert client.get("/admin/policies/budgetwindow/add/").status_code == 403


def test_change_page_renders(client, owner, org):
    policy = make(org)
    client.force_login(owner)
    change = client.get(f"/admin/policies/policy/{policy.pk}/change/")
    assert change.status_code == 200 and b"denied_pii_types" in change.content
    assert b'id="wizard-edit"' in change.content


def test_a_refused_action_reads_as_a_sentence_with_the_name_as_written(client, owner, org):
    """An action the service refuses was reported as "<policy>: <why>", and the admin
    capitalises a message's first letter: "Pii guard: …" for a policy named "pii guard"."""
    policy = make(org, name="pii guard")
    Policy.objects.filter(pk=policy.pk).update(threshold={"denied_pii_types": ["not-a-type"]})
    client.force_login(owner)
    response = client.post(
        "/admin/policies/policy/",
        {"action": "enable_policies", "_selected_action": [policy.pk]},
        follow=True,
    )
    text = html.unescape(response.content.decode())
    assert "Could not enable “pii guard”: " in text
    assert "Pii guard" not in text


def test_the_list_names_a_few_agents_of_a_wide_scope(client, compliance_officer, org):
    """A policy on many agents reads "a, b, c and 4 more agents" in the list (every name in
    its title), not a column of a dozen lines; a narrow scope is named in full."""
    from tests.factories import AgentFactory

    agents = [AgentFactory(organisation=org, name=f"agent-{i}") for i in range(7)]
    policy_create(organisation=org, actor=None, name="Wide", type="pii_access",
                  threshold={"denied_pii_types": ["ssn"]}, agents=agents)  # fmt: skip
    policy_create(organisation=org, actor=None, name="Narrow", type="pii_access",
                  threshold={"denied_pii_types": ["ssn"]}, agents=agents[:2])  # fmt: skip
    client.force_login(compliance_officer)
    page = client.get("/admin/policies/policy/").content.decode()
    every = ", ".join(f"agent-{i}" for i in range(7))
    assert (
        f'<span title="{every}">agent-0, agent-1, agent-2 and 4 more agents</span> / all tools'
        in page
    )
    assert "agent-0, agent-1 / all tools" in page
