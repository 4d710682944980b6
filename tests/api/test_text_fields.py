"""No 500 from any string: every text field of every operation in the OpenAPI schema, every
query parameter, the path and the Authorization header get arbitrary Unicode (NUL and
unpaired surrogates included); the answer is never a 5xx, and text that cannot be held is
a 400 naming the field. Real HTTP through Django's stack, the real database (both passes).
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from governance.text import text_problem
from policies.evaluators import POLICY_TYPES
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db

SPECIAL = [
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "\ud83d\ude00",
    "\ufeff",
    "é\u0301",
    "\U0010ffff",
]
TEXT = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(st.characters(codec=None, categories=None), max_size=12),
    st.text(st.characters(min_codepoint=0, max_codepoint=0xFFFF), max_size=12),
)


def _policy_body(policy_type: str, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "description": "why",
        "type": policy_type,
        "mode": "warn",
        "agents": ["billing-bot"],
        "tools": ["database.*"],
        "threshold": POLICY_TYPES[policy_type].example,
    }


def _trace(trace_id: str) -> dict[str, Any]:
    return {
        "trace_id": trace_id,
        "agent": "billing-bot",
        "tool": "database.query",
        "status": "ok",
        "input": {"query": "select 1", "to": ["a@example.com"]},
        "output": {"rows": [{"name": "Ann"}]},
        "started_at": "2025-01-31T12:00:00Z",
        "cost": "0.25",
        "metadata": {"run": "nightly"},
        "context": {"environment": "production"},
    }


def _bodies(policy_id: int, policy_type: str) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """A valid body per operation that takes one, holding every kind of string it accepts."""
    check = {
        "trace_id": str(uuid.uuid4()),
        "agent": "billing-bot",
        "tool": "database.query",
        "input": {"query": "select * from users", "note": "hello"},
        "context": {"environment": "production", "session_id": "s1", "user": "ann"},
        "phase": "input",
    }
    return {
        ("POST", "/api/v1/check"): [check, {**check, "phase": "output", "output": {"a": "b"}}],
        ("POST", "/api/v1/traces"): [
            _trace(str(uuid.uuid4())),
            {"traces": [_trace(str(uuid.uuid4()))]},
        ],
        ("POST", "/api/v1/policies"): [
            _policy_body(t, f"p-{t}") for t in POLICY_TYPES if t != "custom"
        ]
        + [_policy_body("custom", "p-custom")],
        ("POST", "/api/v1/privacy/requests"): [
            {
                "kind": "access",
                "jurisdiction": "gdpr",
                "identifiers": [
                    {"type": "email", "value": "ann@example.com"},
                    {"type": "other", "key": "loyalty", "value": "LN-55512"},
                ],
                "received_at": "2025-01-31T12:00:00Z",
                "notes": "by e-mail",
            }
        ],
        ("POST", "/api/v1/policies/test"): [
            {
                **_policy_body(policy_type, "trial"),
                "agent": "billing-bot",
                "tool": "crm.search",
                "input": {"query": "hello"},
                "context": {"user": "ann"},
            }
        ],  # fmt: skip
        ("POST", "/api/v1/policies/dry-run"): [{**_policy_body(policy_type, "trial"), "days": 7}],
        ("PATCH", "/api/v1/policies/{policy_id}"): [
            {
                "name": "renamed",
                "description": "d",
                "tools": ["crm.*"],
                "threshold": POLICY_TYPES[policy_type].example,
            }
        ],
    }


def _string_slots(value: Any, path: tuple = ()) -> list[tuple]:
    """Paths to every string value (``("v", *path)``) and dict key (``("k", *path)``)."""
    slots = []
    if isinstance(value, str):
        slots.append(("v", *path))
    elif isinstance(value, dict):
        for key, item in value.items():
            slots.append(("k", *path, key))
            slots.extend(_string_slots(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            slots.extend(_string_slots(item, (*path, index)))
    return slots


def _replace(body: Any, slot: tuple, text: str) -> Any:
    body = json.loads(json.dumps(body))
    kind, *path = slot
    parent = body
    for part in path[:-1]:
        parent = parent[part]
    if kind == "v" and not path:
        return text
    last = path[-1]
    if kind == "v":
        parent[last] = text
    else:
        parent[text] = parent.pop(last)
    return body


def _field_name(path: list) -> str:
    name = ""
    for part in path:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            shown = part if text_problem(part) is None else ascii(part)[1:-1]
            name = f"{name}.{shown}" if name else shown
    return name


@pytest.fixture
def world(org, make_key):
    AgentFactory(organisation=org, name="billing-bot")
    key = make_key(org, scopes=["check", "ingest", "read", "policies", "privacy"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    created = client.post("/api/v1/policies", _policy_body("pii_access", "base"), format="json")
    assert created.status_code == 201, created.content
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    return {"client": client, "key": key, "policy_id": created.json()["id"], "schema": schema}


def _operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (method.upper(), path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def _send(client, method: str, url: str, body: Any = None, headers: dict | None = None):
    kwargs = dict(headers or {})
    if body is not None:
        # ensure_ascii keeps unpaired surrogates as \ud800 escapes, as a client would send them
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method.lower())(url, **kwargs)


def _url(path: str, policy_id: int, path_text: str | None = None) -> str:
    values = {"policy_id": str(policy_id), "approval_id": str(uuid.uuid4()),
              "report_id": "1", "trace_id": str(uuid.uuid4()), "request_id": "1",
              "task": str(uuid.uuid4())}  # fmt: skip
    for name in re.findall(r"{(\w+)}", path):
        path = path.replace("{" + name + "}", path_text if path_text is not None else values[name])
    return path


def _unholdable(text: str) -> bool:
    """NUL or an unpaired surrogate (written out here, not taken from the code under test)."""
    return "\x00" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def _round_trip(text: str) -> str:
    """What the server reads after JSON (a surrogate pair sent as two escapes is one char)."""
    return json.loads(json.dumps(text))


def test_every_operation_has_a_body_to_fuzz(world):
    bodies = _bodies(world["policy_id"], "pii_access")
    with_body = {(m, p) for m, p, op in _operations(world["schema"]) if "requestBody" in op}
    assert with_body == set(bodies), "add a base body for the new operation to _bodies()"


def test_the_three_known_500s_are_400s_naming_the_field(world, org):
    client = world["client"]
    check = _bodies(world["policy_id"], "pii_access")[("POST", "/api/v1/check")][0]
    response = _send(client, "POST", "/api/v1/check", {**check, "tool": "data\x00base.query"})
    assert response.status_code == 400
    assert response.json()["errors"]["tool"][0].startswith("This field contains a NUL")
    body = _policy_body("custom", "nul")
    body["threshold"] = {"rule": "Never \x00 email"}
    response = _send(client, "POST", "/api/v1/policies", body)
    assert response.status_code == 400 and list(response.json()["errors"]) == ["threshold.rule"]
    prefix, _, secret = world["key"].rpartition("_")
    bad_key = f"{prefix[:-2]}\x00{prefix[-1]}_{secret}"
    response = APIClient().get("/api/v1/whoami", HTTP_AUTHORIZATION=f"Bearer {bad_key}")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["Authorization"]
    response = _send(client, "POST", "/api/v1/check", {**check, "agent": "bot\ud800"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["agent"]
    # a surrogate pair is one valid character, not an error
    emoji = {**check, "trace_id": str(uuid.uuid4()), "input": {"note": "\ud83d\ude00"}}
    assert _send(client, "POST", "/api/v1/check", emoji).status_code == 200


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_string_gives_a_5xx(world, data):
    client, policy_id = world["client"], world["policy_id"]
    method, path, operation = data.draw(st.sampled_from(_operations(world["schema"])))
    bodies = _bodies(policy_id, "pii_access").get((method, path), [None])
    body = data.draw(st.sampled_from(bodies))
    query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    slots = [("header", "Authorization")] + [("query", name) for name in query]
    if "{" in path:
        slots.append(("path", "path"))
    if body is not None:
        slots += [("body", slot) for slot in _string_slots(body)]
    where, slot = data.draw(st.sampled_from(slots))
    text = data.draw(TEXT)
    headers, url, sent = {}, _url(path, policy_id), body
    if where == "header":
        text = text.encode("latin-1", "replace").decode("latin-1")  # what a header can carry
        headers = {"HTTP_AUTHORIZATION": f"Bearer {text}"}
        client = APIClient()
        expected_field = "Authorization"
    elif where == "query":
        text = text.encode("utf-8", "replace").decode("utf-8")  # a URL carries UTF-8
        url = f"{url}?{slot}={text}"
        expected_field = slot
    elif where == "path":
        text = text.encode("utf-8", "replace").decode("utf-8")
        url = _url(path, policy_id, text.replace("/", "") or "x")
        expected_field = "path"
    else:
        sent = _replace(body, slot, text)
        expected_field = _field_name([p for p in slot[1:-1]] + ([_round_trip(text)] if slot[0] == "k" else [slot[-1]])) if slot[0] == "k" else _field_name(list(slot[1:]))  # fmt: skip
    response = _send(client, method, url, sent, headers)
    assert response.status_code < 500, (method, url, slot, text, response.content[:500])
    if _unholdable(_round_trip(text)) and where != "path":
        assert response.status_code == 400, (method, url, slot, text, response.content[:500])
        assert expected_field in response.json()["errors"], (expected_field, response.json())
