"""The dashboard's numbers equal what was written, and each number's link selects exactly the
entries it counts (the link's filters applied to the ledger give the same count)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest

from console import rollups, selectors
from console.templatetags.console import duration
from governance.roles import Role
from tests.factories import AgentFactory, MembershipFactory, UserFactory, append_completion
from traces.models import LedgerEntry

from .ledgers import generate

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 2, tzinfo=UTC)


@pytest.fixture
def ledger(org, other_org):
    agents = [AgentFactory(organisation=org, name=n) for n in ("alpha", "beta", "gamma")]
    expected = generate(
        organisation=org,
        agents=agents,
        calls=600,
        start=START,
        span=timedelta(days=6),
        policies=[(101, "No PII"), (102, "Budget")],
    )
    # Another organisation's calls in the same days must never be counted.
    generate(
        organisation=other_org,
        agents=[AgentFactory(organisation=other_org, name="alpha")],
        calls=90,
        start=START,
        span=timedelta(days=6),
        policies=[(101, "No PII")],
        seed=99,
    )
    return expected


@pytest.mark.parametrize("rolled_up", [0, 500, None], ids=["tail-only", "half", "all-rolled"])
def test_aggregates_equal_what_was_written(org, ledger, rolled_up):
    if rolled_up is None:
        assert rollups.rollup_advance(organisation=org) > 1000
        assert rollups.rollup_advance(organisation=org) == 0  # nothing new: nothing counted twice
    elif rolled_up:
        assert rollups.rollup_advance(organisation=org, max_entries=rolled_up, chunk=128) == 500
    rng = selectors.range_from_days(START.date(), (START + timedelta(days=6)).date())
    series = selectors.calls_over_time(organisation=org, rng=rng)
    totals = series.totals
    for decision, n in ledger.decisions.items():
        assert totals[decision] == n
    assert totals[selectors.UNCHECKED] == sum(ledger.ungoverned.values())
    assert sum(totals.values()) == sum(ledger.calls.values()) == 600

    rows = {r.name: r for r in selectors.agents_activity(organisation=org, rng=rng)}
    for name in ("alpha", "beta", "gamma"):
        assert rows[name].calls == ledger.calls[name]
        assert rows[name].violations == ledger.violating.get(name, 0)
        assert rows[name].spend == ledger.spend[name]
        assert rows[name].ungoverned == ledger.ungoverned[name]
        assert rows[name].last_seen is not None

    top = selectors.top_violated_policies(organisation=org, rng=rng)
    assert {p.policy_id: p.violations for p in top} == ledger.policy_violations
    assert top[0].violations >= top[-1].violations


def _calls_on(org, day) -> int:
    """Calls (entries that open a trace) in the 24 hours from ``day``, read from the ledger."""
    return LedgerEntry.objects.filter(
        organisation=org,
        opens_trace=True,
        occurred_at__gte=day,
        occurred_at__lt=day + timedelta(days=1),
    ).count()


def test_a_range_counts_only_its_days(org, ledger):
    rollups.rollup_advance(organisation=org, max_entries=300)
    one_day = selectors.range_from_days(START.date(), START.date())
    series = selectors.calls_over_time(organisation=org, rng=one_day)
    assert series.hourly and len(series.buckets) == 24
    assert 0 < sum(series.totals.values()) == _calls_on(org, START) < 600


def test_days_are_counted_in_sql_without_a_per_row_function(org, ledger):
    """A range of days sums the hourly rollups per UTC day in SQL (``selectors.DayUTC``): each
    day's count is the entries that day, and on SQLite without Django's per-row Python
    ``django_datetime_trunc`` (most of a 90-day dashboard's 1.1 s at 20 agents)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert rollups.rollup_advance(organisation=org) > 1000
    rng = selectors.range_from_days(START.date(), (START + timedelta(days=6)).date())
    with CaptureQueriesContext(connection) as queries:
        series = selectors.calls_over_time(organisation=org, rng=rng)
    assert not series.hourly and len(series.buckets) == 7
    for i, day in enumerate(series.buckets):
        assert sum(counts[i] for counts in series.counts.values()) == _calls_on(org, day)
    assert sum(series.totals.values()) == 600
    rollup_sql = [
        q["sql"] for q in queries.captured_queries if "console_activityrollup" in q["sql"]
    ]
    assert rollup_sql and not any("django_datetime_trunc" in sql for sql in rollup_sql)


def _count_from_link(href: str) -> int:
    """Apply a dashboard link's query to the ledger as the console's list does."""
    query = dict(parse_qsl(urlsplit(unescape(href)).query))
    qs = LedgerEntry.objects.filter(organisation_id=int(query.pop("org")))
    for key, value in query.items():
        if key.endswith("__in"):
            qs = qs.filter(**{key: value.split(",")})
        elif key == "opens_trace":
            qs = qs.filter(opens_trace=value == "1")
        elif key == "policy":
            qs = qs.filter(policies__contains=f"|{value}|")
        else:
            qs = qs.filter(**{key: value})
    return qs.count()


def test_every_number_links_to_the_entries_it_counts(client, org, ledger):
    user = UserFactory(username="co@acme.test")
    MembershipFactory(user=user, organisation=org, role=Role.COMPLIANCE_OFFICER)
    client.force_login(user)
    response = client.get("/", {"from": "2026-11-02", "to": "2026-11-08"})
    assert response.status_code == 200
    html = response.content.decode()
    # Every table cell number of the agents table and every policy count is a link.
    cells = re.findall(r'<td class="num"><a href="([^"]+)"[^>]*>([\d,.]+)</a></td>', html)
    assert len(cells) == 3 * 4
    checked = 0
    for href, number in cells:
        if "cost" in number or "." in number:  # spend: a sum, not a count
            continue
        assert "/admin/traces/ledgerentry/" in href
        assert _count_from_link(href) == int(number.replace(",", "")), href
        checked += 1
    assert checked == 3 * 3
    tile = re.search(
        r'<a class="tile" href="([^"]+)"><span class="n" data-metric="calls">(\d+)', html
    )
    assert int(tile.group(2)) == 600 == _count_from_link(tile.group(1))
    policies = re.findall(
        r'<li><a href="([^"]+)"><span class="name">([^<]+)</span> <strong>(\d+)', html
    )
    assert {name for _, name, _ in policies} == {"No PII", "Budget"}
    for href, _name, number in policies:
        # The policy filter lists entries that evaluated the policy: a superset of violations.
        assert _count_from_link(href) >= int(number)


def test_spend_is_exact_decimal(org):
    agent = AgentFactory(organisation=org, name="penny")
    for cost in ("0.1", "0.2", 0.3, "0.00000001"):
        append_completion(
            org, agent, tool="llm.call", client={"status": "ok", "cost": cost}, occurred_at=START
        )
    rng = selectors.range_from_days(START.date(), START.date())
    row = next(r for r in selectors.agents_activity(organisation=org, rng=rng) if r.name == "penny")
    assert row.spend == Decimal("0.60000001")
    assert row.calls == 4 and row.ungoverned == 0


@pytest.mark.parametrize("role", [Role.COMPLIANCE_OFFICER, Role.DEVELOPER])
def test_every_dashboard_link_opens_for_the_role(client, org, ledger, role):
    """No dead ends: each link of the dashboard answers 200 for the person who sees it (the
    console's list accepts every filter; an unknown one would redirect to ?e=1)."""
    user = UserFactory(username=f"{role}@acme.test")
    MembershipFactory(user=user, organisation=org, role=role)
    client.force_login(user)
    html = client.get("/", {"from": "2026-11-02", "to": "2026-11-08"}).content.decode()
    links = {unescape(h) for h in re.findall(r'href="(/[^"#]*)"', html)}
    links -= {"/admin/logout/"}
    assert len(links) > 20
    # One link of each kind (the same filters for another agent or policy add nothing).
    kinds = {}
    for href in sorted(links):
        path, _, query = href.partition("?")
        kinds.setdefault((path, tuple(sorted(k for k, _ in parse_qsl(query)))), href)
    for href in kinds.values():
        response = client.get(href)
        assert response.status_code == 200, (role, href, response.status_code)
        if "/admin/traces/ledgerentry/?" in href:
            assert "?e=1" not in response.get("Location", "")
            assert b"errornote" not in response.content, href


NBSP = "\u00a0"


@pytest.mark.parametrize(
    "seconds, shown",
    [
        (42, f"42{NBSP}s"),
        (3552, f"59{NBSP}min 12{NBSP}s"),
        (3 * 3600 + 5 * 60, f"3{NBSP}h 05{NBSP}min"),
        (2 * 86400 + 7 * 3600, f"2{NBSP}d 7{NBSP}h"),
        (None, "—"),
    ],
)
def test_the_median_tile_never_leaves_a_unit_alone_on_a_line(seconds, shown):
    """A number and its unit are glued by a no-break space (a 1280 px dashboard wrapped
    "59 min 12" and put the "s" on a line of its own); only the pairs may wrap apart."""
    assert duration(seconds) == shown
