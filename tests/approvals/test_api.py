"""GET /api/v1/approvals/<id>?wait=<s> through real HTTP handling and the real database."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from django.db import connection

from approvals.models import Approval, ApprovalStatus
from approvals.services import approval_decide
from governance.models import AuditLog
from tests.approvals.helpers import pause
from tests.factories import AgentFactory
from traces.selectors import trace_events


def url(approval_id, wait=None):
    base = f"/api/v1/approvals/{approval_id}"
    return base if wait is None else f"{base}?wait={wait}"


def test_answer_without_waiting(org, agent, api_client):
    approval = pause(org, agent)
    response = api_client.get(url(approval.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "pending"
    assert body["id"] == str(approval.pk)
    assert body["decided_by"] is None and body["comment"] is None
    assert body["on_timeout"] == "deny"
    assert body["expires_at"].startswith(approval.expires_at.isoformat()[:19])


@pytest.mark.parametrize("wait", ["abc", "61", "-1", "nan", "inf"])
def test_bad_wait_is_400_naming_the_field(org, agent, api_client, wait):
    approval = pause(org, agent)
    response = api_client.get(url(approval.pk, wait))
    assert response.status_code == 400
    assert "wait" in response.json()["errors"]


def test_needs_a_key_with_check_or_read_scope(org, agent, client, api_client_for):
    approval = pause(org, agent)
    response = client.get(url(approval.pk))
    assert response.status_code == 401
    assert response.json()["errors"]["detail"]
    assert api_client_for(org, scopes=["ingest"]).get(url(approval.pk)).status_code == 403
    assert api_client_for(org, scopes=["read"]).get(url(approval.pk)).status_code == 200
    bad = client.get(url(approval.pk), HTTP_AUTHORIZATION="Bearer exk_live_nonsense")
    assert bad.status_code == 401


def test_other_organisation_and_other_agent_get_404(
    org, agent, other_org, other_api_client, api_client_for
):
    approval = pause(org, agent)
    assert other_api_client.get(url(approval.pk, 1)).status_code == 404
    sibling = AgentFactory(organisation=org, name="other-bot")
    bound = api_client_for(org, scopes=["check"], agent=sibling)
    assert bound.get(url(approval.pk)).status_code == 404
    own = api_client_for(org, scopes=["check"], agent=agent)
    assert own.get(url(approval.pk)).status_code == 200


def test_unknown_or_malformed_id_is_json_404(api_client):
    assert api_client.get(url(uuid.uuid4())).status_code == 404
    response = api_client.get("/api/v1/approvals/not-a-uuid")
    assert response.status_code == 404
    assert response.json() == {"errors": {"detail": ["Not found."]}}


def test_wait_passes_and_answers_pending(org, agent, api_client):
    approval = pause(org, agent)
    started = time.monotonic()
    response = api_client.get(url(approval.pk, "0.6"))
    assert response.json()["status"] == "pending"
    assert time.monotonic() - started >= 0.6


def test_lazy_expiry_on_read_is_final_and_recorded(org, agent, api_client):
    approval = pause(org, agent, timeout_seconds=1, on_timeout="allow")
    started = time.monotonic()
    body = api_client.get(url(approval.pk, 10)).json()
    assert time.monotonic() - started < 5
    assert body["status"] == "expired"
    assert body["on_timeout"] == "allow"
    assert body["decided_by"] is None
    assert (
        AuditLog.objects.filter(action="approval.expired", object_id=str(approval.pk)).count() == 1
    )
    [entry] = [
        e
        for e in trace_events(organisation=org, trace_id=approval.trace_id)
        if e.kind == "approval"
    ]
    assert entry.server_data["status"] == "expired"


@pytest.mark.django_db(transaction=True)
def test_long_poll_returns_as_soon_as_a_reviewer_decides(org, agent, owner, api_client):
    approval = pause(org, agent)

    def decide_soon():
        try:
            time.sleep(0.5)
            approval_decide(
                approval=Approval.objects.get(pk=approval.pk),
                actor=owner,
                verdict="approve",
                comment="ok",
            )
        finally:
            connection.close()

    thread = threading.Thread(target=decide_soon)
    started = time.monotonic()
    thread.start()
    body = api_client.get(url(approval.pk, 20)).json()
    elapsed = time.monotonic() - started
    thread.join()
    assert body["status"] == "approved"
    assert body["decided_by"] == owner.email
    assert body["comment"] == "ok"
    assert 0.4 < elapsed < 3


def test_schema_documents_the_endpoint(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/approvals/{approval_id}"]["get"]
    assert any(p["name"] == "wait" for p in operation["parameters"])
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ApprovalStatus"
    )
    statuses = schema["components"]["schemas"]["ApprovalStatus"]["properties"]["status"]
    assert ApprovalStatus.EXPIRED in str(statuses) or "StatusEnum" in str(statuses)


def test_throttled_like_the_rest_of_the_api(org, agent, api_client, settings):
    from django.core.cache import cache

    cache.clear()  # throttle history is keyed by key id, which other tests may have used
    approval = pause(org, agent)
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"burst": "2/minute", "sustained": "1000/hour"},
    }
    assert api_client.get(url(approval.pk)).status_code == 200
    assert api_client.get(url(approval.pk)).status_code == 200
    response = api_client.get(url(approval.pk))
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "detail" in response.json()["errors"]
