"""Writes to the ledger. ``ledger_append`` is the one way entries are created; the policies app
records every /check decision through it and the approvals app every approval outcome.

Appends to one organisation's chain are serialised by a row lock on its ``LedgerChain`` row
and written as one batch (PostgreSQL: ``COPY``), so a 1,000-trace request costs one lock, one
round of hashing in Python and one bulk write. See docs/sections/traces.md for why the lock
won over a Trillian-style sequencer.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from governance.models import Agent, Organisation

from . import chain
from .models import EventKind, LedgerChain, LedgerEntry


@dataclass(frozen=True)
class LedgerEvent:
    trace_id: uuid.UUID
    kind: str  # "decision" | "output_decision" | "approval" | "completion"
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
    event: LedgerEvent
    trace_id: uuid.UUID
    trace_id_text: str
    agent_name: str | None
    client: str
    server: str
    payload: str
    payload_hash: str
    status: str
    decision: str
    policies: str
    occurred_at: datetime


def _policies_column(server: dict) -> str:
    ids = [
        str(item["id"]) for item in server.get("policies") or ()
        if isinstance(item, dict) and item.get("id") is not None
    ]
    text = "|" + "|".join(ids) + "|" if ids else ""
    return text if len(text) <= 2000 else text[: text.rfind("|", 0, 2000) + 1]


def _prepare(event: LedgerEvent, now: datetime) -> _Prepared:
    if event.kind not in EventKind.values:
        raise ValidationError({"kind": f"Unknown event kind {event.kind!r}."})
    trace_id = event.trace_id if isinstance(event.trace_id, uuid.UUID) else uuid.UUID(str(event.trace_id))
    if not isinstance(event.tool, str) or not event.tool or len(event.tool) > 200:
        raise ValidationError({"tool": "A tool name of 1 to 200 characters is required."})
    occurred_at = event.occurred_at or now
    if timezone.is_naive(occurred_at):
        raise ValidationError({"occurred_at": "Times must carry a time zone."})
    texts = {}
    for name, value in (("client", event.client or {}), ("server", event.server or {})):
        try:
            texts[name] = chain.canonical(value)
        except (ValueError, TypeError) as exc:
            raise ValidationError({name: f"Cannot be recorded as JSON: {exc}"}) from None
    try:
        payload = chain.payload_text(event.input, event.output)
    except (ValueError, TypeError) as exc:
        raise ValidationError({"input": f"Input/output cannot be recorded as JSON: {exc}"}) from None
    client, server = event.client or {}, event.server or {}
    status = client.get("status") if isinstance(client.get("status"), str) else ""
    decision = server.get("decision") if isinstance(server.get("decision"), str) else ""
    return _Prepared(
        event=event,
        trace_id=trace_id,
        trace_id_text=str(trace_id),
        agent_name=event.agent.name if event.agent is not None else None,
        client=texts["client"],
        server=texts["server"],
        payload=payload,
        payload_hash=chain.sha256_hex(payload),
        status=status[:16],
        decision=decision[:24],
        policies=_policies_column(server),
        occurred_at=occurred_at,
    )


# --- the chain lock ---------------------------------------------------------------------------------


def _lock_chain(organisation: Organisation) -> LedgerChain:
    """The organisation's chain head, locked until the transaction ends (created on first use)."""
    head = LedgerChain.objects.select_for_update().filter(organisation=organisation).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            LedgerChain.objects.create(
                organisation=organisation, length=0, head_hash=chain.genesis_hash(organisation.pk)
            )
    except IntegrityError:
        pass  # created concurrently; wait for its lock below
    return LedgerChain.objects.select_for_update().get(organisation=organisation)


def _existing_keys(organisation: Organisation, trace_ids: set[uuid.UUID]) -> set[tuple[uuid.UUID, str]]:
    found: set[tuple[uuid.UUID, str]] = set()
    ids = list(trace_ids)
    for start in range(0, len(ids), 500):
        found.update(
            LedgerEntry.objects.filter(organisation=organisation, trace_id__in=ids[start : start + 500])
            .values_list("trace_id", "kind")
        )
    return found


INSERT_COLUMNS = [
    "organisation_id", "seq", "trace_id", "kind", "agent_id", "agent_name", "tool", "status",
    "decision", "policies", "opens_trace", "occurred_at", "recorded_at", "client", "server",
    "payload", "payload_hash", "prev_hash", "entry_hash",
]


def _insert(entries: list[LedgerEntry]) -> None:
    if connection.vendor == "postgresql":
        # COPY is several times faster than a multi-row INSERT for a 1,000-row batch.
        columns = ", ".join(INSERT_COLUMNS)
        sql = f"COPY traces_ledgerentry ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for e in entries:
                copy.write_row((
                    e.organisation_id, e.seq, e.trace_id, e.kind, e.agent_id, e.agent_name,
                    e.tool, e.status, e.decision, e.policies, e.opens_trace, e.occurred_at,
                    e.recorded_at, e.client, e.server, e.payload, e.payload_hash, e.prev_hash,
                    e.entry_hash,
                ))
    else:
        LedgerEntry.objects.bulk_create(entries, batch_size=500)


@transaction.atomic
def ledger_append_entries(*, organisation: Organisation, events: Sequence[LedgerEvent]) -> list[LedgerEntry]:
    """Like ``ledger_append`` but returns the entries stored (duplicates left out)."""
    if not events:
        return []
    now = timezone.now()
    prepared = [_prepare(event, now) for event in events]

    head = _lock_chain(organisation)
    recorded_at = timezone.now()  # taken under the lock: never earlier than the previous entry's
    existing = _existing_keys(organisation, {p.trace_id for p in prepared})
    opened = {trace_id for trace_id, _ in existing}
    seq, prev = head.length, head.head_hash
    recorded_text = chain.format_time(recorded_at)
    entries: list[LedgerEntry] = []
    for p in prepared:
        key = (p.trace_id, p.event.kind)
        if key in existing:
            continue
        existing.add(key)
        opens = p.trace_id not in opened
        opened.add(p.trace_id)
        seq += 1
        fields = chain.fields_text(
            organisation=organisation.pk, trace_id=p.trace_id_text, kind=p.event.kind,
            agent=p.agent_name, tool=p.event.tool, status=p.status, decision=p.decision,
            policies=p.policies, opens_trace=opens, occurred_at=chain.format_time(p.occurred_at),
            recorded_at=recorded_text, client=p.client, server=p.server,
        )
        digest = chain.entry_hash(prev, fields, p.payload_hash)
        entries.append(LedgerEntry(
            organisation_id=organisation.pk, seq=seq, trace_id=p.trace_id, kind=p.event.kind,
            agent_id=p.event.agent.pk if p.event.agent is not None else None, agent_name=p.agent_name,
            tool=p.event.tool, status=p.status, decision=p.decision, policies=p.policies,
            opens_trace=opens, occurred_at=p.occurred_at, recorded_at=recorded_at, client=p.client,
            server=p.server, payload=p.payload, payload_hash=p.payload_hash, prev_hash=prev,
            entry_hash=digest,
        ))
        prev = digest
    if entries:
        _insert(entries)
        LedgerChain.objects.filter(pk=head.pk).update(length=seq, head_hash=prev, updated_at=recorded_at)
    return entries
