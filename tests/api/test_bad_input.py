"""Bad input to every operation of docs/api.md: a 400 (413 for a body over the limit) whose
``{"errors": {field: [messages]}}`` names the field at fault - a body path, ``body``, a query
parameter or a header - never a 500, never ``non_field_errors``, and nothing stored changes.
Real requests through Django's stack (DRF's test client), the real database (both passes)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from rest_framework.test import APIClient

from approvals.models import Approval
from governance.models import Agent, ApiKey, AuditLog, DataSubjectRequest
from policies.evaluators import POLICY_TYPES
from policies.models import Policy
from traces.models import LedgerEntry

pytestmark = pytest.mark.django_db

POLICY = {
    "name": "no ssn",
    "type": "pii_access",
    "mode": "block",
    "agents": ["billing-bot"],
    "tools": ["database.*"],
    "threshold": POLICY_TYPES["pii_access"].example,
}
CALL = "5c0c1a5e-0000-4000-8000-000000000001"  # no refused request stores anything under it
CHECK = {
    "trace_id": CALL,
    "agent": "billing-bot",
    "tool": "database.query",
    "input": {"q": "select 1"},
}
TRACE = {"trace_id": CALL, "agent": "billing-bot", "tool": "database.query", "status": "ok"}
SAMPLE = {**POLICY, "agent": "billing-bot", "tool": "database.query", "input": {"q": "x"}}
DSR = {"kind": "access", "identifiers": [{"type": "email", "value": "ann@example.com"}]}

# (method, path, a valid body) of every operation that takes a body; "{policy}" is filled in.
WITH_BODY = [
    ("POST", "/api/v1/check", CHECK),
    ("POST", "/api/v1/traces", TRACE),
    ("POST", "/api/v1/policies", POLICY),
    ("PATCH", "/api/v1/policies/{policy}", {"name": "renamed"}),
    ("POST", "/api/v1/policies/test", SAMPLE),
    ("POST", "/api/v1/policies/dry-run", {**POLICY, "days": 7}),
    ("POST", "/api/v1/privacy/requests", DSR),
]

# Bodies no operation can read, and the field each answer must name.
WHOLE_BODY = [
    pytest.param("{bad json", "application/json", "body", id="malformed-json"),
    pytest.param("[1, 2]", "application/json", "body", id="an-array"),
    pytest.param("null", "application/json", "body", id="null"),
    pytest.param('"text"', "application/json", "body", id="a-string"),
    pytest.param("kind=access", "application/x-www-form-urlencoded", "Content-Type", id="a-form"),
    pytest.param("hello", "text/plain", "Content-Type", id="plain-text"),
]

# One wrong value per operation: (method, path, body, the field named, a word the message holds).
WRONG_FIELDS = [
    ("POST", "/api/v1/check", {**CHECK, "trace_id": "nope"}, "trace_id", "UUID"),
    ("POST", "/api/v1/check", {**CHECK, "context": {"estimated_cost": "abc"}},
     "context.estimated_cost", "decimal"),
    ("POST", "/api/v1/traces", {**TRACE, "trace_id": 5}, "trace_id", "got a number"),
    ("POST", "/api/v1/traces", {**TRACE, "started_at": "yesterday"}, "started_at", "'yesterday'"),
    ("POST", "/api/v1/traces", {**TRACE, "colour": "red"}, "colour", "Unknown field"),
    ("POST", "/api/v1/traces", {"traces": [TRACE, 5]}, "traces[1]", "JSON object"),
    ("POST", "/api/v1/policies", {**POLICY, "tools": ["ok.*", "bad tool!"]}, "tools[1]",
     "'bad tool!'"),
    ("POST", "/api/v1/policies", {**POLICY, "agents": ["ghost"]}, "agents", "'ghost'"),
    ("POST", "/api/v1/policies", {**POLICY, "threshold": {"colour": 1}}, "threshold.colour",
     "unknown"),
    ("POST", "/api/v1/policies", {**POLICY, "enabled": "maybe"}, "enabled", "boolean"),
    ("PATCH", "/api/v1/policies/{policy}", {"tools": "database.*"}, "tools", "list"),
    ("PATCH", "/api/v1/policies/{policy}", {"name": 5}, "name", "string"),
    ("POST", "/api/v1/policies/test", {**SAMPLE, "tool": "two words"}, "tool", "space"),
    ("POST", "/api/v1/policies/dry-run", {**POLICY, "days": "abc"}, "days", "integer"),
    ("POST", "/api/v1/privacy/requests", {**DSR, "received_at": "2025-01-31"}, "received_at",
     "no time zone"),
    ("POST", "/api/v1/privacy/requests", {**DSR, "notes": 5}, "notes", "string"),
    ("POST", "/api/v1/privacy/requests",
     {"kind": "access", "identifiers": [{"type": "email", "value": "ann@example.com"},
                                        {"type": "email", "value": "abc"}]},
     "identifiers[1].value", "'abc' is not an e-mail address"),
]  # fmt: skip

# Bad query parameters: (path, query, the parameter named, a word the message holds).
BAD_QUERIES = [
    ("/api/v1/traces", "limit=abc", "limit", "integer"),
    ("/api/v1/traces", "limit=0", "limit", "greater"),
    ("/api/v1/traces", "limit=100000", "limit", "less"),
    ("/api/v1/traces", "cursor=abc", "cursor", "integer"),
    ("/api/v1/traces", "cursor=-5", "cursor", "greater"),
    ("/api/v1/traces", "since=yesterday", "since", "'yesterday'"),
    ("/api/v1/traces", "until=2025-02-30T00:00:00Z", "until", "'2025-02-30T00:00:00Z'"),
    ("/api/v1/traces", "since=2025-01-31T12:00:00", "since", "no time zone"),
    ("/api/v1/traces", "since=", "since", "empty"),
    ("/api/v1/traces", "status=fine", "status", "fine"),
    ("/api/v1/traces", "limit=5&limit=10", "limit", "once"),
    ("/api/v1/traces", "since=2026-01-01T00:00:00Z&until=2025-01-01T00:00:00Z", "until", "since"),
    ("/api/v1/approvals/{approval}", "wait=soon", "wait", "'soon'"),
    ("/api/v1/approvals/{approval}", "wait=-1", "wait", "'-1'"),
    ("/api/v1/approvals/{approval}", "wait=", "wait", "empty"),
]


@pytest.fixture
def world(org, make_key):
    Agent.objects.create(organisation=org, name="billing-bot")
    client = APIClient()
    key = make_key(org, scopes=["check", "ingest", "read", "policies", "privacy"])
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    created = client.post("/api/v1/policies", POLICY, format="json")
    assert created.status_code == 201, created.content
    return {"client": client, "policy": created.json()["id"], "org": org}


def _stored(org) -> dict[str, Any]:
    """What a refused request must leave as it was."""
    return {
        "entries": LedgerEntry.objects.filter(organisation=org).count(),
        "audit": AuditLog.objects.count(),
        "policies": list(
            Policy.objects.values_list("name", "version", "threshold", "tool_patterns", "enabled")
        ),
        "agents": sorted(Agent.objects.values_list("name", flat=True)),
        "requests": DataSubjectRequest.objects.count(),
        "approvals": Approval.objects.count(),
        "keys": ApiKey.objects.count(),
    }


def _url(path: str, world) -> str:
    return path.format(policy=world["policy"], approval=uuid.uuid4())


def _errors(response, status: int = 400) -> dict[str, list[str]]:
    """The answer's errors, after checking the status and the contract's shape."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    errors = json.loads(response.content)["errors"]
    assert errors and all(
        isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages)
        for messages in errors.values()
    ), errors
    assert "non_field_errors" not in errors  # no client sends a field of that name
    return errors


def _send(client, method: str, url: str, body: str, content_type: str):
    return getattr(client, method.lower())(url, data=body, content_type=content_type)


def test_every_operation_with_a_body_or_a_query_is_swept(world):
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    with_body, with_query = set(), set()
    for path, methods in schema["paths"].items():
        path = path.replace("{policy_id}", "{policy}").replace("{approval_id}", "{approval}")
        for method, operation in methods.items():
            if "requestBody" in operation:
                with_body.add((method.upper(), path))
            if any(p["in"] == "query" for p in operation.get("parameters", [])):
                with_query.add(path)
    assert with_body == {(method, path) for method, path, _ in WITH_BODY}
    assert with_body == {(method, path) for method, path, *_ in WRONG_FIELDS}
    assert with_query == {path for path, *_ in BAD_QUERIES}


@pytest.mark.parametrize(("body", "content_type", "field"), WHOLE_BODY)
@pytest.mark.parametrize(("method", "path", "valid"), WITH_BODY, ids=lambda v: str(v)[:30])
def test_a_body_no_operation_can_read_names_the_body(
    world, method, path, valid, body, content_type, field
):
    before = _stored(world["org"])
    response = _send(world["client"], method, _url(path, world), body, content_type)
    assert list(_errors(response)) == [field]
    assert _stored(world["org"]) == before


@pytest.mark.parametrize(("method", "path", "valid"), WITH_BODY, ids=lambda v: str(v)[:30])
def test_a_body_over_the_limit_is_413_naming_the_body(world, settings, method, path, valid):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    body = json.dumps({**valid, "description": "x" * 4096})
    before = _stored(world["org"])
    response = _send(world["client"], method, _url(path, world), body, "application/json")
    errors = _errors(response, 413)
    assert list(errors) == ["body"] and "the limit is 2048 bytes" in errors["body"][0]
    assert _stored(world["org"]) == before


@pytest.mark.parametrize(("method", "path", "body", "field", "said"), WRONG_FIELDS)
def test_a_wrong_field_is_named_with_what_is_wrong(world, method, path, body, field, said):
    before = _stored(world["org"])
    response = _send(
        world["client"], method, _url(path, world), json.dumps(body), "application/json"
    )
    errors = _errors(response)
    assert field in errors, errors
    assert any(said in message for message in errors[field]), errors[field]
    assert _stored(world["org"]) == before


@pytest.mark.parametrize(("path", "query", "field", "said"), BAD_QUERIES)
def test_a_bad_query_parameter_is_named(world, path, query, field, said):
    before = _stored(world["org"])
    errors = _errors(world["client"].get(f"{_url(path, world)}?{query}"))
    assert list(errors) == [field]
    assert any(said in message for message in errors[field]), errors[field]
    assert _stored(world["org"]) == before


def test_an_answer_the_api_cannot_give_names_the_accept_header(world):
    response = world["client"].get("/api/v1/agents", HTTP_ACCEPT="text/html")
    assert list(_errors(response)) == ["Accept"]


def test_unknown_body_fields_are_ignored_where_the_contract_says_so(world):
    """docs/api.md: unknown fields are refused by name in a trace and a threshold (above);
    elsewhere ignored - a client sending a newer field still gets its answer."""
    client = world["client"]
    body = {**CHECK, "trace_id": str(uuid.uuid4()), "colour": "red"}
    assert client.post("/api/v1/check", body, format="json").status_code == 200
    patched = client.patch(f"/api/v1/policies/{world['policy']}", {"colour": 1}, format="json")
    assert patched.status_code == 200 and patched.json()["version"] == 1


def test_each_bad_identifier_is_named_by_its_place_and_value(world):
    """It was ``{"identifiers": ["#2: 'abc' is not an e-mail address.", ...]}``: counted
    from 1, under the list's name, unlike every other list the API names (``traces[1]``)."""
    body = {
        "kind": "erasure",
        "identifiers": [
            {"type": "email", "value": "ann@example.com"},
            {"type": "email", "value": "abc"},
            {"type": "phone", "value": "12"},
            {"type": "customer_id", "value": "C7"},
        ],
    }
    before = _stored(world["org"])
    errors = _errors(world["client"].post("/api/v1/privacy/requests", body, format="json"))
    assert errors == {
        "identifiers[1].value": ["'abc' is not an e-mail address."],
        "identifiers[2].value": ["'12' is not a possible phone number."],
        "identifiers[3].value": ["'C7' is too short to search for safely (3 characters at least)."],
    }
    assert _stored(world["org"]) == before


def test_a_policy_the_body_names_but_the_key_cannot_see_is_named(world, other_org, make_key):
    """A dry-run's ``policy`` that is another organisation's answers exactly as one that does
    not exist: 404 naming ``policy`` (it was ``detail: Not found.``, naming nothing)."""
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {make_key(other_org, scopes=['policies'])}")
    mine, missing = world["policy"], world["policy"] + 1000
    answers = [
        other.post("/api/v1/policies/dry-run", {"policy": policy_id}, format="json")
        for policy_id in (mine, missing)
    ]
    assert [list(_errors(answer, 404)) for answer in answers] == [["policy"], ["policy"]]
    assert [answer.json()["errors"]["policy"] for answer in answers] == [
        [f"No policy {mine} in your organisation."],
        [f"No policy {missing} in your organisation."],
    ]
