"""Tampering by someone with raw database access (triggers switched off) is detected and located."""

import uuid

import pytest
from django.db import connection

from traces import chain
from traces.models import LedgerEntry
from traces.services import LedgerEvent, checkpoint_create, ledger_append
from traces.verification import ledger_verify

from .conftest import raw_sql

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(org, agent, fill_ledger):
    fill_ledger(org, 40, agent=agent)
    return org


def entry(org, seq):
    return LedgerEntry.objects.get(organisation=org, seq=seq)


def test_an_intact_chain_verifies(ledger):
    result = ledger_verify(organisation=ledger)
    assert result.ok and result.entries == 40 and result.first_break is None


@pytest.mark.parametrize(
    "column, value",
    [
        ("tool", "tool.innocent"),
        ("status", "ok"),
        ("client", '{"status":"denied"}'),
        ("agent_name", "someone-else"),
        ("payload", '{"input":{"i":999},"output":{"ok":true}}'),
        ("payload_hash", "0" * 64),
    ],
)
def test_a_changed_field_is_detected_as_altered_at_its_entry(ledger, column, value):
    target = entry(ledger, 17)
    if column == "status":
        value = "error" if target.status == "ok" else "ok"
    raw_sql(f"UPDATE traces_ledgerentry SET {column} = %s WHERE id = %s", [value, target.id])  # noqa: S608
    result = ledger_verify(organisation=ledger)
    assert not result.ok
    assert (result.first_break.kind, result.first_break.seq, result.first_break.entry_id) == (
        "altered",
        17,
        target.id,
    )


def test_a_changed_time_is_detected(ledger):
    target = entry(ledger, 5)
    raw_sql(
        "UPDATE traces_ledgerentry SET occurred_at = %s WHERE id = %s",
        ["2020-01-01 00:00:00", target.id],
    )
    assert ledger_verify(organisation=ledger).first_break.seq == 5


def test_a_deleted_entry_is_detected_as_missing(ledger):
    raw_sql("DELETE FROM traces_ledgerentry WHERE id = %s", [entry(ledger, 23).id])
    result = ledger_verify(organisation=ledger)
    assert (result.first_break.kind, result.first_break.seq) == ("missing", 24)
    assert "#23" in result.first_break.detail


def test_a_deleted_last_entry_is_detected_against_the_head(ledger):
    raw_sql("DELETE FROM traces_ledgerentry WHERE id = %s", [entry(ledger, 40).id])
    result = ledger_verify(organisation=ledger)
    assert (result.first_break.kind, result.first_break.seq) == ("missing", 40)


def test_two_swapped_entries_are_detected_as_reordered(ledger):
    a, b = entry(ledger, 11), entry(ledger, 30)
    raw_sql("UPDATE traces_ledgerentry SET seq = -1 WHERE id = %s", [a.id])
    raw_sql("UPDATE traces_ledgerentry SET seq = 11 WHERE id = %s", [b.id])
    raw_sql("UPDATE traces_ledgerentry SET seq = 30 WHERE id = %s", [a.id])
    result = ledger_verify(organisation=ledger)
    assert (result.first_break.kind, result.first_break.seq, result.first_break.entry_id) == (
        "reordered",
        11,
        b.id,
    )


def _forge(org, seq, prev_hash, *, correct_hash=True):
    recorded = "2025-01-01T00:00:00.000000Z"
    trace_id = str(uuid.uuid4())
    payload = chain.payload_text({"forged": True}, None)
    payload_hash = chain.sha256_hex(payload)
    fields = chain.fields_text(
        organisation=org.pk,
        trace_id=trace_id,
        kind="completion",
        agent=None,
        tool="forged.tool",
        status="ok",
        decision="",
        policies="",
        opens_trace=True,
        occurred_at=recorded,
        recorded_at=recorded,
        client="{}",
        server="{}",
    )
    digest = chain.entry_hash(prev_hash, fields, payload_hash) if correct_hash else "f" * 64
    trace_value = trace_id if connection.vendor == "postgresql" else trace_id.replace("-", "")
    raw_sql(
        "INSERT INTO traces_ledgerentry (organisation_id, seq, trace_id, kind, agent_name, tool, status, decision,"
        " policies, opens_trace, occurred_at, recorded_at, client, server, payload, payload_hash, prev_hash, entry_hash)"
        " VALUES (%s, %s, %s, 'completion', NULL, 'forged.tool', 'ok', '', '', %s, %s, %s, '{}', '{}', %s, %s, %s, %s)",
        [
            org.pk,
            seq,
            trace_value,
            True,
            "2025-01-01 00:00:00",
            "2025-01-01 00:00:00",
            payload,
            payload_hash,
            prev_hash,
            digest,
        ],
    )


@pytest.mark.parametrize("correct_hash", [True, False])
def test_a_forged_entry_at_the_end_is_detected_as_foreign(ledger, correct_hash):
    _forge(ledger, 41, entry(ledger, 40).entry_hash, correct_hash=correct_hash)
    result = ledger_verify(organisation=ledger)
    assert (result.first_break.kind, result.first_break.seq) == ("foreign", 41)


def test_a_forged_entry_slipped_into_the_middle_is_detected_as_foreign(ledger):
    # The forger makes room by shifting every later entry up by one, then inserts a
    # well-formed entry chained onto #20 and moves the head along.
    raw_sql(
        "UPDATE traces_ledgerentry SET seq = seq + 1000 WHERE organisation_id = %s AND seq > 20",
        [ledger.pk],
    )
    raw_sql(
        "UPDATE traces_ledgerentry SET seq = seq - 999 WHERE organisation_id = %s AND seq > 1000",
        [ledger.pk],
    )
    raw_sql("UPDATE traces_ledgerchain SET length = 41 WHERE organisation_id = %s", [ledger.pk])
    _forge(ledger, 21, entry(ledger, 20).entry_hash)
    result = ledger_verify(organisation=ledger)
    assert (result.first_break.kind, result.first_break.seq) == ("foreign", 21)


def test_a_rewritten_history_is_caught_by_the_signed_checkpoint(ledger):
    checkpoint_create(organisation=ledger)
    # Rewrite entry 10 and re-hash everything after it, head included: the chain is
    # self-consistent again, but the signed checkpoint at #40 names the old hash.
    rows = list(LedgerEntry.objects.filter(organisation=ledger).order_by("seq"))
    prev = rows[8].entry_hash
    for row in rows[9:]:
        tool = "tool.rewritten" if row.seq == 10 else row.tool
        row.tool = tool
        digest = chain.entry_hash(prev, row.fields_text(), row.payload_hash)
        raw_sql(
            "UPDATE traces_ledgerentry SET tool = %s, prev_hash = %s, entry_hash = %s WHERE id = %s",
            [tool, prev, digest, row.id],
        )
        prev = digest
    raw_sql(
        "UPDATE traces_ledgerchain SET head_hash = %s WHERE organisation_id = %s", [prev, ledger.pk]
    )
    result = ledger_verify(organisation=ledger)
    assert (result.first_break.kind, result.first_break.seq) == ("altered", 40)
    assert "checkpoint" in result.first_break.detail


def test_a_forged_checkpoint_signature_is_detected(ledger):
    checkpoint = checkpoint_create(organisation=ledger)
    raw_sql(
        "UPDATE traces_ledgercheckpoint SET entry_hash = %s WHERE id = %s",
        ["a" * 64, checkpoint.id],
    )
    result = ledger_verify(organisation=ledger)
    assert not result.ok and "signature" in result.first_break.detail


def test_a_blanked_payload_without_erasure_record_is_altered(ledger):
    target = entry(ledger, 8)
    raw_sql(
        "UPDATE traces_ledgerentry SET payload = %s WHERE id = %s",
        ['{"redacted":{"at":"x"}}', target.id],
    )
    result = ledger_verify(organisation=ledger)
    assert (result.first_break.kind, result.first_break.seq) == ("altered", 8)


def test_verification_reads_in_chunks(ledger):
    seen = []
    result = ledger_verify(organisation=ledger, progress=seen.append, chunk=7)
    assert result.ok and sum(seen) == 40 and len(seen) == 6


def test_other_organisations_chains_are_independent(ledger, other_org):
    ledger_append(
        organisation=other_org,
        events=[LedgerEvent(trace_id=uuid.uuid4(), kind="decision", agent=None, tool="a.b")],
    )
    raw_sql("UPDATE traces_ledgerentry SET tool = 'x' WHERE organisation_id = %s", [other_org.pk])
    assert ledger_verify(organisation=ledger).ok
    assert not ledger_verify(organisation=other_org).ok


@pytest.mark.django_db(transaction=True)
def test_parallel_verification_agrees_and_falls_back_to_locate_a_break(org, fill_ledger):
    fill_ledger(org, 120)
    checkpoint_create(organisation=org)
    fill_ledger(org, 30)
    result = ledger_verify(organisation=org, workers=2, min_per_worker=10, chunk=16)
    assert result.ok and result.entries == 150 and result.checkpoints_checked == 1
    target = entry(org, 77)
    raw_sql("UPDATE traces_ledgerentry SET tool = 'x' WHERE id = %s", [target.id])
    result = ledger_verify(organisation=org, workers=2, min_per_worker=10, chunk=16)
    assert (result.first_break.kind, result.first_break.seq) == ("altered", 77)
    raw_sql("UPDATE traces_ledgerentry SET tool = %s WHERE id = %s", [target.tool, target.id])
    raw_sql("DELETE FROM traces_ledgerentry WHERE id = %s", [entry(org, 40).id])
    result = ledger_verify(organisation=org, workers=2, min_per_worker=10, chunk=16)
    assert (result.first_break.kind, result.first_break.seq) == ("missing", 41)


def test_a_name_with_the_reader_separator_is_read_and_verified(org, agent):
    """Verification reads PostgreSQL rows as one joined text split on U+001F; a value holding
    that character is read column by column and the stream resumes after it."""
    from traces.verification import iter_rows

    events = [
        LedgerEvent(
            trace_id=uuid.uuid4(),
            kind="decision",
            agent=agent,
            tool="odd\x1fname" if i in (5, 6, 20) else "db.query",
            input={"i": i},
        )
        for i in range(40)
    ]
    ledger_append(organisation=org, events=events)
    for plain in (True, False):
        rows = [r for chunk in iter_rows(org.pk, chunk=7, plain=plain) for r in chunk]
        assert [r[1] for r in rows] == list(range(1, 41))
        assert [r[5] for r in rows if "\x1f" in r[5]] == ["odd\x1fname"] * 3
    result = ledger_verify(organisation=org)
    assert result.ok and result.entries == 40

    raw_sql(
        "UPDATE traces_ledgerentry SET status = %s WHERE organisation_id = %s AND seq = 12",
        [chr(31), org.pk],
    )
    broken = ledger_verify(organisation=org).first_break
    assert (broken.seq, broken.kind) == (12, "altered")


def test_a_break_early_in_a_long_chain_leaves_the_transaction_usable(org, fill_ledger):
    """Verification stops at the first break while PostgreSQL is still streaming the rest of
    the chain; stopping must not abort the caller's transaction (tests run inside one)."""
    from traces.models import LedgerChain

    fill_ledger(org, 6000)
    raw_sql(
        "UPDATE traces_ledgerentry SET tool = 'tool.other' WHERE organisation_id = %s AND seq = 3",
        [org.pk],
    )
    result = ledger_verify(organisation=org, chunk=500)
    assert (result.first_break.seq, result.first_break.kind) == (3, "altered")
    assert LedgerChain.objects.get(organisation=org).length == 6000  # the connection still works
