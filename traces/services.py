"""Writes to the ledger besides appending: checkpoints, retention, the ingestion API's batches.
Appending itself lives in ``traces.append``; its public names (``LedgerEvent``,
``ledger_append``, ``ledger_append_entries``, ``AppendResult``) are the ledger's service API and
are imported from here by the other apps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from governance.audit import AuditAction
from governance.models import Agent, ApiKey, Organisation
from governance.services import (
    agent_resolve,
    audit_log_write,
)

from . import chain, signing
from .append import (  # noqa: F401 - the ledger's public append API, served from here
    AppendResult,
    LedgerEvent,
    _append,
    _Prepared,
    ledger_append,
    ledger_append_entries,
)
from .ingest import CleanTrace
from .models import (
    CheckpointKind,
    EventKind,
    LedgerChain,
    LedgerCheckpoint,
    LedgerEntry,
)


@dataclass(frozen=True)
class IngestResult(AppendResult):
    # {"trace_id", "agent_id", "tool", "cost"} (JSON-ready) of each new trace reporting a cost.
    costs: list[dict] = field(default_factory=list)


# --- maintenance: the only code allowed to change or remove entries ---------------------------------


@contextmanager
def _maintenance(mode: str):
    """Lift the PostgreSQL trigger for this transaction only, for one kind of change."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('execlave.ledger_maintenance', %s, true)", [mode])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('execlave.ledger_maintenance', '', true)")


# --- checkpoints ------------------------------------------------------------------------------------


def _checkpoint_make(
    *, organisation: Organisation, kind: str, seq: int, digest: str, removed: int = 0
) -> LedgerCheckpoint:
    checkpoint = LedgerCheckpoint(
        organisation=organisation,
        kind=kind,
        seq=seq,
        entry_hash=digest,
        removed=removed,
        created_at=timezone.now(),
        key_id=signing.key_id(),
    )
    checkpoint.signature = signing.sign(checkpoint.statement())
    checkpoint.save(force_insert=True)
    return checkpoint


def checkpoint_create(*, organisation: Organisation, actor=None) -> LedgerCheckpoint | None:
    """Sign the organisation's current chain head. None when the head has not moved since the
    last checkpoint (or the chain is empty). Safe with several workers."""
    head = LedgerChain.objects.filter(organisation=organisation).first()
    if head is None or head.length == 0:
        return None
    latest = (
        LedgerCheckpoint.objects.filter(organisation=organisation, kind=CheckpointKind.HEAD)
        .order_by("-seq")
        .first()
    )
    if latest is not None and latest.seq >= head.length:
        return latest if actor is not None else None
    try:
        with transaction.atomic():
            checkpoint = _checkpoint_make(
                organisation=organisation,
                kind=CheckpointKind.HEAD,
                seq=head.length,
                digest=head.head_hash,
            )
            if actor is not None:
                audit_log_write(
                    organisation=organisation,
                    actor=actor,
                    action=AuditAction.LEDGER_CHECKPOINT_SIGNED,
                    obj=checkpoint,
                    after=checkpoint.statement(),
                )
    except IntegrityError:  # another worker signed the same head
        return LedgerCheckpoint.objects.get(
            organisation=organisation, kind=CheckpointKind.HEAD, seq=head.length
        )
    return checkpoint


def checkpoints_create_all() -> int:
    """Scheduled: a signed checkpoint for every chain whose head moved. Returns how many."""
    made = 0
    for head in LedgerChain.objects.select_related("organisation").filter(length__gt=0):
        if checkpoint_create(organisation=head.organisation) is not None:
            made += 1
    return made


# --- retention --------------------------------------------------------------------------------------


def retention_apply(
    *,
    organisation: Organisation,
    now: datetime | None = None,
    actor=None,
    max_entries: int = 1_000_000,
) -> LedgerCheckpoint | None:
    """Remove the oldest entries past the organisation's retention, oldest first, as one prefix
    of the chain, and record a signed retention checkpoint (last removed hash, count, time) so
    the remaining chain still verifies. One organisation per call; at most ``max_entries``
    (the next run continues). Returns the checkpoint, or None when nothing was due."""
    days = organisation.retention_days
    if days is None:
        return None
    cutoff = (now or timezone.now()) - timedelta(days=days)
    base = (
        LedgerCheckpoint.objects.filter(organisation=organisation, kind=CheckpointKind.RETENTION)
        .order_by("-seq")
        .first()
    )
    start = base.seq if base else 0
    entries = LedgerEntry.objects.filter(organisation=organisation, seq__gt=start)
    first_kept = (
        entries.filter(recorded_at__gte=cutoff)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    last_seq = entries.order_by("-seq").values_list("seq", flat=True).first()
    if last_seq is None:
        return None
    up_to = (first_kept - 1) if first_kept is not None else last_seq
    up_to = min(up_to, start + max_entries)
    if up_to <= start:
        return None
    last_removed = entries.filter(seq=up_to).values_list("entry_hash", flat=True).first()
    if last_removed is None:
        return None  # a hole where the last removed entry should be: leave it for verification to report
    try:
        with transaction.atomic(), _maintenance("retention"):
            with connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM traces_ledgerentry WHERE organisation_id = %s AND seq > %s AND seq <= %s",
                    [organisation.pk, start, up_to],
                )
                removed = cursor.rowcount
            checkpoint = _checkpoint_make(
                organisation=organisation,
                kind=CheckpointKind.RETENTION,
                seq=up_to,
                digest=last_removed,
                removed=removed,
            )
            audit_log_write(
                organisation=organisation,
                actor=actor,
                action=AuditAction.LEDGER_RETENTION_APPLIED,
                obj=checkpoint,
                after={
                    **checkpoint.statement(),
                    "cutoff": chain.format_time(cutoff),
                    "retention_days": days,
                },
            )
    except IntegrityError:  # another worker removed the same prefix
        return None
    return checkpoint


def retention_apply_all(*, now: datetime | None = None) -> int:
    """Scheduled daily: apply retention to every organisation with a chain. Returns entries removed."""
    removed = 0
    for head in LedgerChain.objects.select_related("organisation"):
        checkpoint = retention_apply(organisation=head.organisation, now=now)
        removed += checkpoint.removed if checkpoint else 0
    return removed


# --- ingestion (POST /api/v1/traces) -------------------------------------------------------------------


class IngestForbidden(PermissionDenied):
    """An agent-bound key wrote another agent's trace. ``errors`` names index and field."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


@transaction.atomic
def traces_ingest(
    *, api_key: ApiKey, traces: Sequence[CleanTrace], field_prefix: Callable[[int], str]
) -> IngestResult:
    """Record completed executions sent by an SDK, all or nothing.

    Resolves each trace's agent (registering it when the organisation allows; an agent-bound
    key may only write its own agent's traces) and appends one ``completion`` event per trace.
    Returns the costs of the newly stored traces; counting them against budgets is the
    caller's (``checks.services.traces_record``): budgets live above the ledger."""
    organisation = api_key.organisation
    agents: dict[str, Agent] = {}
    invalid: dict[str, list[str]] = {}
    forbidden: dict[str, list[str]] = {}
    for index, trace in enumerate(traces):
        if trace.agent in agents:
            continue
        try:
            agents[trace.agent] = agent_resolve(
                organisation=organisation, name=trace.agent, api_key=api_key
            )
        except PermissionDenied as exc:
            forbidden[field_prefix(index) + "agent"] = [str(exc)]
        except ValidationError as exc:
            messages = exc.message_dict.get("agent") if hasattr(exc, "error_dict") else exc.messages
            invalid[field_prefix(index) + "agent"] = list(messages or exc.messages)
    if forbidden:
        raise IngestForbidden(forbidden)
    if invalid:
        raise ValidationError(invalid)

    server = chain.canonical({"ingested_by": api_key.masked})
    now = timezone.now()
    prepared = [
        _Prepared(
            trace_id=trace.trace_id,
            kind=EventKind.COMPLETION,
            agent_id=agents[trace.agent].pk,
            agent_name=agents[trace.agent].name,
            tool=trace.tool,
            client=trace.client_text,
            server=server,
            payload=trace.payload_text,
            payload_hash=chain.sha256_hex(trace.payload_text),
            status=trace.client["status"],
            decision="",
            policies="",
            occurred_at=trace.occurred_at or now,
        )
        for trace in traces
    ]
    stored = _append(organisation, prepared)

    costs = {trace.trace_id: trace for trace in traces if trace.cost is not None}
    items = [
        {
            "trace_id": str(t.trace_id),
            "agent_id": agents[t.agent].pk,
            "tool": t.tool,
            "cost": str(t.cost),
        }
        for t in (costs[entry.trace_id] for entry in stored if entry.trace_id in costs)
    ]
    return IngestResult(accepted=len(stored), duplicates=len(traces) - len(stored), costs=items)
