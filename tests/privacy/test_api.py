"""POST /api/v1/privacy/requests and GET /api/v1/privacy/requests/<id> over real HTTP."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance import services as gov
from governance.models import AuditLog, DataSubjectRequest
from privacy import services as privacy

pytestmark = pytest.mark.django_db

BODY = {
    "kind": "access",
    "jurisdiction": "ccpa",
    "identifiers": [
        {"type": "email", "value": "Ann@X.com"},
        {"type": "phone", "value": "+1 (909) 451-3674"},
        {"type": "other", "key": "loyalty", "value": "LN-55512"},
    ],
}


@pytest.fixture
def privacy_client(org, api_client_for):
    return api_client_for(org, scopes=["privacy"])


def test_file_a_request_and_read_its_status_matches_and_bundle(
    org, owner, privacy_client, append, agent
):
    append(org, agent=agent, input={"to": "ann@x.com"})
    append(org, agent=agent, input={"to": "joann@x.com"})
    created = privacy_client.post("/api/v1/privacy/requests", BODY, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    dsr = DataSubjectRequest.objects.get(pk=body["id"])
    assert body["reference"] == dsr.reference and body["status"] == "received"
    assert body["jurisdiction"] == "ccpa" and 44 <= body["days_left"] <= 45
    assert body["overdue"] is False and body["bundle"] is None
    assert body["matches"]["entries"] == 1
    assert [i["value"] for i in body["identifiers"]] == [
        "Ann@X.com",
        "+1 (909) 451-3674",
        "LN-55512",
    ]
    audit = AuditLog.objects.get(action="dsr.received", object_id=str(dsr.pk))
    assert audit.actor_api_key is not None

    privacy.dsr_verify_identity(request=dsr, actor=owner, how="ID checked")
    bundle = privacy.dsr_bundle_create(request=dsr, actor=owner)
    status = privacy_client.get(f"/api/v1/privacy/requests/{dsr.pk}").json()
    assert status["status"] == "completed" and status["completed_at"]
    assert status["bundle"]["url"].endswith(f"/privacy/bundles/{bundle.pk}/download/")
    assert status["bundle"]["available"] is True
    assert status["certificate_url"].endswith(f"/privacy/requests/{dsr.pk}/certificate.pdf")
    assert status["matches"]["entries"] == 1


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"kind", "identifiers"}),
        ({**BODY, "kind": "delete-all"}, {"kind"}),
        ({**BODY, "jurisdiction": "pipeda"}, {"jurisdiction"}),
        ({**BODY, "identifiers": []}, {"identifiers"}),
        ({**BODY, "identifiers": [{"type": "email", "value": "nope"}]}, {"identifiers[0].value"}),
        ({**BODY, "identifiers": [{"type": "phone", "value": "12"}]}, {"identifiers[0].value"}),
        (
            {**BODY, "identifiers": [{"type": "customer_id", "value": "ab"}]},
            {"identifiers[0].value"},
        ),
        ({**BODY, "identifiers": "ann@x.com"}, {"identifiers"}),
        ({**BODY, "received_at": "yesterday"}, {"received_at"}),
        ({**BODY, "received_at": "2999-01-01T00:00:00Z"}, {"received_at"}),
    ],
)
def test_bad_input_is_400_naming_the_field(privacy_client, body, fields):
    response = privacy_client.post("/api/v1/privacy/requests", body, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == fields
    assert not DataSubjectRequest.objects.exists()


def test_scope_keys_and_tenancy(org, other_org, owner, api_client_for, client):
    dsr = gov.data_subject_request_create(
        organisation=org, kind="erasure", actor=owner, subject="ann@x.com"
    )
    read_only = api_client_for(org, scopes=["read", "check", "ingest", "policies"])
    assert read_only.post("/api/v1/privacy/requests", BODY, format="json").status_code == 403
    assert read_only.get(f"/api/v1/privacy/requests/{dsr.pk}").status_code == 403
    assert client.get(f"/api/v1/privacy/requests/{dsr.pk}").status_code == 401
    foreign = api_client_for(other_org, scopes=["privacy"])
    response = foreign.get(f"/api/v1/privacy/requests/{dsr.pk}")
    assert response.status_code == 404 and response.json() == {"errors": {"detail": ["Not found."]}}
    assert foreign.get("/api/v1/privacy/requests/999999").status_code == 404


def test_privacy_scope_is_granted_explicitly_by_owners_and_admins(
    org, owner, compliance_officer, agent
):
    key, _ = gov.api_key_create(organisation=org, name="default", actor=owner)
    assert "privacy" not in key.scopes
    with pytest.raises(PermissionDenied):
        gov.api_key_create(organisation=org, name="p", actor=compliance_officer, scopes=["privacy"])
    with pytest.raises(ValidationError):
        gov.api_key_create(organisation=org, name="p", actor=owner, scopes=["privacy"], agent=agent)
    key, _ = gov.api_key_create(organisation=org, name="p", actor=owner, scopes=["privacy"])
    assert key.scopes == ["privacy"]


def test_the_schema_documents_both_operations(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    post = schema["paths"]["/api/v1/privacy/requests"]["post"]
    get = schema["paths"]["/api/v1/privacy/requests/{request_id}"]["get"]
    assert {"201", "400", "401", "403", "429"} <= set(post["responses"])
    assert {"200", "401", "403", "404", "429"} <= set(get["responses"])
