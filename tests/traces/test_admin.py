"""The ledger in the admin: read-only, scoped, with a trace page and working actions."""

import io
import uuid
from datetime import timedelta

import pytest

from governance.models import AuditLog
from tests.factories import append_completion
from traces.export import verify_export_lines
from traces.models import LedgerCheckpoint, LedgerEntry
from traces.services import LedgerEvent, ledger_append

from .conftest import raw_sql

pytestmark = pytest.mark.django_db
LIST = "/admin/traces/ledgerentry/"


@pytest.fixture
def story(org, agent):
    trace_id = uuid.uuid4()
    ledger_append(
        organisation=org,
        events=[
            LedgerEvent(
                trace_id=trace_id,
                kind="decision",
                agent=agent,
                tool="email.send",
                input={"to": "a@b.c"},
                server={
                    "decision": "require_approval",
                    "policies": [
                        {
                            "id": 4,
                            "name": "external email",
                            "type": "approval",
                            "mode": "enforce",
                            "outcome": "require_approval",
                            "reason": "outside domain",
                        },
                        {
                            "id": 5,
                            "name": "pii",
                            "type": "pii",
                            "mode": "monitor",
                            "outcome": "pass",
                        },
                    ],
                },
            ),
            LedgerEvent(
                trace_id=trace_id,
                kind="approval",
                agent=agent,
                tool="email.send",
                server={"status": "approved", "decided_by": "rita@acme.test", "comment": "fine"},
            ),
            LedgerEvent(
                trace_id=trace_id,
                kind="completion",
                agent=agent,
                tool="email.send",
                input={"to": "a@b.c"},
                output={"sent": True},
                client={"status": "ok", "duration_ms": 3},
            ),
        ],
    )
    return trace_id


@pytest.fixture
def globex_entry(other_org):
    append_completion(other_org, None, tool="globex.secret")
    return LedgerEntry.objects.get(organisation=other_org)


def test_list_is_scoped_and_read_only(client, compliance_officer, story, globex_entry):
    client.force_login(compliance_officer)
    page = client.get(LIST)
    assert page.status_code == 200
    content = page.content.decode()
    assert "email.send" in content and "globex.secret" not in content
    assert "Add ledger entry" not in content
    assert client.get(LIST + "add/").status_code == 403
    entry = LedgerEntry.objects.filter(organisation__slug="acme").first()
    assert client.post(f"{LIST}{entry.pk}/delete/").status_code in (403, 404)
    assert client.get(f"{LIST}{globex_entry.pk}/change/").status_code == 404


@pytest.mark.parametrize(
    "query, expect",
    [
        ("kind__exact=approval", 1),
        ("status=ok", 1),
        ("decision=require_approval", 1),
        ("policy=4", 1),
        ("policy=9", 0),
        ("recorded=24h", 3),
        ("agent=999999", 0),
    ],
)
def test_filters(client, owner, story, query, expect):
    client.force_login(owner)
    page = client.get(f"{LIST}?{query}")
    assert page.status_code == 200
    assert len(page.context["cl"].result_list) == expect


def test_policy_filter_lists_the_policies_the_ledger_recorded(client, owner, story, other_org):
    """Choices come from the chain's own decisions (id and name as evaluated), scoped."""
    ledger_append(
        organisation=other_org,
        events=[
            LedgerEvent(
                trace_id=uuid.uuid4(),
                kind="decision",
                agent=None,
                tool="globex.tool",
                server={"decision": "allow", "policies": [{"id": 77, "name": "globex rule"}]},
            )
        ],
    )
    client.force_login(owner)
    page = client.get(LIST)
    policy_filter = next(
        f for f in page.context["cl"].filter_specs if getattr(f, "parameter_name", "") == "policy"
    )
    assert policy_filter.lookup_choices == [(4, "external email"), (5, "pii")]


def test_search_by_trace_id_and_tool(client, owner, story, fill_ledger, org):
    fill_ledger(org, 5)
    client.force_login(owner)
    assert len(client.get(f"{LIST}?q={story}").context["cl"].result_list) == 3
    assert len(client.get(f"{LIST}?q=email.").context["cl"].result_list) == 3
    assert len(client.get(f"{LIST}?q=tool.n1").context["cl"].result_list) == 1


def test_search_by_the_short_trace_id_the_list_shows(
    client, owner, story, fill_ledger, org, globex_entry
):
    """The list shows a trace as its first 8 characters; searching for them found nothing
    (the search wanted the whole id). Another organisation's trace with the same start stays
    out."""
    fill_ledger(org, 5)
    client.force_login(owner)
    short = str(story)[:8]
    page = client.get(f"{LIST}?q={short}")
    assert short in page.content.decode()  # as the list shows it
    assert {e.trace_id for e in page.context["cl"].result_list} == {story}
    assert len(client.get(f"{LIST}?q={str(story)[:13].upper()}").context["cl"].result_list) == 3
    append_completion(
        globex_entry.organisation, None, tool="x.y", trace_id=uuid.UUID(short + "0" * 24)
    )
    assert {e.trace_id for e in client.get(f"{LIST}?q={short}").context["cl"].result_list} == {
        story
    }


def test_the_trace_page_tells_the_whole_story(client, reviewer, owner, story, org):
    client.force_login(owner)
    entry = LedgerEntry.objects.get(organisation=org, kind="completion")
    page = client.get(f"{LIST}{entry.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    for text in (
        "Decision (check)",
        "external email",
        "outside domain",
        "monitor",
        "approved",
        "rita@acme.test",
        "Completion",
        "&quot;sent&quot;: true",
        entry.entry_hash,
        entry.prev_hash,
        "hash matches",
    ):
        assert text in content, text


def test_the_trace_page_flags_an_altered_entry(client, owner, story, org):
    entry = LedgerEntry.objects.get(organisation=org, kind="approval")
    raw_sql(
        "UPDATE traces_ledgerentry SET server = %s WHERE id = %s", ['{"status":"denied"}', entry.pk]
    )
    client.force_login(owner)
    assert "does not match its hash" in client.get(f"{LIST}{entry.pk}/change/").content.decode()


def action(client, name, ids):
    return client.post(
        LIST, {"action": name, "_selected_action": ids}, follow=name != "export_ledger"
    )


def test_verify_action(client, owner, story, org):
    client.force_login(owner)
    ids = [LedgerEntry.objects.filter(organisation=org).first().pk]
    page = action(client, "verify_chain", ids)
    assert "ledger intact — 3 entries" in page.content.decode()
    raw_sql("DELETE FROM traces_ledgerentry WHERE organisation_id = %s AND seq = 2", [org.pk])
    page = action(client, "verify_chain", ids)
    assert "BROKEN at entry #3 (missing)" in page.content.decode()


def test_checkpoint_and_export_actions(client, owner, story, org):
    client.force_login(owner)
    ids = [LedgerEntry.objects.filter(organisation=org).first().pk]
    page = action(client, "sign_checkpoint", ids)
    assert "checkpoint signed at #3" in page.content.decode()
    assert LedgerCheckpoint.objects.filter(organisation=org).count() == 1
    assert AuditLog.objects.filter(organisation=org, action="ledger.checkpoint_signed").exists()
    response = action(client, "export_ledger", ids)
    assert response["Content-Type"] == "application/x-ndjson"
    body = b"".join(response.streaming_content).decode()
    result = verify_export_lines(io.StringIO(body))
    assert result.ok and result.entries == 3 and result.checkpoints == 1
    assert AuditLog.objects.filter(organisation=org, action="ledger.exported").exists()


def test_capped_paginator_keeps_counting_cheap(client, owner, org, fill_ledger, monkeypatch):
    from traces import admin as traces_admin

    monkeypatch.setattr(traces_admin, "COUNT_CAP", 10)
    fill_ledger(org, 30)
    client.force_login(owner)
    page = client.get(LIST)
    assert page.context["cl"].result_count == 11
    # Said as what it is, not as the cap's 11; "Show all" only undoes a search or a filter.
    html = page.content.decode()
    assert "More than 10 results" in html and "More than 10 ledger entries" in html
    assert "Select all (more than 10) ledger entries" in html
    assert "11 results" not in html and "11 ledger entries" not in html and "All 11" not in html
    assert "Show all" not in html
    searched = client.get(LIST, {"q": "tool.n"}).content.decode()
    assert "More than 10 results" in searched and '(<a href="?">Show all</a>)' in searched
    few = client.get(LIST, {"q": "tool.n1"}).content.decode()
    assert "5 results" in few and "5 ledger entries" in few and "More than" not in few


def test_a_one_organisation_members_list_walks_its_chain(
    client, owner, org, fill_ledger, monkeypatch
):
    """The common case, one organisation: the list asks for that chain by a literal id (so the
    (organisation, seq) index serves the page backwards), not "organisation IN (the member's
    organisations)", which sorted the whole ledger for every page; and no one-choice
    organisation filter is shown."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from traces.admin import LedgerEntryAdmin

    monkeypatch.setattr(LedgerEntryAdmin, "list_per_page", 2)  # a page of several
    fill_ledger(org, 5)
    client.force_login(owner)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(LIST)
    assert page.status_code == 200
    assert [e.seq for e in page.context["cl"].result_list] == [5, 4]
    listing = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "traces_ledgerentry"' in q["sql"] and "LIMIT 2" in q["sql"]
    ]
    assert len(listing) == 1
    assert f'"traces_ledgerentry"."organisation_id" = {org.pk}' in listing[0]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + listing[0])
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
    assert "By organisation" not in page.content.decode()


def test_list_shows_one_chain_at_a_time(client, owner, org, other_org, story, globex_entry):
    """A member of two organisations sees the current one's chain, can pick the other, and
    cannot pick one they don't belong to."""
    from governance.middleware import SESSION_KEY
    from governance.roles import Role
    from tests.factories import MembershipFactory, OrganisationFactory

    MembershipFactory(user=owner, organisation=other_org, role=Role.COMPLIANCE_OFFICER)
    stranger = OrganisationFactory(name="Initech", slug="initech")
    append_completion(stranger, None, tool="initech.x")
    client.force_login(owner)

    def tools(query=""):
        page = client.get(f"{LIST}?{query}")
        assert page.status_code == 200
        return {entry.tool for entry in page.context["cl"].result_list}

    session = client.session
    session[SESSION_KEY] = org.pk
    session.save()
    assert tools() == {"email.send"}
    assert tools(f"org={other_org.pk}") == {"globex.secret"}
    assert tools(f"org={stranger.pk}") == {"email.send"}  # not theirs: back to the current one
    page = client.get(LIST).content.decode()
    assert "Globex" in page and "Initech" not in page  # the picker lists their two only
    session = client.session
    session[SESSION_KEY] = other_org.pk
    session.save()
    assert tools() == {"globex.secret"}


def test_the_list_shows_when_the_agent_acted(client, owner, org):
    """The list showed only "recorded at": every call of an outage reported at once (or the
    demo's whole seeded day) read as one minute, while the dashboard counts by occurred_at."""

    from django.utils import timezone
    from django.utils.timezone import localtime

    acted = timezone.now() - timedelta(days=2)
    append_completion(org, None, tool="x.y", occurred_at=acted)
    client.force_login(owner)
    page = client.get(LIST).content.decode()
    assert "occurred at" in page.lower()
    # ISO-like and 24-hour, as everywhere (config/formats/en/formats.py): not "5 Dec 2026, 10:47 p.m."
    assert f"{localtime(acted):%Y-%m-%d %H:%M}" in page
    assert "p.m." not in page and "a.m." not in page


def test_a_dashboard_link_says_what_it_filtered_on_and_clear_all_clears_it(
    client, compliance_officer, org, story
):
    """The dashboard's "calls with violations" opened the list with lookups its filter sidebar
    does not show (every filter read "All"), and "Clear all filters" kept them, writing the
    ``__in`` list back as ``['warn', 'block', 'require_approval']``: 0 entries, nothing on,
    nothing to click. The list now says what the link applied, and clearing clears it."""
    from html import unescape

    from console.selectors import VIOLATING, default_range, ledger_link

    client.force_login(compliance_officer)
    rng = default_range()
    link = ledger_link(org, rng, kind="decision", decision__in=",".join(VIOLATING))
    page = client.get(link)
    assert page.status_code == 200 and len(page.context["cl"].result_list) == 1
    html = unescape(page.content.decode())
    last_day = rng.until - timedelta(days=1)
    assert (
        "Also filtered by the link that opened this list: "
        f"occurred {rng.since:%Y-%m-%d} – {last_day:%Y-%m-%d} (UTC)"
        " · decision: warn, block or require_approval · kind: Decision (check)."
    ) in html
    clear = page.context["cl"].clear_all_filters_qs
    assert clear == "?" and "%5B" not in page.content.decode()
    cleared = client.get(LIST + clear)
    assert len(cleared.context["cl"].result_list) == 3  # the whole (story's) ledger
    assert "Also filtered by the link" not in cleared.content.decode()

    # The sidebar's own filters are not repeated; an unknown lookup is named as it is.
    page = client.get(f"{LIST}?decision=require_approval&kind__exact=decision&tool=email.send")
    assert page.context["cl"].link_filters == ["tool: email.send"]
    page = client.get(f"{LIST}?q=email&o=1&kind__exact=decision")  # search and ordering: Django's
    assert page.context["cl"].link_filters == []
