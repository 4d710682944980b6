"""Policies as code: /api/v1/policies and /api/v1/policies/<id>."""

from __future__ import annotations

import pytest

from governance.models import Agent, AuditLog
from policies.models import Policy

pytestmark = pytest.mark.django_db

BODY = {
    "name": "No SSNs",
    "description": "SSNs never leave the CRM",
    "type": "pii_access",
    "mode": "block",
    "agents": ["billing-bot"],
    "tools": ["crm.*", "email.send"],
    "phase": "both",
    "threshold": {"denied_pii_types": ["ssn"]},
}


@pytest.fixture
def client(org, api_client_for):
    return api_client_for(org, scopes=["policies"])


def test_create_list_get_patch_delete(client, org, agent):
    version = org.policy_version
    response = client.post("/api/v1/policies", BODY, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["agents"] == ["billing-bot"] and created["tools"] == ["crm.*", "email.send"]
    assert created["threshold"] == {
        "denied_pii_types": ["ssn"],
        "scan": "both",
    }  # defaults filled in
    assert created["version"] == 1 and created["enabled"] is True
    org.refresh_from_db()
    assert org.policy_version == version + 1

    assert [p["name"] for p in client.get("/api/v1/policies").json()["policies"]] == ["No SSNs"]
    url = f"/api/v1/policies/{created['id']}"
    assert client.get(url).json()["name"] == "No SSNs"

    patched = client.patch(url, {"mode": "warn", "agents": []}, format="json").json()
    assert patched["mode"] == "warn" and patched["agents"] == [] and patched["version"] == 2
    audit = AuditLog.objects.get(action="policy.updated", object_id=str(created["id"]))
    assert audit.before["mode"] == "block" and audit.after["mode"] == "warn"
    assert audit.before["agents"] == ["billing-bot"] and audit.after["agents"] == []
    assert audit.actor_api_key is not None

    assert (
        client.patch(url, {"mode": "warn"}, format="json").json()["version"] == 2
    )  # no-op: no new version

    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
    assert AuditLog.objects.filter(action="policy.deleted", object_id=str(created["id"])).exists()
    org.refresh_from_db()
    assert org.policy_version == version + 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"threshold": {"denied_pii_types": []}}, "threshold.denied_pii_types"),
        ({"threshold": {"denied_pii_types": ["ssn"], "extra": 1}}, "threshold.extra"),
        ({"threshold": "ssn"}, "threshold"),
        ({"type": "cost_limit"}, "threshold.max_cost_per_call"),
        ({"type": "nonsense"}, "type"),
        ({"mode": "maybe"}, "mode"),
        ({"phase": "sometimes"}, "phase"),
        ({"type": "quality_threshold", "threshold": {"min_score": 1}, "phase": "input"}, "phase"),
        ({"agents": ["ghost"]}, "agents"),
        ({"tools": ["has space"]}, "tools[0]"),
        ({"tools": "crm.*"}, "tools"),
        ({"name": ""}, "name"),
        ({"enabled": "perhaps"}, "enabled"),
        (
            {"threshold": {"denied_pii_types": ["ssn"], "approval_timeout": 1}},
            "threshold.approval_timeout",
        ),
    ],
)
def test_validation_errors_name_the_field(client, agent, change, field):
    response = client.post("/api/v1/policies", {**BODY, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()
    assert not Policy.objects.exists()


def test_regex_threshold_is_validated_when_saved(client):
    body = {
        "name": "r",
        "type": "data_restriction",
        "threshold": {"restricted_patterns": ["(a+)+$"]},
    }
    errors = client.post("/api/v1/policies", body, format="json").json()["errors"]
    assert "nested quantifiers" in errors["threshold.restricted_patterns[0]"][0]


def test_duplicate_name_is_a_409_naming_the_field(client, agent):
    assert client.post("/api/v1/policies", BODY, format="json").status_code == 201
    response = client.post("/api/v1/policies", BODY, format="json")
    assert response.status_code == 409
    assert response.json() == {"errors": {"name": ["A policy named 'No SSNs' already exists."]}}
    other = client.post("/api/v1/policies", {**BODY, "name": "Other"}, format="json").json()
    response = client.patch(f"/api/v1/policies/{other['id']}", {"name": "No SSNs"}, format="json")
    assert response.status_code == 409 and list(response.json()["errors"]) == ["name"]


def test_nested_errors_are_named_by_path(client, agent):
    response = client.post(
        "/api/v1/policies", {**BODY, "tools": ["crm.*", [], None], "agents": [[]]}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"tools[1]", "tools[2]", "agents[0]"}
    assert all(isinstance(m, str) for messages in errors.values() for m in messages)


def test_patch_validates_against_the_stored_type(client, agent):
    url = f"/api/v1/policies/{client.post('/api/v1/policies', BODY, format='json').json()['id']}"
    response = client.patch(url, {"threshold": {"denied_pii_types": ["dna"]}}, format="json")
    assert (
        response.status_code == 400 and "threshold.denied_pii_types[0]" in response.json()["errors"]
    )
    response = client.patch(url, {"type": "budget_cap", "threshold": {"amount": 10}}, format="json")
    assert (
        response.status_code == 200 and response.json()["phase"] == "input"
    )  # moved to a phase the type supports


def test_tenancy(client, org, other_org, agent, api_client_for):
    created = client.post("/api/v1/policies", BODY, format="json").json()
    Agent.objects.create(organisation=other_org, name="billing-bot")
    other = api_client_for(other_org, scopes=["policies"])
    url = f"/api/v1/policies/{created['id']}"
    assert other.get("/api/v1/policies").json()["policies"] == []
    assert other.get(url).status_code == 404
    assert other.patch(url, {"mode": "monitor"}, format="json").status_code == 404
    assert other.delete(url).status_code == 404
    assert Policy.objects.get(pk=created["id"]).mode == "block"
    # an agent name resolves inside the caller's organisation only
    response = other.post("/api/v1/policies", {**BODY, "agents": ["billing-bot"]}, format="json")
    assert response.status_code == 201
    assert Policy.objects.get(pk=response.json()["id"]).agents.get().organisation_id == other_org.pk


def test_scope_and_auth(org, api_client_for):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/policies").status_code == 401
    assert api_client_for(org, scopes=["check"]).get("/api/v1/policies").status_code == 403
    assert (
        api_client_for(org, scopes=["check"])
        .post("/api/v1/policies", BODY, format="json")
        .status_code
        == 403
    )
    assert api_client_for(org, scopes=["policies"]).get("/api/v1/policies/abc").status_code == 404
