"""The demo commands: ``seed_demo`` (organisation, one user per role, agents) and
``demo_activity`` (policies, calls through /check's service, approvals, reports)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from approvals.models import Approval
from compliance.models import Report
from governance.models import Agent, ApiKey, DataSubjectRequest, Membership, Organisation
from policies.models import Policy
from traces.verification import ledger_verify

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_seed_demo_is_idempotent_and_prints_logins():
    out, _ = _run("seed_demo")
    assert "reviewer@demo.execlave.dev" in out and "exk_live_" not in out
    _run("seed_demo")
    org = Organisation.objects.get(slug="demo")
    assert Membership.objects.filter(organisation=org).count() == 5
    assert Agent.objects.filter(organisation=org).count() == 3
    assert not ApiKey.objects.exists()
    out, _ = _run("seed_demo", "--with-key")
    assert "exk_live_" in out


def test_demo_logins_work(client):
    _run("seed_demo", "--password", "pw-demo-123")
    assert client.login(username="compliance@demo.execlave.dev", password="pw-demo-123")
    assert client.get("/admin/").status_code == 200


def test_running_make_run_again_keeps_the_demo_users_signed_in(client):
    # seed_demo set every password again at each make run: a new salt, a new session hash, and
    # every demo user was signed out of every browser.
    _run("seed_demo", "--superuser", "--password", "pw-demo-123")
    assert client.login(username="owner@demo.execlave.dev", password="pw-demo-123")
    _run("seed_demo", "--superuser", "--password", "pw-demo-123")
    assert client.get("/dashboard/").status_code == 200
    # A changed password is set back to the one the logins print (and that signs them out).
    _run("seed_demo", "--superuser", "--password", "pw-demo-456")
    assert client.get("/dashboard/").status_code == 302
    assert client.login(username="owner@demo.execlave.dev", password="pw-demo-456")
    assert client.login(username="admin", password="pw-demo-456")


def test_demo_logins_work_through_the_login_form(client):
    """The real login form (not force_login): members log in without Django's is_staff flag."""
    _run("seed_demo", "--password", "pw-demo-123")
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "compliance@demo.execlave.dev", "password": "pw-demo-123", "next": "/admin/"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert b"Governance console" in client.get("/admin/").content
    client.logout()
    refused = client.post(
        "/admin/login/", {"username": "reviewer@demo.execlave.dev", "password": "pw-demo-123"}
    )
    assert refused.status_code == 200 and b"/approvals/" in refused.content


def test_demo_activity_fills_every_screen_once():
    _run("seed_demo")
    out, _ = _run("demo_activity", "--calls", "30")
    org = Organisation.objects.get(slug="demo")
    assert Policy.objects.filter(organisation=org).count() == 7
    assert Approval.objects.filter(organisation=org, status="pending").exists()
    assert Approval.objects.filter(organisation=org).exclude(status="pending").exists()
    assert Report.objects.filter(organisation=org).count() == 5
    # the privacy screens too: an open request of a subject the ledger holds
    request = DataSubjectRequest.objects.get(organisation=org)
    assert request.status in DataSubjectRequest.OPEN_STATUSES and request.due_at > timezone.now()
    assert "1 data-subject request open" in out
    assert ledger_verify(organisation=org).ok
    again, _ = _run("demo_activity")
    assert "already present" in again and Report.objects.filter(organisation=org).count() == 5
    assert DataSubjectRequest.objects.filter(organisation=org).count() == 1


def test_demo_activity_needs_the_demo_organisation():
    with pytest.raises(CommandError, match="seed_demo"):
        _run("demo_activity")


def test_the_seeded_demo_dashboard_looks_used(client):
    """After `make run`'s seeding, decisions took people minutes (not "0 s") and the ledger
    shows verified (not "Not verified")."""
    import re
    import statistics

    out, _ = _run("seed_demo", "--activity")
    assert "Ledger verification #" in out and "intact" in out
    org = Organisation.objects.get(slug="demo")
    waits = [
        (a.decided_at - a.requested_at).total_seconds()
        for a in Approval.objects.filter(organisation=org, decided_at__isnull=False)
    ]
    assert len(waits) >= 3 and len(set(int(w) for w in waits)) >= 3  # varied
    assert all(60 <= w <= 2 * 3600 for w in waits)
    assert all(a.requested_at < a.expires_at for a in Approval.objects.filter(organisation=org))
    assert ledger_verify(organisation=org).ok
    client.force_login(Membership.objects.get(organisation=org, role="owner").user)
    page = client.get("/dashboard/").content.decode()
    median = re.search(r'data-metric="median">([^<]*)<', page).group(1)
    assert median == _duration(statistics.median(waits)) and "min" in median
    assert re.search(r'data-metric="integrity">Intact<', page)
    assert "ledger verified" in page and "Not verified" not in page


def _duration(seconds):
    from console.templatetags.console import duration

    return duration(seconds)


def test_the_demo_approvals_and_their_ledger_traces_tell_one_story():
    """A compliance officer comparing a seeded approval with its trace sees the same times:
    the paused check's ledger entry at ``requested_at``, the decision's at ``decided_at``
    (appended at those times through the normal services, never rewritten: the chain
    verifies), completions after their checks, nothing in the future."""
    from datetime import timedelta

    from django.utils import timezone

    from approvals.models import ApprovalDecision
    from traces.models import LedgerEntry

    before = timezone.now()
    _run("seed_demo", "--activity")
    after = timezone.now()
    org = Organisation.objects.get(slug="demo")
    entries = LedgerEntry.objects.filter(organisation=org)
    at = {(e.trace_id, e.kind): e.occurred_at for e in entries}
    second = timedelta(seconds=1)
    approvals = list(Approval.objects.filter(organisation=org))
    decided = [a for a in approvals if a.decided_at is not None]
    assert len(decided) >= 3 and len(approvals) - len(decided) == 3
    for approval in approvals:
        assert abs(at[approval.trace_id, "decision"] - approval.requested_at) < second
    for approval in decided:
        assert abs(at[approval.trace_id, "approval"] - approval.decided_at) < second
        (vote,) = ApprovalDecision.objects.filter(approval=approval)
        assert vote.created_at == approval.decided_at
        assert 120 <= (approval.decided_at - approval.requested_at).total_seconds() <= 95 * 60
    # a working day of calls, the last minutes ago; nothing in the future
    times = [e.occurred_at for e in entries]
    assert before - timedelta(hours=8) <= min(times) and max(times) <= after
    assert max(times) - min(times) > timedelta(hours=7)
    for (trace_id, kind), time in at.items():
        if kind == "completion":
            assert at[trace_id, "decision"] < time < at[trace_id, "decision"] + second
    assert ledger_verify(organisation=org).ok


def test_the_seeding_verification_is_audited_as_the_system_with_its_cause():
    """seed_demo's ledger verification names its actor as the other rows seeding writes do
    ("system": no person asked) and says which command asked."""
    from governance.models import AuditLog

    _run("seed_demo")
    org = Organisation.objects.get(slug="demo")
    (row,) = AuditLog.objects.filter(organisation=org, action="ledger.verification_requested")
    assert row.actor_label == "system" and row.actor_user is None and row.actor_api_key is None
    assert row.after["cause"].startswith("seed_demo")
    assert row.object_repr.startswith("ledger verification #")
    others = AuditLog.objects.filter(organisation=org).exclude(pk=row.pk)
    assert set(others.values_list("actor_label", flat=True)) == {"system"}


def test_the_demo_ledger_is_in_story_order():
    """The demo appends every entry at its time in the story, reviewers' decisions among the
    calls they followed: the ledger's order (seq) is the order of ``occurred_at``, with the
    newest three paused calls still pending and every other one decided."""
    from traces.models import LedgerEntry

    _run("seed_demo", "--activity")
    org = Organisation.objects.get(slug="demo")
    entries = list(
        LedgerEntry.objects.filter(organisation=org)
        .order_by("seq")
        .values_list("seq", "kind", "occurred_at")
    )
    assert {kind for _, kind, _ in entries} >= {"decision", "completion", "approval"}
    late = [
        (seq, kind, at, next_kind, next_at)
        for (seq, kind, at), (_, next_kind, next_at) in zip(entries, entries[1:], strict=False)
        if next_at < at
    ]
    assert late == [], late[:3]
    approvals = Approval.objects.filter(organisation=org).order_by("requested_at")
    statuses = [a.status for a in approvals]
    assert statuses[-3:] == ["pending"] * 3 and "pending" not in statuses[:-3]
    assert ledger_verify(organisation=org).ok


def test_the_demo_budget_counts_what_the_demo_agents_spent(client):
    """The demo's calls report their cost; the budget card used to show "0.00 spent + 1.05
    reserved" beside an agents table whose agents had spent about that: the costs were never
    reconciled, as ingestion does."""
    from decimal import Decimal

    from policies.models import BudgetWindow
    from traces.models import LedgerEntry

    _run("seed_demo")
    _run("demo_activity", "--calls", "40", "--no-reports")
    org = Organisation.objects.get(slug="demo")
    reported = sum(
        Decimal(str(entry.client_data["cost"]))
        for entry in LedgerEntry.objects.filter(organisation=org, kind="completion")
        if entry.client_data.get("cost") is not None
    )
    [window] = BudgetWindow.objects.filter(organisation=org)
    assert reported > 0 and window.spent == reported
    client.force_login(Membership.objects.get(organisation=org, role="owner").user)
    page = client.get("/dashboard/").content.decode()
    assert f"{reported:.2f} spent" in page
