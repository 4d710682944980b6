"""Hourly sums of the ledger for the dashboard, kept up to date incrementally.

``fold`` turns ledger rows into per-hour sums; ``rollup_advance`` folds the entries appended
since the organisation's cursor into ``ActivityRollup``/``PolicyRollup`` (a task every minute,
one organisation per call, safe with several workers: the cursor row is locked); ``tail``
folds what was appended after the cursor at read time, so the dashboard's numbers are exact.

What counts (the same rules for rolled-up and tail entries):
* a *call* is counted once, at the entry that opened its trace: under its decision when that is
  a ``decision`` entry, under ``unchecked`` otherwise (the SDK ran it without a decision);
* *spend* is the ``cost`` a completion reported; *ungoverned* a completion that opened its trace
  and carries the Python SDK's ``"ungoverned": true`` marker (fail-open while unreachable);
* a *policy violation* is a policy whose outcome was ``violation`` in a decision entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from governance.models import Organisation
from traces.models import LedgerEntry
from traces.selectors import retention_base

from .models import ActivityRollup, PolicyRollup, RollupCursor

UNCHECKED = "unchecked"
UNGOVERNED_MARK = '"ungoverned":true'  # canonical JSON: no spaces
VIOLATION_MARK = '"outcome":"violation"'
COST_MARK = '"cost":'
CHUNK = 10_000
ROW_FIELDS = (
    "seq",
    "kind",
    "agent_name",
    "decision",
    "opens_trace",
    "occurred_at",
    "client",
    "server",
)


@dataclass
class Sums:
    # (hour, agent, decision key) -> [calls, spend, ungoverned, last_seen]
    activity: dict[tuple, list] = field(default_factory=dict)
    # (hour, policy id) -> [name, violations]
    policies: dict[tuple, list] = field(default_factory=dict)
    last_seq: int = 0

    def _activity(self, key: tuple) -> list:
        row = self.activity.get(key)
        if row is None:
            row = self.activity[key] = [0, Decimal(0), 0, None]
        return row


def _hour(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC) if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)
    return moment.replace(minute=0, second=0, microsecond=0)


def _cost(client: str) -> Decimal | None:
    try:
        value = json.loads(client).get("cost")
        cost = Decimal(str(value)) if value is not None else None
    except (ValueError, InvalidOperation, AttributeError):
        return None
    return cost if cost is not None and cost.is_finite() else None


def fold(rows: Iterable[tuple], sums: Sums | None = None) -> Sums:
    """Add ledger rows (``ROW_FIELDS`` in order) to ``sums``."""
    sums = sums or Sums()
    for seq, kind, agent_name, decision, opens, occurred_at, client, server in rows:
        sums.last_seq = max(sums.last_seq, seq)
        if kind not in ("decision", "completion", "output_decision"):
            continue
        hour = _hour(occurred_at)
        agent = agent_name or ""
        if kind == "output_decision":
            pass
        elif opens:
            row = sums._activity((hour, agent, decision if kind == "decision" else UNCHECKED))
            row[0] += 1
        else:
            row = sums._activity((hour, agent, ""))
        if kind != "output_decision":
            if row[3] is None or occurred_at > row[3]:
                row[3] = occurred_at
            if kind == "completion":
                if COST_MARK in client:
                    cost = _cost(client)
                    if cost is not None:
                        row[1] += cost
                if opens and UNGOVERNED_MARK in client:
                    row[2] += 1
        if kind != "completion" and VIOLATION_MARK in server:
            try:
                results = json.loads(server).get("policies") or []
            except (ValueError, AttributeError):
                results = []
            for p in results:
                if (
                    isinstance(p, dict)
                    and p.get("outcome") == "violation"
                    and p.get("id") is not None
                ):
                    try:
                        key = (hour, int(p["id"]))
                    except (TypeError, ValueError):
                        continue
                    entry = sums.policies.setdefault(key, [str(p.get("name") or "")[:200], 0])
                    entry[1] += 1
    return sums


def _rows(organisation_id: int, after: int, limit: int | None = None):
    qs = (
        LedgerEntry.objects.filter(organisation_id=organisation_id, seq__gt=after)
        .order_by("seq")
        .values_list(*ROW_FIELDS)
    )
    return qs[:limit] if limit else qs


def cursor_seq(organisation: Organisation) -> int:
    return (
        RollupCursor.objects.filter(organisation=organisation).values_list("seq", flat=True).first()
        or 0
    )


def tail(organisation: Organisation, *, after: int, limit: int = 50_000) -> Sums:
    """Up to ``limit`` entries after the cursor, folded in memory (read-only)."""
    sums = Sums(last_seq=after)
    last = after
    while last - after < limit:
        rows = list(_rows(organisation.pk, last, min(CHUNK, limit - (last - after))))
        if not rows:
            break
        fold(rows, sums)
        last = rows[-1][0]
    return sums


def _store(organisation: Organisation, sums: Sums) -> None:
    """Add the sums to the stored rows: one INSERT … ON CONFLICT DO UPDATE per table (the
    same text on PostgreSQL and SQLite)."""
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    decimal = connection.ops.adapt_decimalfield_value
    activity = ActivityRollup._meta.db_table
    policy = PolicyRollup._meta.db_table
    with connection.cursor() as cursor:
        if sums.activity:
            cursor.executemany(
                f"INSERT INTO {quote(activity)} "  # noqa: S608 — table names, no user input
                "(organisation_id, hour, agent_name, decision, calls, spend, ungoverned, last_seen) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (organisation_id, hour, agent_name, decision) DO UPDATE SET "
                f"calls = {quote(activity)}.calls + EXCLUDED.calls, "
                f"spend = {quote(activity)}.spend + EXCLUDED.spend, "
                f"ungoverned = {quote(activity)}.ungoverned + EXCLUDED.ungoverned, "
                f"last_seen = CASE WHEN {quote(activity)}.last_seen IS NULL "
                f"OR EXCLUDED.last_seen > {quote(activity)}.last_seen "
                f"THEN EXCLUDED.last_seen ELSE {quote(activity)}.last_seen END",
                [
                    (
                        organisation.pk,
                        adapt(hour),
                        agent,
                        decision,
                        calls,
                        decimal(spend, 24, 8),
                        ungoverned,
                        adapt(last_seen) if last_seen is not None else None,
                    )
                    for (hour, agent, decision), (calls, spend, ungoverned, last_seen) in (
                        sums.activity.items()
                    )
                ],
            )
        if sums.policies:
            cursor.executemany(
                f"INSERT INTO {quote(policy)} "  # noqa: S608
                "(organisation_id, hour, policy_id, policy_name, violations) "
                "VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (organisation_id, hour, policy_id) DO UPDATE SET "
                f"violations = {quote(policy)}.violations + EXCLUDED.violations, "
                "policy_name = EXCLUDED.policy_name",
                [
                    (organisation.pk, adapt(hour), pid, name, n)
                    for (hour, pid), (name, n) in sums.policies.items()
                ],
            )


def rollup_advance(
    *, organisation: Organisation, max_entries: int = 200_000, chunk: int = CHUNK
) -> int:
    """Fold up to ``max_entries`` new entries into the rollups; returns how many were folded.
    Concurrent callers for one organisation wait on the cursor row's lock; a second caller
    then finds nothing new."""
    folded = 0
    while folded < max_entries:
        with transaction.atomic():
            cursor, _ = RollupCursor.objects.get_or_create(organisation=organisation)
            cursor = RollupCursor.objects.select_for_update().get(pk=cursor.pk)
            rows = list(_rows(organisation.pk, cursor.seq, min(chunk, max_entries - folded)))
            if not rows:
                break
            sums = fold(rows)
            _store(organisation, sums)
            cursor.seq = sums.last_seq
            cursor.updated_at = timezone.now()
            cursor.save(update_fields=["seq", "updated_at"])
            folded += len(rows)
    _forget_retained(organisation)
    return folded


def _forget_retained(organisation: Organisation) -> None:
    """After a retention run removed the oldest entries, drop the sums of the hours before the
    oldest entry left, so no number outlives the entries behind it (an hour that retention cut
    through keeps its sums until it ages out too)."""
    base = retention_base(organisation=organisation)
    if base is None:
        return
    with transaction.atomic():
        cursor = RollupCursor.objects.select_for_update().get(organisation=organisation)
        if cursor.retention_seq >= base.seq:
            return
        oldest = LedgerEntry.objects.filter(organisation_id=organisation.pk).aggregate(
            t=Min("occurred_at")
        )["t"]
        if oldest is not None:
            cutoff = _hour(oldest)
            ActivityRollup.objects.filter(organisation=organisation, hour__lt=cutoff).delete()
            PolicyRollup.objects.filter(organisation=organisation, hour__lt=cutoff).delete()
        cursor.retention_seq = base.seq
        cursor.save(update_fields=["retention_seq"])


def rollup_advance_all() -> int:
    """The scheduled task: every organisation with entries past its cursor."""
    from traces.models import LedgerChain

    total = 0
    cursors = dict(RollupCursor.objects.values_list("organisation_id", "seq"))
    for chain in LedgerChain.objects.select_related("organisation"):
        if chain.length > cursors.get(chain.organisation_id, 0):
            total += rollup_advance(organisation=chain.organisation)
    return total
