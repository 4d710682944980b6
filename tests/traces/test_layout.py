"""The hashed field layout is written once (``traces.chain.FIELDS``) and every path agrees with it.

* The spec's text is canonical JSON: ``fields_text`` equals ``canonical()`` (``json.dumps`` with
  sorted keys, an independent implementation) of the same values, for generated values.
* The write paths — SQLite (Python hashing, ``executemany``), PostgreSQL ``COPY`` (Python
  hashing) and the PostgreSQL function (hashing in the database) — store, for generated events,
  ``entry_hash = sha256(prev ‖ T ‖ payload_hash)`` where ``T`` is the spec's text of the *event*
  (computed here without any database) with the entry's place in the chain filled in. So the
  three paths hash byte-identical text, and the verifier, reading the rows back, agrees.
* The latest migration that creates or keeps the PostgreSQL function holds what ``ledger_sql.render()`` makes of
  the spec today.
"""

from __future__ import annotations

import hashlib
import json
import pkgutil
import uuid
from datetime import UTC, datetime
from importlib import import_module

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import AgentFactory, OrganisationFactory
from traces import append as appender
from traces import chain, ledger_sql
from traces.models import EventKind, LedgerEntry
from traces.verification import Row, ledger_verify

# Text as applications send it; NUL is refused by PostgreSQL text columns (the API refuses it).
texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
times = st.datetimes(
    min_value=datetime(1000, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
)


ledger_rows = st.lists(
    st.fixed_dictionaries(
        {
            "id": st.integers(1, 2**31) | st.booleans(),
            "name": texts,
            "type": st.sampled_from(["pii_access", "custom"]),
            "mode": st.sampled_from(["block", "warn"]),
            "version": st.integers(1, 5) | st.floats(1, 5) | st.booleans(),
            "outcome": st.sampled_from(["passed", "violation", "error"]),
            "reason": texts,
        },
        optional={"details": json_values, "notes": st.lists(texts, max_size=2)},
    ),
    max_size=4,
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    server=st.dictionaries(texts, json_values, max_size=3),
    rows=st.lists(ledger_rows, min_size=1, max_size=3),
    decision=texts,
)
def test_the_server_fields_rendered_row_by_row_are_their_canonical_json(server, rows, decision):
    # canonical_server renders the "policies" rows through a memo (session 16): the same text as
    # canonical(), on the first rendering and on every later one of the same rows; rows equal in
    # value but not in type (1, 1.0, True) are never confused.
    for policies in rows:
        value = {**server, "decision": decision, "policies": policies}
        assert chain.canonical_server(value) == chain.canonical(value)
        assert chain.canonical_server(value) == chain.canonical(value)
    assert chain.canonical_server(server) == chain.canonical(server)


def test_the_server_fields_of_a_row_equal_in_value_but_not_in_type_differ() -> None:
    row = {
        "id": 1,
        "name": "n",
        "type": "custom",
        "mode": "warn",
        "outcome": "passed",
        "reason": "",
    }
    for version in (1, 1.0, True, 1, True):
        value = {"policies": [{**row, "version": version}], "policy_version": 2}
        assert chain.canonical_server(value) == chain.canonical(value)
    with pytest.raises(ValueError):
        chain.canonical_server({"policies": [{**row, "version": float("nan")}]})


@given(
    agent=st.none() | texts,
    client=st.dictionaries(texts, json_values, max_size=3),
    server=st.dictionaries(texts, json_values, max_size=3),
    strings=st.tuples(texts, texts, texts, texts, texts),
    occurred=times,
    recorded=times,
    opens=st.booleans(),
    organisation=st.integers(1, 2**62),
    trace_id=st.uuids(),
    prev=st.binary(min_size=32, max_size=32),
    payload=json_values,
)
def test_the_spec_writes_canonical_json_and_every_derived_form_agrees(
    agent, client, server, strings, occurred, recorded, opens, organisation, trace_id, prev, payload
):
    decision, kind, policies, status, tool = strings
    values = {
        "agent": agent,
        "client": chain.canonical(client),
        "decision": decision,
        "kind": kind,
        "occurred_at": chain.format_time(occurred),
        "opens_trace": opens,
        "organisation": organisation,
        "policies": policies,
        "recorded_at": chain.format_time(recorded),
        "server": chain.canonical(server),
        "status": status,
        "tool": tool,
        "trace_id": str(trace_id),
    }
    text = chain.fields_text(**values)
    # Independent: the same values as one JSON object through json.dumps(sort_keys=True).
    assert text == chain.canonical({**values, "client": client, "server": server})
    # The appenders' form: parts built before the lock, placed values filled in under it.
    unplaced = {k: v for k, v in values.items() if k not in {"opens_trace", "recorded_at"}}
    parts = chain.fields_parts(**unplaced)
    assert len(parts) == len(chain.PART_NAMES)
    assert chain.place(parts, opens, values["recorded_at"]) == text
    # The verifier's form: a row tuple in Row's layout, the organisation a constant.
    prev_hash, payload_hash = prev.hex(), chain.sha256_hex(chain.canonical(payload))
    row = Row(
        id=1, seq=1, payload="", payload_hash=payload_hash, prev_hash=prev_hash, entry_hash="",
        **{k: v for k, v in values.items() if k != "organisation"},
    )  # fmt: skip
    expected = hashlib.sha256((prev_hash + text + payload_hash).encode()).hexdigest()
    assert chain.entry_hashes([row], Row._fields, organisation=organisation) == [expected]
    assert chain.entry_hash(prev_hash, text, payload_hash) == expected


def test_the_verifier_form_refuses_a_layout_that_lacks_a_hashed_field():
    with pytest.raises(ValueError, match="tool"):
        chain.entry_hashes([], [n for n in Row._fields if n != "tool"], organisation=1)


def test_the_spec_is_in_canonical_key_order_and_its_placed_fields_are_the_chains():
    assert list(chain.FIELD_NAMES) == sorted(chain.FIELD_NAMES)
    assert [f.name for f in chain.PLACED] == ["opens_trace", "recorded_at"]
    # Every stored column except the payload, the hashes, seq and ids is hashed.
    columns = {f.column for f in LedgerEntry._meta.concrete_fields}
    unhashed = {"id", "seq", "agent_id", "payload", "payload_hash", "prev_hash", "entry_hash"}
    renamed = {"agent_name": "agent", "organisation_id": "organisation"}
    assert {renamed.get(c, c) for c in columns - unhashed} == set(chain.FIELD_NAMES)


def _latest_function_migration():
    package = import_module("traces.migrations")
    latest = None
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = import_module(f"traces.migrations.{info.name}")
        if "execlave_ledger_append_one(" in getattr(module, "CREATE", ""):
            latest = module
    return latest


def test_the_latest_migration_holds_the_functions_rendered_from_the_spec():
    migration = _latest_function_migration()
    assert migration is not None
    assert ledger_sql.render() == migration.CREATE, (
        "traces.chain.FIELDS or traces.ledger_sql changed: add a migration carrying "
        "ledger_sql.drop() + ledger_sql.render() (python -m traces.ledger_sql prints them)"
    )
    assert "CASE WHEN v_opens THEN 'true' ELSE 'false' END" in migration.CREATE
    # The duplicate check's LIMIT is one row per event kind (the unique index allows no more).
    assert len(EventKind.values) == ledger_sql.KINDS
    assert ledger_sql.sql_time("v_now") in migration.CREATE


# --- the write paths, against the database -------------------------------------------------------

event_contents = st.fixed_dictionaries(
    {
        "tool": texts.filter(lambda t: 0 < len(t) <= 200),
        "status": texts,
        "decision": texts,
        "policy_ids": st.lists(st.integers(0, 10**6), max_size=3),
        "client": st.dictionaries(texts, json_values, max_size=3),
        "server": st.dictionaries(texts, json_values, max_size=3),
        "input": json_values,
        "output": json_values,
        "occurred_at": times,
        "kind": st.sampled_from(["decision", "output_decision", "approval", "completion"]),
        "with_agent": st.booleans(),
        "same_trace_as_previous": st.booleans(),
    }
)


def _events(contents: list[dict], agent) -> list[appender.LedgerEvent]:
    events: list[appender.LedgerEvent] = []
    for c in contents:
        same = c["same_trace_as_previous"] and events
        events.append(
            appender.LedgerEvent(
                trace_id=events[-1].trace_id if same else uuid.uuid4(),
                kind=c["kind"],
                agent=agent if c["with_agent"] else None,
                tool=c["tool"],
                input=c["input"],
                output=c["output"],
                client={**c["client"], "status": c["status"]},
                server={
                    **c["server"],
                    "decision": c["decision"],
                    "policies": [{"id": i} for i in c["policy_ids"]],
                },
                occurred_at=c["occurred_at"],
            )
        )
    return events


def _expected_text(org_id: int, event: appender.LedgerEvent, opens: bool, recorded: str) -> str:
    """The spec's hashed text of an event, from the event alone (no database)."""
    return chain.fields_text(
        agent=event.agent.name if event.agent else None,
        client=chain.canonical(event.client),
        decision=event.server["decision"][:24],
        kind=event.kind,
        occurred_at=chain.format_time(event.occurred_at),
        opens_trace=opens,
        organisation=org_id,
        policies=appender._policies_column(event.server),
        recorded_at=recorded,
        server=chain.canonical(event.server),
        status=event.client["status"][:16],
        tool=event.tool,
        trace_id=str(event.trace_id),
    )


def _append_sqlite(org, events):
    return appender.ledger_append_entries(organisation=org, events=events)


def _append_copy(org, events):
    prepared = [appender._prepare(e, timezone.now()) for e in events]
    with transaction.atomic():
        return appender._append_locked(org, prepared)


def _append_function(org, events):
    prepared = [appender._prepare(e, timezone.now()) for e in events]
    return appender._append_in_database(org, prepared)


PATHS = {
    "sqlite": pytest.param(_append_sqlite, id="sqlite-executemany"),
    "copy": pytest.param(_append_copy, id="postgres-copy", marks=pytest.mark.postgres_only),
    "function": pytest.param(
        _append_function, id="postgres-function", marks=pytest.mark.postgres_only
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("append", PATHS.values())
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(contents=st.lists(event_contents, min_size=1, max_size=4))
def test_every_write_path_hashes_the_specs_text_of_the_event(append, contents):
    if append is _append_sqlite and connection.vendor != "sqlite":
        pytest.skip("the SQLite path runs in the SQLite pass")
    org = OrganisationFactory()
    agent = AgentFactory(organisation=org, name='agent "quoted"\t\u00e9\u2028')
    events = _events(contents, agent)
    stored = append(org, events)

    by_key = {(e.trace_id, e.kind): e for e in reversed(events)}  # the first of duplicates wins
    assert len(stored) == len(by_key)
    entries = {(x.trace_id, x.kind): x for x in LedgerEntry.objects.filter(organisation=org)}
    assert entries.keys() == by_key.keys()
    opened: set[uuid.UUID] = set()
    for entry in sorted(entries.values(), key=lambda x: x.seq):
        event = by_key[(entry.trace_id, entry.kind)]
        assert entry.opens_trace == (event.trace_id not in opened)
        opened.add(event.trace_id)
        text = _expected_text(
            org.pk, event, entry.opens_trace, chain.format_time(entry.recorded_at)
        )
        payload_hash = chain.sha256_hex(chain.payload_text(event.input, event.output))
        assert entry.payload_hash == payload_hash
        assert entry.entry_hash == chain.entry_hash(entry.prev_hash, text, payload_hash)
    result = ledger_verify(organisation=org)
    assert result.ok and result.entries == len(by_key), result


@pytest.mark.django_db
@pytest.mark.postgres_only
def test_the_database_runs_the_generated_functions():
    """The functions in the database are the generated ones (the migration was applied)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'execlave_ledger_append_one'")
        (source,) = cursor.fetchone()
    assert "Generated by traces.ledger_sql" in source
    assert source.strip() in ledger_sql.render()


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_the_json_batch_function_is_gone_and_appends_still_verify():
    """Migration 0012 dropped ``execlave_ledger_append(bigint, jsonb)`` (unused since session
    12); a single append (group commit), a small batch (one call per event) and a batch by
    ``COPY`` still store a chain that verifies."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT proname FROM pg_proc WHERE proname LIKE 'execlave_ledger_append%'")
        assert {name for (name,) in cursor.fetchall()} == {"execlave_ledger_append_one"}
    org = OrganisationFactory()
    agent = AgentFactory(organisation=org)

    def events(n):
        return [
            appender.LedgerEvent(
                trace_id=uuid.uuid4(), kind="decision", agent=agent, tool="db.query",
                input={"i": i}, server={"decision": "allow"},
            )
            for i in range(n)
        ]  # fmt: skip

    assert appender.ledger_append(organisation=org, events=events(1)).accepted == 1
    assert appender.ledger_append(organisation=org, events=events(5)).accepted == 5
    big = appender.SMALL_BATCH + 8
    assert appender.ledger_append(organisation=org, events=events(big)).accepted == big
    result = ledger_verify(organisation=org)
    assert result.ok and result.entries == 6 + big, result


@pytest.mark.django_db
@pytest.mark.postgres_only
def test_migration_0012_backwards_restores_the_json_function():
    """0012's backwards SQL is valid and re-creates the function as 0011 left it (rolled back)."""
    migration = import_module("traces.migrations.0012_drop_ledger_append_json")
    assert migration.CREATE + migration.JSON_FUNCTION == migration.previous.CREATE
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT restore")
        cursor.execute(migration.JSON_FUNCTION)
        cursor.execute("SELECT count(*) FROM pg_proc WHERE proname = 'execlave_ledger_append'")
        assert cursor.fetchone() == (1,)
        cursor.execute("ROLLBACK TO SAVEPOINT restore")


def test_json_of_the_expected_text_is_the_stored_layout():
    # A known answer, written out by hand: what an auditor re-implementing the docs would hash.
    text = chain.fields_text(
        agent=None, client='{"status":"ok"}', decision="", kind="completion",
        occurred_at="2025-01-31T12:00:00.250000Z", opens_trace=True, organisation=7,
        policies="|3|", recorded_at="2025-01-31T12:00:01.000000Z", server="{}", status="ok",
        tool="db.query", trace_id="0b6c4e0e-0000-4000-8000-000000000001",
    )  # fmt: skip
    assert text == (
        '{"agent":null,"client":{"status":"ok"},"decision":"","kind":"completion",'
        '"occurred_at":"2025-01-31T12:00:00.250000Z","opens_trace":true,"organisation":7,'
        '"policies":"|3|","recorded_at":"2025-01-31T12:00:01.000000Z","server":{},'
        '"status":"ok","tool":"db.query","trace_id":"0b6c4e0e-0000-4000-8000-000000000001"}'
    )
    assert json.loads(text)["organisation"] == 7
