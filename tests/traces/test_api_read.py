import uuid

import pytest

from traces.services import LedgerEvent, checkpoint_create, ledger_append

from .conftest import raw_sql

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(org, agent):
    """Three traces: allowed+ok, blocked, warned+error, recorded in that order."""
    ids = [uuid.uuid4() for _ in range(3)]
    ledger_append(
        organisation=org,
        events=[
            LedgerEvent(
                trace_id=ids[0],
                kind="decision",
                agent=agent,
                tool="db.query",
                input={"q": 1},
                server={
                    "decision": "allow",
                    "policies": [{"id": 1, "name": "pii", "outcome": "pass"}],
                },
            ),
            LedgerEvent(
                trace_id=ids[0],
                kind="completion",
                agent=agent,
                tool="db.query",
                input={"q": 1},
                output={"rows": 3},
                client={"status": "ok", "cost": 0.5},
            ),
            LedgerEvent(
                trace_id=ids[1],
                kind="decision",
                agent=agent,
                tool="email.send",
                input={"to": "x"},
                server={"decision": "block"},
            ),
            LedgerEvent(
                trace_id=ids[2],
                kind="decision",
                agent=None,
                tool="db.query",
                server={"decision": "warn"},
            ),
            LedgerEvent(
                trace_id=ids[2],
                kind="completion",
                agent=None,
                tool="db.query",
                client={"status": "error"},
            ),
        ],
    )
    return ids


def test_list_newest_first_with_events(org, story, api_client_for):
    body = api_client_for(org, scopes=["read"]).get("/api/v1/traces").json()
    assert [t["trace_id"] for t in body["traces"]] == [str(i) for i in reversed(story)]
    first = body["traces"][2]
    assert first["agent"] == "billing-bot" and first["tool"] == "db.query"
    assert [e["kind"] for e in first["events"]] == ["decision", "completion"]
    decision, completion = first["events"]
    assert decision["server"]["policies"][0]["name"] == "pii"
    assert completion["client"] == {"status": "ok", "cost": 0.5}
    assert completion["output"] == {"rows": 3} and completion["prev_hash"] == decision["entry_hash"]
    assert body["next_cursor"] is None


@pytest.mark.parametrize(
    "query, expected",
    [
        ("agent=billing-bot", [1, 0]),
        ("tool=db.query", [2, 0]),
        ("status=error", [2]),
        ("status=ok", [0]),
        ("decision=block", [1]),
        ("decision=warn&status=error", [2]),
        ("since=2999-01-01T00:00:00Z", []),
        ("until=2999-01-01T00:00:00Z", [2, 1, 0]),
    ],
)
def test_filters(org, story, api_client_for, query, expected):
    body = api_client_for(org, scopes=["read"]).get(f"/api/v1/traces?{query}").json()
    assert [t["trace_id"] for t in body["traces"]] == [str(story[i]) for i in expected]


def test_cursor_pagination_neither_repeats_nor_skips(org, api_client_for, fill_ledger):
    ids = fill_ledger(org, 12)
    client = api_client_for(org, scopes=["read"])
    seen, url = [], "/api/v1/traces?limit=5"
    while url:
        body = client.get(url).json()
        seen += [t["trace_id"] for t in body["traces"]]
        fill_ledger(org, 1)  # new traces arriving meanwhile do not disturb the walk back
        url = (
            f"/api/v1/traces?limit=5&cursor={body['next_cursor']}" if body["next_cursor"] else None
        )
    assert seen == [str(i) for i in reversed(ids)]


@pytest.mark.parametrize(
    "query, field",
    [
        ("status=maybe", "status"),
        ("decision=perhaps", "decision"),
        ("since=yesterday", "since"),
        ("until=2025-01-01T00:00:00", "until"),
        ("cursor=abc", "cursor"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
    ],
)
def test_bad_filters_are_400_naming_the_field(org, api_client_for, query, field):
    response = api_client_for(org, scopes=["read"]).get(f"/api/v1/traces?{query}")
    assert response.status_code == 400 and field in response.json()["errors"]


def test_one_trace(org, story, api_client_for):
    client = api_client_for(org, scopes=["read"])
    body = client.get(f"/api/v1/traces/{story[0]}").json()
    assert body["trace_id"] == str(story[0]) and len(body["events"]) == 2
    assert client.get(f"/api/v1/traces/{uuid.uuid4()}").status_code == 404
    assert client.get("/api/v1/traces/not-a-uuid").status_code == 404


def test_tenancy_on_every_read_endpoint(org, other_org, story, api_client_for):
    outsider = api_client_for(other_org, scopes=["read", "ingest"])
    assert outsider.get("/api/v1/traces").json()["traces"] == []
    assert outsider.get(f"/api/v1/traces/{story[0]}").status_code == 404
    body = outsider.get("/api/v1/ledger/verify").json()
    assert body["ok"] is True and body["entries"] == 0


def test_read_scope_is_required(org, story, api_client_for):
    client = api_client_for(org, scopes=["ingest", "check"])
    assert client.get("/api/v1/traces").status_code == 403
    assert client.get(f"/api/v1/traces/{story[0]}").status_code == 403
    assert client.get("/api/v1/ledger/verify").status_code == 403


def test_verify_endpoint_reports_intact_then_the_break(org, story, api_client_for):
    checkpoint_create(organisation=org)
    client = api_client_for(org, scopes=["read"])
    body = client.get("/api/v1/ledger/verify").json()
    assert body["ok"] is True and body["entries"] == 5 and body["first_break"] is None
    assert body["checkpoint"]["seq"] == 5 and len(body["checkpoint"]["signature"]) == 64
    raw_sql("DELETE FROM traces_ledgerentry WHERE organisation_id = %s AND seq = 2", [org.pk])
    body = client.get("/api/v1/ledger/verify").json()
    assert body["ok"] is False
    assert body["first_break"]["kind"] == "missing" and body["first_break"]["seq"] == 3


def test_schema_describes_the_endpoints(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/traces" in schema and "/api/v1/ledger/verify" in schema
