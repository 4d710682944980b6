"""The dashboard's numbers: every aggregate is computed by the database, in one pass per panel.

A *call* is a trace: the first event recorded for it (``opens_trace``). A call that went
through ``/check`` opens with its ``decision`` entry; a call the SDK ran without a decision
(the server was unreachable and the SDK failed open, or the integration only records) opens
with its ``completion``. Ranges apply to ``occurred_at`` (when the call happened: a trace the
SDK spooled while the server was down is counted at its own time, not when it arrived).

Reads only: the numbers link to the same filters on the ledger, so each one can be checked
against the entries behind it (``ledger_link``).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncDay, TruncHour
from django.urls import reverse
from django.utils import timezone

from approvals.models import Approval, ApprovalStatus
from governance.models import Agent, Organisation
from policies.models import BudgetWindow
from traces.models import LedgerEntry

DECISIONS = ("allow", "warn", "block", "require_approval")
VIOLATING = ("warn", "block", "require_approval")
UNCHECKED = "unchecked"  # a call recorded with no decision (see the module docstring)
# The Python SDK marks a call it ran while the server was unreachable (fail-open) in the
# completion's metadata: {"execlave": {"ungoverned": true, "reason": ...}}. Canonical JSON has
# no spaces, so the marker is this exact text in the stored ``client`` column.
UNGOVERNED_MARK = '"ungoverned":true'
MAX_RANGE_DAYS = 366


@dataclass(frozen=True)
class Range:
    """Whole days in UTC, ``since`` inclusive, ``until`` exclusive."""

    since: datetime
    until: datetime

    @property
    def first_day(self) -> date:
        return self.since.date()

    @property
    def last_day(self) -> date:
        return (self.until - timedelta(days=1)).date()

    @property
    def hourly(self) -> bool:
        return self.until - self.since <= timedelta(days=2)

    def query(self) -> dict[str, str]:
        return {"from": self.first_day.isoformat(), "to": self.last_day.isoformat()}


def range_from_days(first: date, last: date) -> Range:
    since = datetime(first.year, first.month, first.day, tzinfo=UTC)
    until = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1)
    return Range(since=since, until=until)


def default_range(today: date | None = None, days: int = 7) -> Range:
    today = today or timezone.now().astimezone(UTC).date()
    return range_from_days(today - timedelta(days=days - 1), today)


def ledger_link(organisation: Organisation, rng: Range, **filters) -> str:
    """The ledger list in the console, filtered like the number that links to it."""
    params = {
        "org": organisation.pk,
        "occurred_at__gte": rng.since.isoformat(),
        "occurred_at__lt": rng.until.isoformat(),
    }
    params.update({k: v for k, v in filters.items() if v is not None})
    return reverse("admin:traces_ledgerentry_changelist") + "?" + urlencode(params)


def _bounds(rng: Range) -> list:
    """The range as raw-SQL parameters in the backend's own datetime format (SQLite compares
    text: an aware value's "+00:00" suffix would misplace the boundaries)."""
    adapt = connection.ops.adapt_datetimefield_value
    return [adapt(rng.since), adapt(rng.until)]


def _entries(organisation: Organisation, rng: Range):
    return LedgerEntry.objects.filter(
        organisation_id=organisation.pk, occurred_at__gte=rng.since, occurred_at__lt=rng.until
    )


# --- calls over time ----------------------------------------------------------------------------
@dataclass
class Series:
    labels: list[str]
    buckets: list[datetime]
    counts: dict[str, list[int]]  # decision (or UNCHECKED) -> count per bucket
    hourly: bool

    @property
    def totals(self) -> dict[str, int]:
        return {k: sum(v) for k, v in self.counts.items()}


def calls_over_time(*, organisation: Organisation, rng: Range) -> Series:
    trunc = TruncHour if rng.hourly else TruncDay
    step = timedelta(hours=1) if rng.hourly else timedelta(days=1)
    rows = (
        _entries(organisation, rng)
        .filter(opens_trace=True)
        .annotate(bucket=trunc("occurred_at", tzinfo=UTC))
        .values("bucket", "kind", "decision")
        .annotate(n=Count("id"))
        .order_by()
    )
    buckets = []
    t = rng.since
    while t < rng.until:
        buckets.append(t)
        t += step
    index = {b: i for i, b in enumerate(buckets)}
    counts = {k: [0] * len(buckets) for k in (*DECISIONS, UNCHECKED)}
    for row in rows:
        bucket = row["bucket"]
        if timezone.is_naive(bucket):
            bucket = bucket.replace(tzinfo=UTC)
        i = index.get(bucket.astimezone(UTC))
        if i is None:
            continue
        key = row["decision"] if row["kind"] == "decision" else UNCHECKED
        if key not in counts:  # an output decision cannot open a trace; be safe anyway
            key = UNCHECKED
        counts[key][i] += row["n"]
    fmt = "%d %b %H:00" if rng.hourly else "%d %b"
    return Series(
        labels=[b.strftime(fmt) for b in buckets], buckets=buckets, counts=counts, hourly=rng.hourly
    )


# --- per agent ------------------------------------------------------------------------------------
@dataclass
class AgentRow:
    name: str
    calls: int = 0
    violations: int = 0
    blocked: int = 0
    spend: Decimal = Decimal(0)
    ungoverned: int = 0
    last_seen: datetime | None = None
    agent_id: int | None = None
    is_active: bool = True


def _spend_and_ungoverned(organisation: Organisation, rng: Range) -> dict[str, tuple]:
    """{agent_name: (spend, ungoverned calls)} from the completions' client text.

    Costs live only in the canonical JSON the SDK sent; the database parses just the rows that
    carry one (a LIKE on the text first), so a million plain completions cost one text scan."""
    table = LedgerEntry._meta.db_table
    if connection.vendor == "postgresql":
        cost = (
            "COALESCE(SUM(CASE WHEN client LIKE '%%\"cost\":%%' "
            "THEN (client::jsonb ->> 'cost')::numeric END), 0)"
        )
    else:
        cost = (
            "COALESCE(SUM(CASE WHEN client LIKE '%%\"cost\":%%' "
            "THEN CAST(json_extract(client, '$.cost') AS TEXT) END), 0)"
        )
    sql = (
        f"SELECT agent_name, {cost}, "  # noqa: S608 — no user input in the text
        f"COUNT(CASE WHEN opens_trace AND client LIKE %s THEN 1 END) "
        f"FROM {table} WHERE organisation_id = %s AND kind = 'completion' "
        "AND occurred_at >= %s AND occurred_at < %s GROUP BY agent_name"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [f"%{UNGOVERNED_MARK}%", organisation.pk, *_bounds(rng)])
        rows = cursor.fetchall()
    if connection.vendor != "postgresql":
        # SQLite sums text as floats; recompute exactly from the matching rows' decimals.
        return _spend_exact_sqlite(organisation, rng, {r[0]: r[2] for r in rows})
    return {name: (Decimal(spend), ungoverned) for name, spend, ungoverned in rows}


def _spend_exact_sqlite(organisation, rng, ungoverned: dict[str, int]) -> dict[str, tuple]:
    table = LedgerEntry._meta.db_table
    sql = (
        f"SELECT agent_name, CAST(json_extract(client, '$.cost') AS TEXT) FROM {table} "  # noqa: S608
        "WHERE organisation_id = %s AND kind = 'completion' AND occurred_at >= %s "
        "AND occurred_at < %s AND client LIKE '%%\"cost\":%%'"
    )
    spend: dict[str, Decimal] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [organisation.pk, *_bounds(rng)])
        for name, value in cursor.fetchall():
            try:
                spend[name] = spend.get(name, Decimal(0)) + Decimal(str(value))
            except (ArithmeticError, ValueError):
                continue
    names = set(spend) | set(ungoverned)
    return {n: (spend.get(n, Decimal(0)), ungoverned.get(n, 0)) for n in names}


def agents_activity(*, organisation: Organisation, rng: Range) -> list[AgentRow]:
    rows = (
        _entries(organisation, rng)
        .filter(kind__in=("decision", "completion"))
        .values("agent_name")
        .annotate(
            calls=Count("id", filter=Q(opens_trace=True)),
            violations=Count("id", filter=Q(kind="decision", decision__in=VIOLATING)),
            blocked=Count("id", filter=Q(kind="decision", decision="block")),
            last_seen=Max("occurred_at"),
        )
        .order_by()
    )
    by_name: dict[str, AgentRow] = {}
    for row in rows:
        name = row["agent_name"] or ""
        by_name[name] = AgentRow(
            name=name,
            calls=row["calls"],
            violations=row["violations"],
            blocked=row["blocked"],
            last_seen=row["last_seen"],
        )
    for name, (spend, ungoverned) in _spend_and_ungoverned(organisation, rng).items():
        agent_row = by_name.setdefault(name or "", AgentRow(name=name or ""))
        agent_row.spend = spend
        agent_row.ungoverned = ungoverned
    # Agents with no activity in the range are listed too (last seen ever, from the index).
    for agent in Agent.objects.filter(organisation=organisation).only("id", "name", "is_active"):
        agent_row = by_name.setdefault(agent.name, AgentRow(name=agent.name))
        agent_row.agent_id = agent.pk
        agent_row.is_active = agent.is_active
    for agent_row in by_name.values():
        if agent_row.last_seen is None and agent_row.agent_id is not None:
            agent_row.last_seen = (
                LedgerEntry.objects.filter(agent_id=agent_row.agent_id)
                .order_by("-seq")
                .values_list("occurred_at", flat=True)
                .first()
            )
    return sorted(by_name.values(), key=lambda r: (-r.calls, r.name))


# --- policies -------------------------------------------------------------------------------------
@dataclass
class PolicyRow:
    policy_id: int
    name: str
    violations: int


def top_violated_policies(
    *, organisation: Organisation, rng: Range, limit: int = 5
) -> list[PolicyRow]:
    """Policies by the number of decisions in which they reported a violation (monitor-mode
    violations included: they are recorded, only not enforced)."""
    table = LedgerEntry._meta.db_table
    like = '%"outcome":"violation"%'
    if connection.vendor == "postgresql":
        sql = (
            "SELECT (p ->> 'id')::bigint, MAX(p ->> 'name'), COUNT(*) "  # noqa: S608
            f"FROM {table} e, jsonb_array_elements(e.server::jsonb -> 'policies') p "
            "WHERE e.organisation_id = %s AND e.kind IN ('decision', 'output_decision') "
            "AND e.occurred_at >= %s AND e.occurred_at < %s AND e.server LIKE %s "
            "AND p ->> 'outcome' = 'violation' GROUP BY 1 ORDER BY 3 DESC, 2 LIMIT %s"
        )
    else:
        sql = (
            "SELECT CAST(json_extract(p.value, '$.id') AS INTEGER), "  # noqa: S608
            "MAX(json_extract(p.value, '$.name')), COUNT(*) "
            f"FROM {table} e, json_each(e.server, '$.policies') p "
            "WHERE e.organisation_id = %s AND e.kind IN ('decision', 'output_decision') "
            "AND e.occurred_at >= %s AND e.occurred_at < %s AND e.server LIKE %s "
            "AND json_extract(p.value, '$.outcome') = 'violation' "
            "GROUP BY 1 ORDER BY 3 DESC, 2 LIMIT %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [organisation.pk, *_bounds(rng), like, limit])
        return [PolicyRow(policy_id=r[0], name=r[1] or f"#{r[0]}", violations=r[2]) for r in cursor]


# --- budgets --------------------------------------------------------------------------------------
@dataclass
class BudgetRow:
    window: BudgetWindow
    policy_name: str
    scope: str
    spent: Decimal
    reserved: Decimal
    cap: Decimal

    @property
    def percent(self) -> int:
        if not self.cap:
            return 0
        return int(min(999, (self.spent + self.reserved) * 100 / self.cap))


def budgets_current(*, organisation: Organisation, now: datetime | None = None) -> list[BudgetRow]:
    """Each budget policy's open window per scope (spent and reserved against its cap)."""
    now = now or timezone.now()
    windows = (
        BudgetWindow.objects.filter(
            organisation=organisation, window_start__lte=now, window_end__gt=now
        )
        .select_related("policy")
        .order_by("policy__name", "scope_key")
    )
    rows = []
    for w in windows[:50]:
        scope = "whole organisation" if w.scope_key == "organisation" else w.scope_key
        if scope.startswith("agent:"):
            scope = "agent " + scope[len("agent:") :]
        rows.append(
            BudgetRow(
                window=w,
                policy_name=w.policy.name,
                scope=scope,
                spent=w.spent,
                reserved=w.reserved,
                cap=w.cap,
            )
        )
    return rows


# --- approvals ------------------------------------------------------------------------------------
@dataclass
class ApprovalStats:
    pending: int
    decided: int
    median_seconds: float | None
    by_status: dict[str, int] = field(default_factory=dict)


def approval_stats(*, organisation: Organisation, rng: Range) -> ApprovalStats:
    pending = Approval.objects.filter(
        organisation=organisation, status=ApprovalStatus.PENDING
    ).count()
    decided = Approval.objects.filter(
        organisation=organisation,
        requested_at__gte=rng.since,
        requested_at__lt=rng.until,
        decided_at__isnull=False,
        status__in=(ApprovalStatus.APPROVED, ApprovalStatus.DENIED),
    )
    by_status = dict(
        decided.values("status").annotate(n=Count("id")).order_by().values_list("status", "n")
    )
    # Median in Python over at most the latest 10,000 decisions: people decide thousands a
    # month at most, and the median needs no vendor-specific SQL that way.
    durations = [
        (d - r).total_seconds()
        for r, d in decided.order_by("-decided_at").values_list("requested_at", "decided_at")[
            :10_000
        ]
    ]
    return ApprovalStats(
        pending=pending,
        decided=sum(by_status.values()),
        median_seconds=statistics.median(durations) if durations else None,
        by_status=by_status,
    )
