import uuid
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from traces import chain, ledger_sql
from traces.append import SMALL_BATCH
from traces.models import EventKind, LedgerChain, LedgerEntry
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
    with pytest.raises(ValidationError):
        ledger_append(
            organisation=org,
            events=[event(occurred_at=datetime(999, 12, 31, 12, 0, tzinfo=UTC))],
        )
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


def test_a_large_batch_stores_awkward_text_exactly_and_verifies(org, agent):
    """A batch past the small-batch path goes through COPY (PostgreSQL), whose text format
    escapes backslashes, tabs and newlines: every value must come back byte for byte."""
    from traces.verification import ledger_verify

    awkward = 'back\\slash\ttab\nnewline\rreturn "quoted" \u00e9\u2028'
    events = [
        LedgerEvent(
            trace_id=uuid.uuid4(),
            kind="completion",
            agent=agent if i % 2 else None,
            tool=f"tool\\{i}\t.x" if i % 3 == 0 else "db.query",
            input={"text": awkward, "i": i},
            output=awkward,
            client={"status": "error\t" if i == 7 else "ok", "note": awkward},
            server={"decision": "allow", "policies": [{"id": i}]},
        )
        for i in range(40)
    ]
    assert ledger_append(organisation=org, events=events).accepted == 40
    stored = {e.trace_id: e for e in LedgerEntry.objects.filter(organisation=org)}
    for i, sent in enumerate(events):
        entry = stored[sent.trace_id]
        assert entry.tool == sent.tool
        assert entry.agent_id == (agent.pk if i % 2 else None)
        assert entry.agent_name == (agent.name if i % 2 else None)
        assert entry.input == {"text": awkward, "i": i} and entry.output == awkward
        assert entry.client_data["note"] == awkward
        assert entry.status == ("error\t" if i == 7 else "ok")
        assert entry.policies == f"|{i}|"
        assert entry.entry_hash == chain.entry_hash(
            entry.prev_hash, entry.fields_text(), entry.payload_hash
        )
    result = ledger_verify(organisation=org)
    assert result.ok and result.entries == 40


def test_fields_parts_and_format_time_match_the_documented_format():
    from datetime import UTC, datetime, timedelta, timezone

    fields = dict(
        organisation=7,
        trace_id=str(uuid.uuid4()),
        kind="completion",
        tool="db.query",
        status="ok",
        decision="",
        policies="|1|2|",
        occurred_at="2025-01-31T12:00:00.250000Z",
        client='{"a":"\\u0000 \\"x\\""}',
        server="{}",
    )
    for agent in ("billing-bot", 'odd "agent"\t', None):
        a, b, c = chain.fields_parts(agent=agent, **fields)
        for opens in (True, False):
            assert a + ("true" if opens else "false") + b + "R" + c == chain.fields_text(
                agent=agent, opens_trace=opens, recorded_at="R", **fields
            )
    for value in (
        datetime(2025, 1, 31, 12, 0, 0, 250000, tzinfo=UTC),
        datetime(2025, 1, 31, 23, 59, 59, 0, tzinfo=timezone(timedelta(hours=-5))),
        datetime(1000, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
        datetime(999, 12, 31, 0, 0, 0, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ):
        assert chain.format_time(value) == value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_a_trace_with_every_kind_of_event_stays_idempotent(org, agent):
    # The duplicate check probes each trace's entries with a LIMIT per trace: it must cover
    # every kind, or a resent event of the kind read last is inserted again and the unique
    # key refuses the whole batch.
    trace_id = uuid.uuid4()
    kinds = list(EventKind.values)
    assert len(kinds) == ledger_sql.KINDS
    first = ledger_append(organisation=org, events=[event(trace_id, k, agent) for k in kinds])
    assert (first.accepted, first.duplicates) == (5, 0)
    # Resent in a large batch (the bulk path, which reads the existing keys first) and alone.
    others = [event(agent=agent) for _ in range(SMALL_BATCH)]
    again = ledger_append(
        organisation=org, events=[*others, *(event(trace_id, k, agent) for k in kinds)]
    )
    assert (again.accepted, again.duplicates) == (SMALL_BATCH, 5)
    alone = ledger_append(organisation=org, events=[event(trace_id, k, agent) for k in kinds])
    assert (alone.accepted, alone.duplicates) == (0, 5)
    assert LedgerEntry.objects.filter(organisation=org, trace_id=trace_id).count() == 5
