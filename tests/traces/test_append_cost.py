"""PostgreSQL: one small append costs the same however long the chain has grown on a pooled
connection (migration 0007). The former duplicate probe could be cached with a plan, made
while the table was empty, that walks the organisation's whole chain on every append.

Each measure is the fewest buffers of a few appends in a row: a VACUUM or ANALYZE of the entry
or chain table (autovacuum visits the chain table after ~50 appends: every append updates its
row) invalidates the function's cached plans, and the next call alone re-plans them, reading
the catalogs: +20 to +240 buffers once (measured: ANALYZE of the entries +86, VACUUM +43, of
the chain +35 / +21). That is how the first test flaked once (72 against a limit of 66), and
again in session 16 (22 -> 72, suites running in parallel at load 4-6) with the fewest of
four: so the fewest of six, and a margin of 80 buffers. A walk of the chain costs on every
call, every page of the organisation's entries, so the fewest still shows it: with the probe
broken to walk the (organisation, seq) index (a scratch run, session 13) the tests read
27 -> 186 and 52 -> 191 buffers, well past either test's limit (~107 and ~132), and fail.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.utils import timezone

from traces.append import _APPEND_ONE_SQL, LedgerEvent, _append_values, _prepare, ledger_append

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

APPENDS = 6  # measured in a row; the fewest buffers counts
MARGIN = 80  # buffers: a re-plan or a busy autovacuum stays under it, a walk of the chain does not


def _event(agent, trace_id=None, kind="decision"):
    return LedgerEvent(
        trace_id=trace_id or uuid.uuid4(),
        kind=kind,
        agent=agent,
        tool="crm.update",
        input={"customer": 48213, "note": "renewal " * 40},
        server={"decision": "allow", "policies": [{"id": 1, "outcome": "pass"}]},
    )


def _buffers_of_one_append(org, agent) -> int:
    """Shared buffers one single-event append touches, as EXPLAIN (ANALYZE, BUFFERS) counts
    them for the function call, its cached inner plans included: the fewest of ``APPENDS`` in
    a row, so that a one-off re-plan (after autovacuum) is not counted (module docstring)."""
    counts = []
    for _ in range(APPENDS):
        values = _append_values(org.pk, _prepare(_event(agent), timezone.now()))
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + _APPEND_ONE_SQL, [org.pk, *values]
            )
            plan = cursor.fetchone()[0][0]["Plan"]
        counts.append(plan["Shared Hit Blocks"] + plan["Shared Read Blocks"])
    return min(counts)


def test_an_append_does_not_walk_the_chain(org, agent):
    for _ in range(10):  # past the five calls after which PL/pgSQL caches generic plans
        ledger_append(organisation=org, events=[_event(agent)])
    early = _buffers_of_one_append(org, agent)
    for _ in range(60):
        ledger_append(organisation=org, events=[_event(agent) for _ in range(25)])
    late = _buffers_of_one_append(org, agent)
    # 1,500 entries later: the same few index pages (~22 -> ~28), not the chain's (~190).
    assert late < early + MARGIN, (early, late)


def test_a_plan_cached_on_a_small_table_does_not_walk_the_chain(org, agent):
    """A connection that first appends when the table holds a few hundred entries and has no
    statistics yet (a new installation) used to cache, on some connections, a duplicate check
    that walks the (organisation, seq) index: on so few pages it looks a hair cheaper than the
    trace index, and it stays cached until the table is next analysed (session 11: half of a
    pool's connections read every entry of the organisation on each append)."""
    for _ in range(7):  # COPY, not the function: the table grows without planning anything
        ledger_append(organisation=org, events=[_event(agent) for _ in range(33)])
    connection.close()  # a new connection plans the function's statements afresh
    for _ in range(10):  # past the five calls after which PL/pgSQL caches generic plans
        ledger_append(organisation=org, events=[_event(agent)])
    early = _buffers_of_one_append(org, agent)
    for _ in range(40):
        ledger_append(organisation=org, events=[_event(agent) for _ in range(33)])
    late = _buffers_of_one_append(org, agent)
    assert late < early + MARGIN, (early, late)


def test_duplicates_are_skipped_without_breaking_the_chain(org, agent):
    trace_id = uuid.uuid4()
    result = ledger_append(
        organisation=org,
        events=[
            _event(agent, trace_id),
            _event(agent, trace_id),  # repeated in the batch
            _event(agent, trace_id, kind="completion"),
        ],
    )
    assert (result.accepted, result.duplicates) == (2, 1)
    again = ledger_append(organisation=org, events=[_event(agent, trace_id), _event(agent)])
    assert (again.accepted, again.duplicates) == (1, 1)

    from traces.models import LedgerEntry
    from traces.verification import ledger_verify

    entries = list(LedgerEntry.objects.filter(organisation=org).order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert [e.opens_trace for e in entries] == [True, False, True]
    assert ledger_verify(organisation=org).ok
