"""Commands ``live_control.py`` runs inside the live server's database (see there)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection

from governance import services
from governance.models import Agent, Organisation


def setup(*, slug: str, agent: str) -> dict:
    """An organisation with an owner, a reviewer, an agent and its keys (plaintexts returned)."""
    User = get_user_model()
    owner = User.objects.create_user(username=f"owner@{slug}.test", password="pw-owner-1")
    reviewer = User.objects.create_user(username=f"reviewer@{slug}.test", password="pw-reviewer-1")
    org = services.organisation_create(name=slug.title(), slug=slug, owner=owner, actor=None)
    services.membership_add(organisation=org, user=reviewer, role="reviewer", actor=owner)
    bot = services.agent_create(organisation=org, name=agent, actor=owner)
    # A reviewer decides a bot's requests where granted the per-agent right (as in the console).
    services.agent_permission_grant(
        agent=bot, user=reviewer, permission="decide_approvals", actor=owner
    )
    _, sdk_key = services.api_key_create(
        organisation=org, name="sdk", actor=owner, scopes=["check", "ingest", "read"], agent=bot
    )
    _, policy_key = services.api_key_create(
        organisation=org, name="policy-as-code", actor=owner, scopes=["policies"]
    )
    return {
        "sdk_key": sdk_key,
        "policy_key": policy_key,
        "organisation_id": org.id,
        "agent_id": bot.id,
    }


def sql(*, query: str, params: list | None = None) -> list:
    with connection.cursor() as cursor:
        cursor.execute(query, params or [])
        return [list(row) for row in cursor.fetchall()] if cursor.description else []


def ping() -> str:
    return f"{Organisation.objects.count()} organisations, {Agent.objects.count()} agents"


def pending_approval(*, organisation_id: int, since: str) -> str | None:
    """The oldest request still pending that was made after ``since`` (this test's)."""
    from django.utils.dateparse import parse_datetime

    from approvals.models import Approval

    approval = (
        Approval.objects.filter(
            organisation_id=organisation_id,
            status="pending",
            requested_at__gte=parse_datetime(since),
        )
        .order_by("requested_at")
        .first()
    )
    return str(approval.pk) if approval else None


def decide(*, approval_id: str, status: str, comment: str = "") -> str:
    """A reviewer's verdict, through the same service as the review queue."""
    from approvals.models import Approval
    from approvals.services import approval_decide

    approval = Approval.objects.get(pk=approval_id)
    reviewer = get_user_model().objects.get(username=f"reviewer@{approval.organisation.slug}.test")
    verdict = {"approved": "approve", "denied": "deny"}[status]
    return approval_decide(
        approval=approval, actor=reviewer, verdict=verdict, comment=comment or "decided in a test"
    ).status


def ledger_count(*, organisation_id: int, trace_id: str, kind: str | None = None) -> int:
    from traces.models import LedgerEntry

    entries = LedgerEntry.objects.filter(organisation_id=organisation_id, trace_id=trace_id)
    return entries.filter(kind=kind).count() if kind else entries.count()


# The decisions the behaviour tests expect, keyed by the last segment of the tool name
# (the loopback stand-in takes the same decisions by the same names).
POLICIES = [
    {
        "name": "Block *.blocked",
        "type": "action_approval",
        "mode": "block",
        "threshold": {"restricted_actions": ["blocked"]},
    },
    {
        "name": "Warn on *.warned",
        "type": "action_approval",
        "mode": "warn",
        "threshold": {"restricted_actions": ["warned"]},
    },
    {
        "name": "Approve *.approval",
        "type": "action_approval",
        "mode": "require_approval",
        "threshold": {"restricted_actions": ["approval"], "approval_timeout": 600},
    },
    {
        "name": "Approve *.expiring within 10 s",
        "type": "action_approval",
        "mode": "require_approval",
        "threshold": {"restricted_actions": ["expiring"], "approval_timeout": 10},
    },
    {
        "name": "No secrets in output",
        "type": "data_restriction",
        "mode": "block",
        "phase": "output",
        "threshold": {"restricted_words": ["SECRET"], "scan": "output"},
        "tool_patterns": ["*.output"],
    },
    {
        "name": "Approve *.lenient within 10 s, else let it run",
        "type": "action_approval",
        "mode": "require_approval",
        "threshold": {
            "restricted_actions": ["lenient"],
            "approval_timeout": 10,
            "on_timeout": "allow",
        },
    },
]


def setup_policies(*, organisation_id: int) -> list[int]:
    from policies.services import policy_create

    org = Organisation.objects.get(pk=organisation_id)
    owner = get_user_model().objects.get(username=f"owner@{org.slug}.test")
    return [policy_create(organisation=org, actor=owner, **spec).pk for spec in POLICIES]


def completion_order(*, organisation_id: int, trace_ids: list[str]) -> list[str]:
    """The given traces' completions in ledger (chain) order."""
    from traces.models import LedgerEntry

    entries = LedgerEntry.objects.filter(
        organisation_id=organisation_id, trace_id__in=trace_ids, kind="completion"
    ).order_by("seq")
    return [str(t) for t in entries.values_list("trace_id", flat=True)]


def api_key(*, organisation_id: int, name: str, scopes: list[str]) -> str:
    """A key of the organisation, unbound, with these scopes (its plaintext)."""
    org = Organisation.objects.get(pk=organisation_id)
    owner = get_user_model().objects.get(username=f"owner@{org.slug}.test")
    _, plaintext = services.api_key_create(organisation=org, name=name, actor=owner, scopes=scopes)
    return plaintext
