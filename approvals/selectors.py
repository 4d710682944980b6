"""Reads shared by the API, the queue, the admin and the tasks. Tenancy is applied here."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from governance.models import ApiKey, Organisation
from governance.wire import wire_time

from .models import Approval, ApprovalStatus
from .rights import decidable
from .services import approval_expire_if_overdue

# What the long-poll answers with, read as plain values: the poll path runs for every waiting
# agent every 25 s or so, so it skips model instances and joins.
STATUS_FIELDS = (
    "id",
    "trace_id",
    "status",
    "decided_by_label",
    "comment",
    "decided_at",
    "expires_at",
    "on_timeout",
    "approvals_count",
    "approvers_required",
)


def approval_status_for_api_key(*, api_key: ApiKey, approval_id) -> dict | None:
    """The request's status if the key may see it: same organisation, and for an
    agent-bound key only that agent's requests. Overdue requests are expired on the way."""
    queryset = Approval.objects.filter(organisation_id=api_key.organisation_id, pk=approval_id)
    if api_key.agent_id is not None:
        queryset = queryset.filter(agent_id=api_key.agent_id)
    return _status(queryset)


def approval_status(*, approval_id) -> dict | None:
    return _status(Approval.objects.filter(pk=approval_id))


def _status(queryset: QuerySet[Approval]) -> dict | None:
    row = queryset.values(*STATUS_FIELDS).first()
    if row and row["status"] == ApprovalStatus.PENDING and row["expires_at"] <= timezone.now():
        approval_expire_if_overdue(approval_id=row["id"])  # lazy expiry on read
        row = queryset.values(*STATUS_FIELDS).first()
    return row


# The orders the pending tab offers (the URL's ``sort``): value -> (label, database order). The
# id breaks ties, so that a page boundary never shows one request twice or skips one.
PENDING_SORTS = {
    "newest": ("Newest first", ("-requested_at", "-id")),
    "expiring": ("Expiring soonest", ("expires_at", "id")),
}
DEFAULT_PENDING_SORT = "newest"


def pending_sort(value: str | None) -> str:
    """The pending tab's order asked for: the default unless one of PENDING_SORTS."""
    return value if value in PENDING_SORTS else DEFAULT_PENDING_SORT


def pending_sorted(approvals, sort: str, *, key=lambda item: item) -> list:
    """``approvals`` (or items ``key`` maps to one) in the pending tab's ``sort`` order, read
    from the same PENDING_SORTS entry the database orders by (each entry's fields run one way):
    for lists merged in Python (an open card from further down, kept ones)."""
    fields = PENDING_SORTS[pending_sort(sort)][1]
    names = [field.lstrip("-") for field in fields]
    return sorted(
        approvals,
        key=lambda item: tuple(getattr(key(item), name) for name in names),
        reverse=fields[0].startswith("-"),
    )


def approvals_for_reviewer(
    *,
    user,
    organisation: Organisation | None,
    pending: bool = True,
    agent_id=None,
    policy_name: str | None = None,
    sort: str = DEFAULT_PENDING_SORT,
) -> QuerySet[Approval]:
    """Requests the user may see and decide, pending (in ``sort``'s order: newest first by
    default, or expiring soonest) or decided (latest decision first)."""
    queryset = decidable(
        Approval.objects.select_related("agent", "organisation", "decided_by").prefetch_related(
            "decisions"
        ),
        user=user,
        organisation=organisation,
    )
    if pending:
        queryset = queryset.filter(status=ApprovalStatus.PENDING).order_by(
            *PENDING_SORTS[pending_sort(sort)][1]
        )
    else:
        queryset = queryset.exclude(status=ApprovalStatus.PENDING).order_by(
            "-decided_at", "-requested_at"
        )
    if agent_id:
        queryset = queryset.filter(agent_id=agent_id)
    if policy_name:
        queryset = queryset.filter(policy_name=policy_name)
    return queryset


def approval_for_reviewer(
    *, user, organisation: Organisation | None, approval_id
) -> Approval | None:
    queryset = decidable(
        Approval.objects.select_related("agent", "organisation", "decided_by").prefetch_related(
            "decisions"
        ),
        user=user,
        organisation=organisation,
    )
    return queryset.filter(pk=approval_id).first()


def approval_wire(row: dict) -> dict:
    """The long-poll answer (DESIGN.md): status, decided_by, comment, plus expiry and what
    to do on it. ``row`` is what ``approval_status*`` return."""
    return {
        "id": str(row["id"]),
        "trace_id": str(row["trace_id"]),
        "status": row["status"],
        "decided_by": row["decided_by_label"] or None,
        "comment": row["comment"] or None,
        "decided_at": wire_time(row["decided_at"]) if row["decided_at"] else None,
        "expires_at": wire_time(row["expires_at"]),
        "on_timeout": row["on_timeout"],
        "approvals": row["approvals_count"],
        "approvers_required": row["approvers_required"],
    }
