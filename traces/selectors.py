"""Reads of the ledger shared by the API, the admin, reports and tasks. Every read is narrowed
to one organisation here."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet

from governance.models import Organisation

from .models import CheckpointKind, LedgerCheckpoint, LedgerEntry

MAX_PAGE = 500


def ledger_entries(*, organisation: Organisation) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(organisation=organisation)


def trace_events(*, organisation: Organisation, trace_id: uuid.UUID | str) -> list[LedgerEntry]:
    """Every event of one trace in chain order (decision, approval, completion). [] if none."""
    try:
        trace_id = trace_id if isinstance(trace_id, uuid.UUID) else uuid.UUID(str(trace_id))
    except ValueError:
        return []
    return list(ledger_entries(organisation=organisation).filter(trace_id=trace_id).order_by("seq"))


@dataclass
class Trace:
    trace_id: uuid.UUID
    events: list[LedgerEntry] = field(default_factory=list)

    @property
    def opening(self) -> LedgerEntry:
        return self.events[0]


@dataclass
class TracePage:
    traces: list[Trace]
    next_cursor: int | None


def traces_list(
    *,
    organisation: Organisation,
    agent: str | None = None,
    tool: str | None = None,
    status: str | None = None,
    decision: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    cursor: int | None = None,
    limit: int = 50,
) -> TracePage:
    """The organisation's traces, newest first, each with all its events.

    A trace is placed by the entry that opened it (its first recorded event) and ``cursor`` is
    that entry's ``seq``: pages never repeat or skip a trace while new ones arrive.
    ``agent``/``tool``/``since``/``until`` (on ``occurred_at``) apply to the opening event;
    ``status`` matches a trace whose completion has it, ``decision`` one whose decision has it.
    """
    limit = max(1, min(int(limit), MAX_PAGE))
    entries = ledger_entries(organisation=organisation)
    openers = entries.filter(opens_trace=True)
    if agent:
        openers = openers.filter(agent_name=agent)
    if tool:
        openers = openers.filter(tool=tool)
    if since:
        openers = openers.filter(occurred_at__gte=since)
    if until:
        openers = openers.filter(occurred_at__lt=until)
    if status:
        openers = openers.filter(trace_id__in=entries.filter(status=status).values("trace_id"))
    if decision:
        openers = openers.filter(trace_id__in=entries.filter(decision=decision).values("trace_id"))
    if cursor is not None:
        openers = openers.filter(seq__lt=cursor)
    page = list(openers.order_by("-seq").values_list("trace_id", "seq")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    grouped: dict[uuid.UUID, list[LedgerEntry]] = defaultdict(list)
    for entry in entries.filter(trace_id__in=[t for t, _ in page]).order_by("seq"):
        grouped[entry.trace_id].append(entry)
    traces = [Trace(trace_id=t, events=grouped[t]) for t, _ in page if grouped[t]]
    return TracePage(traces=traces, next_cursor=page[-1][1] if more and page else None)


def checkpoint_latest(
    *, organisation: Organisation, kind: str | None = None
) -> LedgerCheckpoint | None:
    qs = LedgerCheckpoint.objects.filter(organisation=organisation)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-seq", "-id").first()


def retention_base(*, organisation: Organisation) -> LedgerCheckpoint | None:
    """The latest retention checkpoint: where verification of the remaining chain starts."""
    return checkpoint_latest(organisation=organisation, kind=CheckpointKind.RETENTION)
