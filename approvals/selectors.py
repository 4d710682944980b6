"""Reads shared by the API, the queue, the admin and the tasks. Tenancy is applied here."""

from __future__ import annotations

from django.db.models import QuerySet

from governance.models import ApiKey, Organisation

from .models import Approval, ApprovalStatus
from .rights import decidable


def approval_for_api_key(*, api_key: ApiKey, approval_id) -> Approval | None:
    """The request if the key may see it: same organisation, and for an agent-bound key
    only that agent's requests."""
    queryset = Approval.objects.select_related("agent").filter(
        organisation_id=api_key.organisation_id, pk=approval_id
    )
    if api_key.agent_id is not None:
        queryset = queryset.filter(agent_id=api_key.agent_id)
    return queryset.first()


def approvals_for_reviewer(
    *,
    user,
    organisation: Organisation | None,
    pending: bool = True,
    agent_id=None,
    policy_name: str | None = None,
) -> QuerySet[Approval]:
    """Requests the user may see and decide, pending (newest first) or decided (latest decision first)."""
    queryset = decidable(
        Approval.objects.select_related("agent", "organisation", "decided_by").prefetch_related(
            "decisions"
        ),
        user=user,
        organisation=organisation,
    )
    if pending:
        queryset = queryset.filter(status=ApprovalStatus.PENDING).order_by("-requested_at")
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


def approval_wire(approval: Approval) -> dict:
    """The long-poll answer (DESIGN.md): status, decided_by, comment, plus expiry and what to do on it."""
    return {
        "id": str(approval.pk),
        "trace_id": str(approval.trace_id),
        "status": approval.status,
        "decided_by": approval.decided_by_label or None,
        "comment": approval.comment or None,
        "decided_at": approval.decided_at.isoformat() if approval.decided_at else None,
        "expires_at": approval.expires_at.isoformat(),
        "on_timeout": approval.on_timeout,
        "approvals": approval.approvals_count,
        "approvers_required": approval.approvers_required,
    }
