"""Appending to the ledger: ``ledger_append`` is the one way entries are created; the policies
app records every /check decision through it, the approvals app every approval outcome and the
ingestion API every completed execution (``traces.services.traces_ingest``).

Appends to one organisation's chain are serialised by a row lock on its ``LedgerChain`` row
and written as one batch, so a 1,000-trace request costs one lock, one round of hashing in
Python and one bulk write: ``COPY`` on PostgreSQL, ``executemany`` on SQLite. A few events
(every ``/check``) go to PostgreSQL as one statement calling ``execlave_ledger_append_one``
(``traces.ledger_sql``) once per event; outside a transaction, threads appending to the same
organisation at the same time share one such statement (``traces.group_commit``). All three
hash the text ``traces.chain.FIELDS`` defines. See docs/ledger.md ("Chain-head lock or
sequencer?", "Group commit") for why the lock won over a Trillian-style sequencer.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from governance.models import Agent, Organisation

from . import chain, group_commit, ledger_sql
from .models import EventKind, LedgerChain, LedgerEntry


@dataclass(frozen=True)
class LedgerEvent:
    trace_id: uuid.UUID
    kind: str  # an EventKind: decision, output_decision, approval, completion, correction
    agent: Agent | None
    tool: str
    input: Any = None  # hashed into payload_hash; erasable
    output: Any = None  # hashed into payload_hash; erasable
    # Other fields exactly as the client sent them (status, started_at, duration_ms, tokens,
    # cost, metadata, context).
    client: dict = field(default_factory=dict)
    # What the server computed: "decision" (allow/warn/block/require_approval), "policies"
    # (a list of {"id", "name", "type", "mode", "outcome", "reason"}), approval id/status/
    # decided_by, ... Values may be datetimes, decimals or UUIDs (stored as strings).
    server: dict = field(default_factory=dict)
    occurred_at: datetime | None = None  # default now


@dataclass(frozen=True)
class AppendResult:
    accepted: int
    duplicates: int


def ledger_append(*, organisation: Organisation, events: Sequence[LedgerEvent]) -> AppendResult:
    """Append events to the organisation's chain, atomically.

    Idempotent on (organisation, trace_id, kind): an event already recorded (or repeated in
    the same call) is counted in ``duplicates`` and not stored again. Raises
    ``django.core.exceptions.ValidationError`` naming the field for a value the ledger cannot
    hold (NaN, invalid Unicode, unknown kind); nothing is written then."""
    stored = ledger_append_entries(organisation=organisation, events=events)
    return AppendResult(accepted=len(stored), duplicates=len(events) - len(stored))


# --- preparing rows (pure CPU work, done before the chain lock is taken) --------------------------


@dataclass
class _Prepared:
    trace_id: uuid.UUID
    kind: str
    agent_id: int | None
    agent_name: str | None
    tool: str
    client: str
    server: str
    payload: str
    payload_hash: str
    status: str
    decision: str
    policies: str
    occurred_at: datetime


@dataclass(frozen=True)
class _Stored:
    trace_id: uuid.UUID
    kind: str
    seq: int


def _policies_column(server: dict) -> str:
    ids = [
        str(item["id"])
        for item in server.get("policies") or ()
        if isinstance(item, dict) and item.get("id") is not None
    ]
    text = "|" + "|".join(ids) + "|" if ids else ""
    return text if len(text) <= 2000 else text[: text.rfind("|", 0, 2000) + 1]


_KINDS = frozenset(EventKind.values)  # the enum's .values builds a new list on every call


def _prepare(event: LedgerEvent, now: datetime) -> _Prepared:
    if event.kind not in _KINDS:
        raise ValidationError({"kind": f"Unknown event kind {event.kind!r}."})
    try:
        trace_id = (
            event.trace_id
            if isinstance(event.trace_id, uuid.UUID)
            else uuid.UUID(str(event.trace_id))
        )
    except ValueError:
        raise ValidationError({"trace_id": "Must be a UUID."}) from None
    if not isinstance(event.tool, str) or not event.tool or len(event.tool) > 200:
        raise ValidationError({"tool": "A tool name of 1 to 200 characters is required."})
    occurred_at = event.occurred_at or now
    if timezone.is_naive(occurred_at):
        raise ValidationError({"occurred_at": "Times must carry a time zone."})
    try:  # four-digit UTC years only: the verifier reads earlier years back zero-padded
        hashable = len(chain.format_time(occurred_at)) == 27
    except OverflowError:  # past 9999 in UTC
        hashable = False
    if not hashable:
        raise ValidationError({"occurred_at": "Must be a time between the years 1000 and 9999."})
    client, server = event.client or {}, event.server or {}
    texts = {}
    for name, value in (("client", client), ("server", server)):
        try:
            texts[name] = (
                chain.canonical(value) if name == "client" else chain.canonical_server(value)
            )
        except (ValueError, TypeError) as exc:
            raise ValidationError({name: f"Cannot be recorded as JSON: {exc}"}) from None
    try:
        payload = chain.payload_text(event.input, event.output)
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            {"input": f"Input/output cannot be recorded as JSON: {exc}"}
        ) from None
    status = client.get("status") if isinstance(client.get("status"), str) else ""
    decision = server.get("decision") if isinstance(server.get("decision"), str) else ""
    return _Prepared(
        trace_id=trace_id,
        kind=event.kind,
        agent_id=event.agent.pk if event.agent is not None else None,
        agent_name=event.agent.name if event.agent is not None else None,
        tool=event.tool,
        client=texts["client"],
        server=texts["server"],
        payload=payload,
        payload_hash=chain.sha256_hex(payload),
        status=status[:16],
        decision=decision[:24],
        policies=_policies_column(server),
        occurred_at=occurred_at,
    )


# --- the chain lock and the write -------------------------------------------------------------------


def _lock_chain(organisation: Organisation) -> tuple[int, str]:
    """(length, head_hash) of the organisation's chain, its row locked until the transaction
    ends (created on first use)."""
    with connection.cursor() as cursor:
        for _ in range(2):
            cursor.execute(
                "SELECT length, head_hash FROM traces_ledgerchain WHERE organisation_id = %s FOR UPDATE"
                if connection.features.has_select_for_update
                else "SELECT length, head_hash FROM traces_ledgerchain WHERE organisation_id = %s",
                [organisation.pk],
            )
            row = cursor.fetchone()
            if row is not None:
                return row[0], row[1]
            try:
                with transaction.atomic():
                    LedgerChain.objects.create(
                        organisation=organisation,
                        length=0,
                        head_hash=chain.genesis_hash(organisation.pk),
                    )
            except IntegrityError:
                pass  # created concurrently; lock it on the next pass
    raise RuntimeError("could not lock the ledger chain")  # pragma: no cover


def _existing_keys(
    organisation: Organisation, trace_ids: list[uuid.UUID]
) -> set[tuple[uuid.UUID, str]]:
    found: set[tuple[uuid.UUID, str]] = set()
    if connection.vendor == "postgresql":
        # One index probe per trace id, whatever the statistics say. A plain "trace_id =
        # ANY(...)" on a table autovacuum has not analysed yet (a new installation, a burst
        # of appends) was planned as a scan of the organisation's rows: 20-30 ms per
        # 1,000-trace batch and growing with the ledger. The LIMIT keeps the subquery from
        # being flattened into a join, so each id is one probe of the unique index (at most
        # one row per event kind: the LIMIT must count them all, or a resent event of the kind
        # read last is copied again and the unique key refuses the batch). The ids go as one
        # array literal: adapting a list of 1,000 UUIDs costs milliseconds.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.id, e.kind FROM unnest(%s::uuid[]) AS t(id) CROSS JOIN LATERAL ("
                " SELECT kind FROM traces_ledgerentry"
                " WHERE organisation_id = %s AND trace_id = t.id LIMIT %s) AS e",
                ["{" + ",".join(map(str, trace_ids)) + "}", organisation.pk, ledger_sql.KINDS],
            )
            found.update(cursor.fetchall())
        return found
    for start in range(0, len(trace_ids), 500):
        found.update(
            LedgerEntry.objects.filter(
                organisation=organisation, trace_id__in=trace_ids[start : start + 500]
            ).values_list("trace_id", "kind")
        )
    return found


INSERT_COLUMNS = [
    "organisation_id",
    "seq",
    "trace_id",
    "kind",
    "agent_id",
    "agent_name",
    "tool",
    "status",
    "decision",
    "policies",
    "opens_trace",
    "occurred_at",
    "recorded_at",
    "client",
    "server",
    "payload",
    "payload_hash",
    "prev_hash",
    "entry_hash",
]
_COLUMNS_SQL = ", ".join(INSERT_COLUMNS)
_ROW_SQL = "(" + ", ".join(["%s"] * len(INSERT_COLUMNS)) + ")"
SMALL_BATCH = 32  # PostgreSQL, up to this many events: one server-side statement (0007)


def _write_copy(
    organisation: Organisation, data: str, length: int, head_hash: str, now: datetime
) -> None:
    """PostgreSQL: COPY the prepared lines (text format, ``_COPY_COLUMNS``) and move the head.
    COPY is several times faster than a multi-row INSERT for a 1,000-row batch."""
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY traces_ledgerentry ({_COPY_COLUMNS}) FROM STDIN") as copy:
            copy.write(data)
        cursor.execute(
            "UPDATE traces_ledgerchain SET length = %s, head_hash = %s, updated_at = %s WHERE organisation_id = %s",
            [length, head_hash, now, organisation.pk],
        )


def _write(
    organisation: Organisation, rows: list[tuple], length: int, head_hash: str, now: datetime
) -> None:
    """SQLite: insert the rows (``INSERT_COLUMNS`` order) and move the chain head."""
    adapt_time = connection.ops.adapt_datetimefield_value
    adapted = [
        row[:2]
        + (row[2].hex,)
        + row[3:10]
        + (int(row[10]), adapt_time(row[11]), adapt_time(row[12]))
        + row[13:]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO traces_ledgerentry ({_COLUMNS_SQL}) VALUES {_ROW_SQL}",  # noqa: S608
            adapted,
        )
        cursor.execute(
            "UPDATE traces_ledgerchain SET length = %s, head_hash = %s, updated_at = %s WHERE organisation_id = %s",
            [length, head_hash, adapt_time(now), organisation.pk],
        )


def _fields_parts(
    org_id: int, p: _Prepared, trace_text: str, occurred_text: str
) -> tuple[str, ...]:
    """``chain.fields_parts`` of a prepared event: its hashed fields cut around the values only
    known under the chain lock (``opens_trace``, ``recorded_at``)."""
    return chain.fields_parts(
        organisation=org_id,
        trace_id=trace_text,
        kind=p.kind,
        agent=p.agent_name,
        tool=p.tool,
        status=p.status,
        decision=p.decision,
        policies=p.policies,
        occurred_at=occurred_text,
        client=p.client,
        server=p.server,
    )


# execlave_ledger_append_one's parameters after the organisation, in order (traces.ledger_sql).
_APPEND_PARAMS = ledger_sql.APPEND_PARAMS
_APPEND_ONE_SQL = "SELECT execlave_ledger_append_one(%s" + ", %s" * len(_APPEND_PARAMS) + ")"


@functools.cache
def _append_sql(events: int) -> str:
    """One statement appending ``events`` events: the function called once per event, in
    one row. Each call answers for its own event (its seq, or NULL for a duplicate), so the
    answers never depend on the order the calls run in; plain parameters cost less on both
    sides than a JSON document (the old ``execlave_ledger_append``): no escaping of ~5 KB of
    text per event in Python, no JSON parsing in PostgreSQL."""
    return "SELECT " + ", ".join([_APPEND_ONE_SQL.removeprefix("SELECT ")] * events)


def _append_values(org_id: int, p: _Prepared) -> tuple:
    """One event as ``_APPEND_PARAMS``: its columns, and its hashed fields cut around the
    values only known under the lock (``chain.fields_parts``)."""
    trace_id, occurred_at = str(p.trace_id), chain.format_time(p.occurred_at)
    return (
        trace_id, p.kind, p.agent_id, p.agent_name, p.tool, p.status, p.decision,
        p.policies, occurred_at, p.client, p.server, p.payload, p.payload_hash,
        *_fields_parts(org_id, p, trace_id, occurred_at),
    )  # fmt: skip


def _append_in_database(organisation: Organisation, prepared: list[_Prepared]) -> list[_Stored]:
    """PostgreSQL, a few events: lock, deduplicate, chain and insert in one statement. Outside
    a caller's transaction (autocommit), grouped with other threads' appends to the same
    organisation that queue meanwhile (``traces.group_commit``)."""
    org_id = organisation.pk
    if org_id not in _chains_known:  # chain rows are never deleted: check once per process
        if not LedgerChain.objects.filter(organisation_id=org_id).exists():
            _lock_chain(organisation)  # creates it
        _chains_known.add(org_id)
    if connection.in_atomic_block:
        stored = _append_statement(org_id, prepared)
    else:
        # A group's leader writes on its own connection: take it before queueing, so a
        # leader never waits on the pool while the waiters it writes for hold the rest
        # (a request thread already holds one; a bare worker thread may not).
        connection.ensure_connection()
        stored = group_commit.append_grouped(
            org_id,
            prepared,
            lambda events: _append_statement(org_id, events),
            settings.LEDGER_APPENDS_IN_FLIGHT,
        )
    return [s for s in stored if s is not None]


def _append_statement(org_id: int, prepared: list[_Prepared]) -> list[_Stored | None]:
    """One statement on this thread's connection; what it stored of each event, in order
    (None for a duplicate)."""
    params = []
    for p in prepared:
        params.append(org_id)
        params.extend(_append_values(org_id, p))
    with connection.prepared_cursor() as cursor:
        cursor.execute(_append_sql(len(prepared)), params)
        seqs = cursor.fetchone()
    return [
        None if seq is None else _Stored(trace_id=p.trace_id, kind=p.kind, seq=seq)
        for p, seq in zip(prepared, seqs, strict=True)
    ]


_chains_known: set[int] = set()


def _append(organisation: Organisation, prepared: list[_Prepared]) -> list[_Stored]:
    """Chain and store prepared events under the chain-head lock; duplicates are skipped."""
    if not prepared:
        return []
    if connection.vendor == "postgresql" and len(prepared) <= SMALL_BATCH:
        # One statement, atomic on its own: outside a caller's transaction it runs in
        # autocommit, so a /check pays one round trip instead of BEGIN, call and COMMIT.
        return _append_in_database(organisation, prepared)
    with transaction.atomic():
        return _append_locked(organisation, prepared)


def _copy_text(value: str) -> str:
    """A text value as COPY's text format needs it (backslash, tab, newline and CR escaped)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


# COPY columns on PostgreSQL: what is known before the lock first, the chain position last, so
# each line is a prefix built outside the lock plus a short suffix built under it.
_COPY_COLUMNS = (
    "organisation_id, trace_id, kind, agent_id, agent_name, tool, status, decision, policies,"
    " occurred_at, client, server, payload, payload_hash,"
    " seq, opens_trace, recorded_at, prev_hash, entry_hash"
)


def _append_locked(organisation: Organisation, prepared: list[_Prepared]) -> list[_Stored]:
    org_id = organisation.pk
    postgres = connection.vendor == "postgresql"
    # Everything but the chain position (seq, opens_trace, recorded_at, the hashes) is known
    # before the lock: build the hashed text around those gaps, and on PostgreSQL the COPY
    # line, now. Under the lock each entry then costs two concatenations and one SHA-256.
    org_text = str(int(org_id))
    parts = []
    for p in prepared:
        trace_text = str(p.trace_id)
        occurred_text = chain.format_time(p.occurred_at)
        fields_parts = _fields_parts(org_id, p, trace_text, occurred_text)
        line = (
            "\t".join(
                (
                    org_text,
                    trace_text,
                    _copy_text(p.kind),
                    "\\N" if p.agent_id is None else str(int(p.agent_id)),
                    "\\N" if p.agent_name is None else _copy_text(p.agent_name),
                    _copy_text(p.tool),
                    _copy_text(p.status),
                    _copy_text(p.decision),
                    _copy_text(p.policies),
                    # chain.format_time's text, except for years before 1000, whose unpadded
                    # text PostgreSQL would read as another year
                    occurred_text if len(occurred_text) == 27 else p.occurred_at.isoformat(),
                    _copy_text(p.client),
                    _copy_text(p.server),
                    _copy_text(p.payload),
                    p.payload_hash,
                )
            )
            + "\t"
            if postgres
            else None
        )
        parts.append((fields_parts, line))

    length, prev = _lock_chain(organisation)
    recorded_at = timezone.now()  # taken under the lock: never earlier than the previous entry's
    existing = _existing_keys(organisation, list({p.trace_id for p in prepared}))
    opened = {trace_id for trace_id, _ in existing}
    recorded_text = chain.format_time(recorded_at)
    lines: list[str] = []
    rows: list[tuple] = []
    stored: list[_Stored] = []
    seq = length
    place = chain.place
    for p, (fields_parts, line) in zip(prepared, parts, strict=True):
        key = (p.trace_id, p.kind)
        if key in existing:
            continue
        existing.add(key)
        opens = p.trace_id not in opened
        opened.add(p.trace_id)
        seq += 1
        digest = chain.entry_hash(prev, place(fields_parts, opens, recorded_text), p.payload_hash)
        if postgres:
            lines.append(
                f"{line}{seq}\t{'t' if opens else 'f'}\t{recorded_text}\t{prev}\t{digest}\n"
            )
        else:
            rows.append(
                (
                    org_id,
                    seq,
                    p.trace_id,
                    p.kind,
                    p.agent_id,
                    p.agent_name,
                    p.tool,
                    p.status,
                    p.decision,
                    p.policies,
                    opens,
                    p.occurred_at,
                    recorded_at,
                    p.client,
                    p.server,
                    p.payload,
                    p.payload_hash,
                    prev,
                    digest,
                )
            )
        stored.append(_Stored(trace_id=p.trace_id, kind=p.kind, seq=seq))
        prev = digest
    if lines:
        _write_copy(organisation, "".join(lines), seq, prev, recorded_at)
    elif rows:
        _write(organisation, rows, seq, prev, recorded_at)
    return stored


def ledger_append_entries(
    *, organisation: Organisation, events: Sequence[LedgerEvent]
) -> list[_Stored]:
    """Like ``ledger_append`` but returns what was stored: (trace_id, kind, seq) of each new entry."""
    now = timezone.now()
    return _append(organisation, [_prepare(event, now) for event in events])
