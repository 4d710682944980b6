"""The dashboard's numbers, from the hourly rollups plus the entries appended since
(``console.rollups``): exact at read time, and as fast on a million entries as on a thousand.

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

from django.db.models import Count, F, Max, Sum
from django.db.models.functions import TruncDay
from django.urls import reverse
from django.utils import timezone

from approvals.models import Approval, ApprovalStatus
from governance.models import Agent, Organisation
from policies.models import BudgetWindow
from traces.models import LedgerChain, LedgerEntry

from . import rollups
from .models import ActivityRollup, PolicyRollup


class DayUTC(TruncDay):
    """The UTC day of a stored hour. On SQLite, Django's ``TruncDay`` calls a Python function
    for every row; a 90-day dashboard reads ~54,000 rollup rows (20 agents), and that call was
    most of the page's 1.1 s. SQLite stores a UTC datetime as ``YYYY-MM-DD HH:MM:SS``, so the
    day is its first ten characters, read back as that day's midnight (UTC)."""

    def __init__(self, expression, **extra):
        super().__init__(expression, tzinfo=UTC, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"(substr({sql}, 1, 10) || ' 00:00:00')", params


DECISIONS = ("allow", "warn", "block", "require_approval")
VIOLATING = ("warn", "block", "require_approval")
UNCHECKED = rollups.UNCHECKED  # a call recorded with no decision (see the module docstring)
# The Python SDK marks a call it ran while the server was unreachable (fail-open) in the
# completion's metadata: {"execlave": {"ungoverned": true, "reason": ...}}. Canonical JSON has
# no spaces, so the marker is this exact text in the stored ``client`` column.
UNGOVERNED_MARK = rollups.UNGOVERNED_MARK
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


# --- the activity sums: rollups plus the entries appended after them ---------------------------
@dataclass
class Activity:
    """The range's sums by (hour, agent, decision key) and (hour, policy), exact at read time."""

    rows: list[tuple]  # (hour, agent, decision, calls, spend, ungoverned, last_seen)
    policies: list[tuple]  # (policy id, name, violations)
    tail_entries: int
    # Entries not yet counted: the rollups are catching up (a restored or imported ledger).
    uncounted: int = 0


def activity(*, organisation: Organisation, rng: Range) -> Activity:
    after = rollups.cursor_seq(organisation)
    # Summed per chart bucket in SQL: a month is ~1,000 rows however busy the agents were.
    bucket = F("hour") if rng.hourly else DayUTC("hour")
    stored = ActivityRollup.objects.filter(
        organisation=organisation, hour__gte=rng.since, hour__lt=rng.until
    ).annotate(bucket=bucket)
    stored = (
        stored.values("bucket", "agent_name", "decision")
        .annotate(n=Sum("calls"), s=Sum("spend"), u=Sum("ungoverned"), seen=Max("last_seen"))
        .values_list("bucket", "agent_name", "decision", "n", "s", "u", "seen")
        .order_by()
    )
    rows = [(_utc(r[0]), *r[1:]) for r in stored]
    live = rollups.tail(organisation, after=after)
    for (hour, agent, decision), (calls, spend, ungoverned, last_seen) in live.activity.items():
        if rng.since <= hour < rng.until:
            rows.append((hour, agent, decision, calls, spend, ungoverned, last_seen))
    policies: dict[int, list] = {}
    for pid, name, n in (
        PolicyRollup.objects.filter(
            organisation=organisation, hour__gte=rng.since, hour__lt=rng.until
        )
        .values("policy_id")
        .annotate(name=Max("policy_name"), n=Sum("violations"))
        .values_list("policy_id", "name", "n")
        .order_by()
    ):
        policies[pid] = [name, n]
    for (hour, pid), (name, n) in live.policies.items():
        if rng.since <= hour < rng.until:
            entry = policies.setdefault(pid, [name, 0])
            entry[1] += n
    head = (
        LedgerChain.objects.filter(organisation=organisation)
        .values_list("length", flat=True)
        .first()
        or 0
    )
    return Activity(
        rows=rows,
        policies=[(pid, name, n) for pid, (name, n) in policies.items()],
        tail_entries=live.last_seq - after,
        uncounted=max(0, head - live.last_seq),
    )


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if timezone.is_naive(moment) else moment.astimezone(UTC)


# --- calls over time ----------------------------------------------------------------------------
@dataclass
class Series:
    labels: list[str]  # under each bar: "11-29" (a day), "11-29 14:00" (an hour)
    titles: list[str]  # the tooltip's heading: "2026-11-29 (UTC)", "2026-11-29 14:00-15:00 UTC"
    buckets: list[datetime]
    counts: dict[str, list[int]]  # decision (or UNCHECKED) -> count per bucket
    hourly: bool

    @property
    def totals(self) -> dict[str, int]:
        return {k: sum(v) for k, v in self.counts.items()}


def calls_over_time(
    *, organisation: Organisation, rng: Range, data: Activity | None = None
) -> Series:
    data = data or activity(organisation=organisation, rng=rng)
    step = timedelta(hours=1) if rng.hourly else timedelta(days=1)
    buckets = []
    t = rng.since
    while t < rng.until:
        buckets.append(t)
        t += step
    counts = {k: [0] * len(buckets) for k in (*DECISIONS, UNCHECKED)}
    for hour, _agent, decision, calls, *_ in data.rows:
        if not calls:
            continue
        i = int((hour - rng.since) / step)
        key = decision if decision in counts else UNCHECKED
        counts[key][i] += calls
    # ISO like every other date on the page (config/formats): the axis has room for month-day,
    # the tooltip says the year and that days and hours are UTC's.
    if rng.hourly:
        labels = [f"{b:%m-%d %H}:00" for b in buckets]
        titles = [f"{b:%Y-%m-%d %H}:00\u2013{b + step:%H}:00 UTC" for b in buckets]
    else:
        labels = [f"{b:%m-%d}" for b in buckets]
        titles = [f"{b:%Y-%m-%d} (UTC)" for b in buckets]
    return Series(labels=labels, titles=titles, buckets=buckets, counts=counts, hourly=rng.hourly)


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
    links: dict = field(default_factory=dict)


def agents_activity(
    *, organisation: Organisation, rng: Range, data: Activity | None = None
) -> list[AgentRow]:
    data = data or activity(organisation=organisation, rng=rng)
    by_name: dict[str, AgentRow] = {}
    for _hour, agent, decision, calls, spend, ungoverned, last_seen in data.rows:
        row = by_name.get(agent)
        if row is None:
            row = by_name[agent] = AgentRow(name=agent)
        row.calls += calls
        if decision in VIOLATING:
            row.violations += calls
        if decision == "block":
            row.blocked += calls
        row.spend += spend
        row.ungoverned += ungoverned
        if last_seen is not None and (row.last_seen is None or last_seen > row.last_seen):
            row.last_seen = last_seen
    # Agents with no activity in the range are listed too, with when they were last seen.
    for agent in Agent.objects.filter(organisation=organisation).only("id", "name", "is_active"):
        row = by_name.setdefault(agent.name, AgentRow(name=agent.name))
        row.agent_id = agent.pk
        row.is_active = agent.is_active
        if row.last_seen is None:
            row.last_seen = (
                LedgerEntry.objects.filter(agent_id=agent.pk)
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
    link: str = ""


def top_violated_policies(
    *, organisation: Organisation, rng: Range, limit: int = 5, data: Activity | None = None
) -> list[PolicyRow]:
    """Policies by the number of decisions in which they reported a violation (monitor-mode
    violations included: they are recorded, only not enforced)."""
    data = data or activity(organisation=organisation, rng=rng)
    ranked = sorted(data.policies, key=lambda p: (-p[2], p[1]))[:limit]
    return [
        PolicyRow(policy_id=pid, name=name or f"#{pid}", violations=n) for pid, name, n in ranked
    ]


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
