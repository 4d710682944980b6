import uuid

import pytest
from django.core.exceptions import ValidationError

from traces import chain
from traces.models import LedgerChain, LedgerEntry
from traces.selectors import trace_events
from traces.services import LedgerEvent, ledger_append

pytestmark = pytest.mark.django_db


def event(trace_id=None, kind="completion", agent=None, **kwargs):
    return LedgerEvent(
        trace_id=trace_id or uuid.uuid4(), kind=kind, agent=agent, tool="db.query", **kwargs
    )


def test_append_chains_entries_and_counts_duplicates(org, agent):
    trace_id = uuid.uuid4()
    first = ledger_append(
        organisation=org,
        events=[
            event(
                trace_id,
                "decision",
                agent,
                input={"q": 1},
                server={"decision": "allow", "policies": [{"id": 3}]},
            ),
            event(
                trace_id,
                "completion",
                agent,
                input={"q": 1},
                output=[1, 2],
                client={"status": "ok"},
            ),
        ],
    )
    assert (first.accepted, first.duplicates) == (2, 0)
    again = ledger_append(
        organisation=org,
        events=[event(trace_id, "completion", agent), event(trace_id, "completion", agent)],
    )
    assert (again.accepted, again.duplicates) == (0, 2)

    decision, completion = trace_events(organisation=org, trace_id=trace_id)
    assert (decision.seq, completion.seq) == (1, 2)
    assert decision.prev_hash == chain.genesis_hash(org.pk)
    assert completion.prev_hash == decision.entry_hash
    assert decision.opens_trace and not completion.opens_trace
    assert decision.decision == "allow" and decision.policies == "|3|"
    assert completion.status == "ok" and completion.output == [1, 2]
    for entry in (decision, completion):
        assert entry.entry_hash == chain.entry_hash(
            entry.prev_hash, entry.fields_text(), entry.payload_hash
        )
        assert entry.payload_hash == chain.sha256_hex(entry.payload)
    head = LedgerChain.objects.get(organisation=org)
    assert (head.length, head.head_hash) == (2, completion.entry_hash)


def test_unrecordable_values_are_refused_and_nothing_is_written(org):
    with pytest.raises(ValidationError):
        ledger_append(organisation=org, events=[event(), event(input={"x": float("nan")})])
    with pytest.raises(ValidationError):
        ledger_append(organisation=org, events=[event(kind="bogus")])
    assert not LedgerEntry.objects.filter(organisation=org).exists()


def test_entries_cannot_be_saved_or_deleted_through_the_orm(org):
    ledger_append(organisation=org, events=[event()])
    entry = LedgerEntry.objects.get(organisation=org)
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        LedgerEntry.objects.filter(organisation=org).update(tool="x")
