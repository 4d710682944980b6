import json
import uuid

import pytest

from governance.models import Agent
from traces.models import LedgerEntry

pytestmark = pytest.mark.django_db
URL = "/api/v1/traces"


def post(client, body, **extra):
    return client.post(URL, data=json.dumps(body), content_type="application/json", **extra)


def test_one_trace_is_recorded_with_client_fields_apart(org, agent, api_client_for, trace_factory):
    client = api_client_for(org, scopes=["ingest"])
    trace = trace_factory()
    response = post(client, trace)
    assert response.status_code == 200, response.content
    assert response.json() == {"accepted": 1, "duplicates": 0}
    entry = LedgerEntry.objects.get(organisation=org)
    assert entry.kind == "completion" and entry.agent == agent and entry.tool == "database.query"
    assert entry.input == trace["input"] and entry.output == trace["output"]
    assert entry.status == "ok"
    assert entry.client_data == {
        k: trace[k] for k in ("status", "started_at", "duration_ms", "tokens", "cost", "metadata")
    }
    assert entry.server_data["ingested_by"].startswith("exk_")
    assert entry.occurred_at.isoformat() == "2025-01-31T12:00:00.250000+00:00"


def test_batch_retry_never_duplicates(org, api_client_for, trace_factory):
    client = api_client_for(org, scopes=["ingest"])
    batch = {"traces": [trace_factory() for _ in range(5)]}
    assert post(client, batch).json() == {"accepted": 5, "duplicates": 0}
    batch["traces"].append(trace_factory())
    assert post(client, batch).json() == {"accepted": 1, "duplicates": 5}
    repeated = trace_factory()
    assert post(client, {"traces": [repeated, repeated]}).json() == {"accepted": 1, "duplicates": 1}
    assert LedgerEntry.objects.filter(organisation=org).count() == 7


def test_one_bad_trace_rejects_the_whole_batch_naming_index_and_field(
    org, api_client_for, trace_factory
):
    client = api_client_for(org, scopes=["ingest"])
    batch = {
        "traces": [
            trace_factory(),
            trace_factory(status="fine", tool="bad tool!"),
            trace_factory(trace_id="nope"),
            trace_factory(tokens={"prompt": -1}, cost="lots", started_at="yesterday"),
            trace_factory(duration_ms="12", metadata=[1], extra_field=1),
        ]
    }
    response = post(client, batch)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {
        "traces[1].status",
        "traces[1].tool",
        "traces[2].trace_id",
        "traces[3].tokens.prompt",
        "traces[3].cost",
        "traces[3].started_at",
        "traces[4].duration_ms",
        "traces[4].metadata",
        "traces[4].extra_field",
    }
    assert not LedgerEntry.objects.filter(organisation=org).exists()


@pytest.mark.parametrize(
    "started_at",
    [
        "2025-02-30T12:00:00Z",  # well formed, not a date
        "0999-12-31T12:00:00Z",  # a year the chain's time format does not pad
        "1000-01-01T00:30:00+01:00",  # 999 in UTC
        "9999-12-31T23:00:00-05:00",  # past 9999 in UTC
    ],
)
def test_started_at_the_ledger_cannot_hash_is_400(org, api_client_for, trace_factory, started_at):
    response = post(api_client_for(org, scopes=["ingest"]), trace_factory(started_at=started_at))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"started_at"}
    assert not LedgerEntry.objects.filter(organisation=org).exists()


def test_edge_years_are_stored_and_verified(org, api_client_for, trace_factory):
    from traces.verification import ledger_verify

    batch = {
        "traces": [
            trace_factory(started_at=when)
            for when in ("1000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z") * 20
        ]
    }
    response = post(api_client_for(org, scopes=["ingest"]), batch)
    assert response.status_code == 200 and response.json()["accepted"] == 40
    years = {e.occurred_at.year for e in LedgerEntry.objects.filter(organisation=org)}
    assert years == {1000, 9999}
    assert ledger_verify(organisation=org).ok


@pytest.mark.parametrize(
    "body, field",
    [
        ([1, 2], "body"),
        ({"traces": []}, "traces"),
        ({"traces": "x"}, "traces"),
        ({"traces": [1]}, "traces[0]"),
        ({"traces": [{}], "more": 1}, "more"),
    ],
)
def test_malformed_bodies_are_400(org, api_client_for, body, field):
    response = post(api_client_for(org, scopes=["ingest"]), body)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_required_fields(org, api_client_for):
    response = post(api_client_for(org, scopes=["ingest"]), {"input": 1})
    assert response.status_code == 400
    assert {"trace_id", "agent", "tool", "status"} <= set(response.json()["errors"])


def test_not_json_is_400(org, api_client_for):
    response = api_client_for(org, scopes=["ingest"]).post(
        URL, data="{nope", content_type="application/json"
    )
    assert response.status_code == 400
    assert "body" in response.json()["errors"]


def test_batch_size_limit(org, api_client_for, trace_factory):
    response = post(
        api_client_for(org, scopes=["ingest"]), {"traces": [trace_factory() for _ in range(1001)]}
    )
    assert response.status_code == 400
    assert "At most 1000" in response.json()["errors"]["traces"][0]


def test_trace_over_payload_limit_is_413_naming_it(org, api_client_for, trace_factory, settings):
    settings.TRACES_MAX_TRACE_BYTES = 2048
    client = api_client_for(org, scopes=["ingest"])
    response = post(client, {"traces": [trace_factory(), trace_factory(output="x" * 4000)]})
    assert response.status_code == 413
    assert "traces[1]" in response.json()["errors"]
    assert post(client, trace_factory(output="x" * 4000)).status_code == 413
    assert not LedgerEntry.objects.filter(organisation=org).exists()


def test_body_over_limit_is_413(org, api_client_for, trace_factory, settings):
    settings.TRACES_MAX_BODY_BYTES = 1000
    response = post(
        api_client_for(org, scopes=["ingest"]), {"traces": [trace_factory() for _ in range(5)]}
    )
    assert response.status_code == 413


def test_json_depth_limit(org, api_client_for, trace_factory):
    client = api_client_for(org, scopes=["ingest"])
    deep = current = {}
    for _ in range(40):
        current["x"] = {}
        current = current["x"]
    response = post(client, trace_factory(input=deep))
    assert response.status_code == 400 and "input" in response.json()["errors"]
    very_deep = "[" * 100_000 + "]" * 100_000
    body = '{"trace_id": "' + str(uuid.uuid4()) + '", "input": ' + very_deep + "}"
    response = client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 400


def test_lone_surrogates_and_huge_numbers_are_400(org, api_client_for, trace_factory):
    client = api_client_for(org, scopes=["ingest"])
    body = json.dumps(trace_factory(input="placeholder")).replace('"placeholder"', '"\\ud800"')
    assert client.post(URL, data=body, content_type="application/json").status_code == 400
    body = json.dumps(trace_factory(input="placeholder")).replace('"placeholder"', "1e999")
    assert client.post(URL, data=body, content_type="application/json").status_code == 400


def test_unknown_agent_is_registered_when_the_organisation_allows(
    org, api_client_for, trace_factory
):
    response = post(api_client_for(org, scopes=["ingest"]), trace_factory(agent="new-bot"))
    assert response.status_code == 200
    assert Agent.objects.filter(organisation=org, name="new-bot").exists()


def test_unknown_agent_is_400_when_the_organisation_forbids_it(org, api_client_for, trace_factory):
    org.allow_agent_autocreate = False
    org.save()
    response = post(
        api_client_for(org, scopes=["ingest"]), {"traces": [trace_factory(agent="ghost")]}
    )
    assert response.status_code == 400
    assert "ghost" in response.json()["errors"]["traces[0].agent"][0]
    assert not Agent.objects.filter(name="ghost").exists()


def test_agent_bound_key_writes_only_its_own_agent(org, agent, api_client_for, trace_factory):
    client = api_client_for(org, scopes=["ingest"], agent=agent)
    assert post(client, trace_factory(agent="billing-bot")).status_code == 200
    no_agent = trace_factory()
    del no_agent["agent"]
    assert post(client, no_agent).status_code == 200  # defaults to the key's agent
    response = post(client, {"traces": [trace_factory(), trace_factory(agent="other-bot")]})
    assert response.status_code == 403
    assert "traces[1].agent" in response.json()["errors"]
    assert LedgerEntry.objects.filter(organisation=org).count() == 2
    assert not Agent.objects.filter(name="other-bot").exists()


def test_scopes_and_authentication(org, api_client_for, trace_factory):
    assert post(api_client_for(org, scopes=["read"]), trace_factory()).status_code == 403
    assert api_client_for(org, scopes=["ingest"]).get(URL).status_code == 403
    from rest_framework.test import APIClient

    assert post(APIClient(), trace_factory()).status_code in (401, 403)
    anonymous = APIClient()
    anonymous.credentials(HTTP_AUTHORIZATION="Bearer exk_live_nope")
    assert post(anonymous, trace_factory()).status_code == 401


def test_each_organisation_writes_its_own_chain(org, other_org, api_client_for, trace_factory):
    trace = trace_factory()
    post(api_client_for(org, scopes=["ingest"]), trace)
    response = post(api_client_for(other_org, scopes=["ingest"]), trace)
    assert response.json() == {"accepted": 1, "duplicates": 0}  # same trace id, another tenant
    assert LedgerEntry.objects.get(organisation=other_org).seq == 1


def test_reported_costs_are_counted_against_budgets_once(
    org, agent, api_client_for, trace_factory, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from policies.models import BudgetWindow
    from policies.services import policy_create

    policy_create(
        organisation=org,
        actor=None,
        name="daily budget",
        type="budget_cap",
        threshold={"amount": "10", "period": "day"},
    )
    client = api_client_for(org, scopes=["ingest"])
    batch = {"traces": [trace_factory(cost="2.5"), trace_factory(cost=1), trace_factory(cost=None)]}
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, batch).json() == {"accepted": 3, "duplicates": 0}
    assert BudgetWindow.objects.get(organisation=org).spent == Decimal("3.5")
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, batch).json() == {"accepted": 0, "duplicates": 3}
    assert BudgetWindow.objects.get(organisation=org).spent == Decimal("3.5")


@pytest.mark.parametrize("field", ["input", "output", "metadata", "context"])
def test_json_depth_limit_applies_to_every_document(
    org, api_client_for, trace_factory, settings, field
):
    settings.TRACES_MAX_JSON_DEPTH = 5
    client = api_client_for(org, scopes=["ingest"])
    shallow = {"a": {"b": {"c": {"d": [1]}}}}  # 5 levels: allowed
    assert post(client, trace_factory(**{field: shallow})).status_code == 200
    deep = {"a": {"b": {"c": {"d": {"e": [1]}}}}}  # 6 levels
    response = post(client, trace_factory(**{field: deep}))
    assert response.status_code == 400 and field in response.json()["errors"]
