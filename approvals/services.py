"""Every write to approval requests.

Final states are reached only by conditional UPDATEs on ``status='pending'`` (Healthchecks'
``sendalerts`` idiom): two reviewers, the expiry schedule and lazy expiry on read may race,
and exactly one of them moves a request out of ``pending``; the others learn who won.
Each change by a person writes an AuditLog row in the same transaction; every final state
also appends an ``approval`` entry to the trace's ledger. Notifications leave on commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from governance.audit import AuditAction
from governance.models import Agent, Organisation
from governance.roles import Role
from governance.services import Actor, actor_label, audit_log_write
from policies.services import budget_release

from . import notifications, waiting
from .ledger import approval_ledger_append
from .models import Approval, ApprovalDecision, ApprovalStatus, OnTimeout, Verdict
from .rights import can_decide

MAX_TIMEOUT_SECONDS = 30 * 24 * 3600
MAX_COMMENT_LENGTH = 4000
MAX_APPROVERS = 20


class ApprovalAlreadyFinal(Exception):
    """Someone (or the clock) decided first. ``approval`` is the request as it now stands."""

    def __init__(self, approval: Approval):
        self.approval = approval
        who = approval.decided_by_label or "the system"
        if approval.status == ApprovalStatus.EXPIRED:
            message = "This request expired before your decision."
        else:
            message = f"Already {approval.status} by {who}."
        super().__init__(message)


def _snapshot(approval: Approval) -> dict[str, Any]:
    return {
        "status": approval.status,
        "tool": approval.tool,
        "agent": approval.agent.name,
        "trace_id": str(approval.trace_id),
        "policy": approval.policy_name,
        "approvals": approval.approvals_count,
        "approvers_required": approval.approvers_required,
        "decided_by": approval.decided_by_label or None,
        "comment": approval.comment or None,
    }


def _positive_int(value, field: str, *, maximum: int, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise ValidationError({field: "Must be a whole number of seconds."})
    value = int(value)
    if not 1 <= value <= maximum:
        raise ValidationError({field: f"Must be between 1 and {maximum}."})
    return value


def _escalation_contacts(policy) -> list[str]:
    config = getattr(policy, "threshold", None) or {}
    contacts = config.get("escalation_contacts") or config.get("escalate_to") or []
    if isinstance(contacts, str):
        contacts = [contacts]
    return [str(c).strip() for c in contacts if str(c).strip()][:20]


@transaction.atomic
def approval_request_create(
    *,
    organisation: Organisation,
    trace_id,
    agent: Agent,
    tool: str,
    input,
    policy,
    reason: str,
    timeout_seconds: int,
    required_role: str,
    approvers_required: int = 1,
    on_timeout: str = OnTimeout.DENY,
    escalate_after: int | None = None,
    actor: Actor = None,
    now: datetime | None = None,
) -> Approval:
    """Pause a call for a human decision. Called by the decision service inside ``/check``,
    with ``now`` the time of the check (its ledger entry's ``occurred_at``)."""
    if agent.organisation_id != organisation.pk:
        raise ValidationError({"agent": "The agent belongs to another organisation."})
    if (
        policy is not None
        and getattr(policy, "organisation_id", organisation.pk) != organisation.pk
    ):
        raise ValidationError({"policy": "The policy belongs to another organisation."})
    timeout_seconds = _positive_int(
        timeout_seconds, "approval_timeout", maximum=MAX_TIMEOUT_SECONDS
    )
    escalate_after = _positive_int(
        escalate_after, "escalate_after", maximum=MAX_TIMEOUT_SECONDS, allow_none=True
    )
    approvers_required = _positive_int(
        approvers_required, "approvers_required", maximum=MAX_APPROVERS
    )
    required_role = required_role or Role.REVIEWER
    if required_role not in Role.values:
        raise ValidationError({"required_role": f"Choose one of {', '.join(Role.values)}."})
    if on_timeout not in OnTimeout.values:
        raise ValidationError({"on_timeout": f"Choose one of {', '.join(OnTimeout.values)}."})

    now = now or timezone.now()
    approval = Approval.objects.create(
        organisation=organisation,
        trace_id=trace_id,
        agent=agent,
        tool=(tool or "")[:200],
        input=input if input is not None else {},
        policy=policy,
        policy_name=(getattr(policy, "name", "") or "")[:200],
        policy_type=(getattr(policy, "type", "") or "")[:40],
        reason=reason or "",
        requested_at=now,
        expires_at=now + timedelta(seconds=timeout_seconds),
        on_timeout=on_timeout,
        required_role=required_role,
        approvers_required=approvers_required,
        escalate_at=now + timedelta(seconds=escalate_after) if escalate_after else None,
        escalation_contacts=_escalation_contacts(policy),
    )
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.APPROVAL_REQUESTED,
        obj=approval,
        after=_snapshot(approval),
    )
    notifications.enqueue(approval_id=approval.pk, event="requested")
    return approval


def _reload(approval_id) -> Approval:
    return Approval.objects.select_related("agent", "organisation", "decided_by").get(
        pk=approval_id
    )


def _finalise_side_effects(
    approval: Approval, *, actor: Actor, action: AuditAction, before: dict
) -> None:
    audit_log_write(
        organisation=approval.organisation,
        actor=actor,
        action=action,
        obj=approval,
        before=before,
        after=_snapshot(approval),
    )
    approval_ledger_append(approval=approval)
    if approval.status in (
        ApprovalStatus.DENIED,
        ApprovalStatus.EXPIRED,
        ApprovalStatus.CANCELLED,
    ):
        # The call will not run: what its check reserved of a budget cap is given back (it
        # stayed "reserved" until the window ended, and counted against the cap meanwhile).
        budget_release(organisation=approval.organisation, trace_id=approval.trace_id)
    notifications.enqueue(approval_id=approval.pk, event=approval.status)
    transaction.on_commit(waiting.poke_all, robust=True)


def approval_decide(
    *, approval: Approval, actor, verdict: str, comment: str = "", now: datetime | None = None
) -> Approval:
    """Record one person's verdict. A denial needs a comment and is final at once; an
    approval is final when ``approvers_required`` distinct people have approved.

    ``now`` is when the person decided (default: now; the queue's views never pass it; the
    demo replays its reviewers' decisions at their story's times). It is the decision's
    ``decided_at`` and its ledger entry's ``occurred_at``, and must come before the expiry.

    Raises ``ApprovalAlreadyFinal`` when the request left ``pending`` first (another reviewer,
    or expiry), ``PermissionDenied`` without the right, ``ValidationError`` on bad input or
    a second verdict by the same person.
    """
    comment = (comment or "").strip()
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": "Choose approve or deny."})
    if verdict == Verdict.DENY and not comment:
        raise ValidationError(
            {"comment": "Say why you deny this request; the agent's owner will read it."}
        )
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ValidationError({"comment": f"At most {MAX_COMMENT_LENGTH} characters."})
    if not can_decide(user=actor, approval=approval):
        raise PermissionDenied("You may not decide this request.")
    decided = _decide(
        approval_id=approval.pk, actor=actor, verdict=verdict, comment=comment, now=now
    )
    if decided is None:
        # Lost the race. If the clock is why, make the expiry final now (its own transaction).
        approval_expire_if_overdue(approval_id=approval.pk)
        raise ApprovalAlreadyFinal(_reload(approval.pk))
    return decided


@transaction.atomic
def _decide(*, approval_id, actor, verdict: str, comment: str, now) -> Approval | None:
    now = now or timezone.now()
    label = actor_label(actor)[:200]
    pending = Approval.objects.filter(
        pk=approval_id, status=ApprovalStatus.PENDING, expires_at__gt=now
    )
    if verdict == Verdict.DENY:
        won = pending.update(
            status=ApprovalStatus.DENIED,
            decided_at=now,
            decided_by=actor,
            decided_by_label=label,
            comment=comment,
        )
    else:
        # The UPDATE both guards against a final state and takes the row lock, so the
        # approvers of one request are serialised from here to commit.
        won = pending.update(approvals_count=F("approvals_count") + 1)
    if not won:
        return None

    try:
        with transaction.atomic():
            ApprovalDecision.objects.create(
                approval_id=approval_id,
                user=actor,
                user_label=label,
                verdict=verdict,
                comment=comment,
                created_at=now,
            )
    except IntegrityError:
        raise ValidationError(
            {"verdict": "You have already decided this request; another approver is needed."}
        ) from None

    approval = _reload(approval_id)
    before = {**_snapshot(approval), "status": ApprovalStatus.PENDING}
    if verdict == Verdict.APPROVE:
        before["approvals"] = approval.approvals_count - 1
        if approval.approvals_count >= approval.approvers_required:
            Approval.objects.filter(pk=approval_id).update(
                status=ApprovalStatus.APPROVED,
                decided_at=now,
                decided_by=actor,
                decided_by_label=label,
                comment=comment,
            )
            approval = _reload(approval_id)
    if approval.status == ApprovalStatus.PENDING:
        audit_log_write(
            organisation=approval.organisation,
            actor=actor,
            action=AuditAction.APPROVAL_APPROVED_PARTIALLY,
            obj=approval,
            before=before,
            after=_snapshot(approval),
        )
        notifications.enqueue(approval_id=approval.pk, event="partially_approved")
    else:
        action = (
            AuditAction.APPROVAL_APPROVED
            if approval.status == ApprovalStatus.APPROVED
            else AuditAction.APPROVAL_DENIED
        )
        _finalise_side_effects(approval, actor=actor, action=action, before=before)
    return approval


def _expire_if_overdue(approval_id, *, now) -> bool:
    won = Approval.objects.filter(
        pk=approval_id, status=ApprovalStatus.PENDING, expires_at__lte=now
    ).update(
        status=ApprovalStatus.EXPIRED,
        decided_at=now,
        decided_by=None,
        decided_by_label="",
        comment="",
    )
    if won:
        approval = _reload(approval_id)
        before = {**_snapshot(approval), "status": ApprovalStatus.PENDING}
        _finalise_side_effects(
            approval, actor=None, action=AuditAction.APPROVAL_EXPIRED, before=before
        )
    return bool(won)


@transaction.atomic
def approval_expire_if_overdue(*, approval_id) -> bool:
    """Expire one overdue request (schedule and lazy expiry on read). True if this call did it."""
    return _expire_if_overdue(approval_id, now=timezone.now())


@transaction.atomic
def approval_cancel(*, approval: Approval, actor: Actor, reason: str = "") -> Approval:
    """Withdraw a pending request (the agent gave up, or an admin cleans up). People need
    the right to decide it; the system and API keys (scope checked by the API) may."""
    if isinstance(actor, get_user_model()) and not can_decide(user=actor, approval=approval):
        raise PermissionDenied("You may not cancel this request.")
    now = timezone.now()
    won = Approval.objects.filter(pk=approval.pk, status=ApprovalStatus.PENDING).update(
        status=ApprovalStatus.CANCELLED,
        decided_at=now,
        decided_by_label=actor_label(actor)[:200],
        comment=(reason or "")[:MAX_COMMENT_LENGTH],
    )
    if not won:
        raise ApprovalAlreadyFinal(_reload(approval.pk))
    approval = _reload(approval.pk)
    _finalise_side_effects(
        approval,
        actor=actor,
        action=AuditAction.APPROVAL_CANCELLED,
        before={**_snapshot(approval), "status": "pending"},
    )
    return approval


@transaction.atomic
def approval_escalate(*, approval_id) -> bool:
    """Escalate one request still pending past its ``escalate_at``. True if this call did it."""
    now = timezone.now()
    won = Approval.objects.filter(
        pk=approval_id,
        status=ApprovalStatus.PENDING,
        escalate_at__lte=now,
        escalated_at__isnull=True,
        expires_at__gt=now,
    ).update(escalated_at=now)
    if won:
        approval = _reload(approval_id)
        audit_log_write(
            organisation=approval.organisation,
            actor=None,
            action=AuditAction.APPROVAL_ESCALATED,
            obj=approval,
            after={**_snapshot(approval), "escalated_to": approval.escalation_contacts},
        )
        notifications.enqueue(approval_id=approval.pk, event="escalated")
    return bool(won)


@transaction.atomic
def approval_input_reveal(*, approval: Approval, actor) -> Approval:
    """A reviewer chose to see the unmasked input: allowed only to deciders, and audited."""
    if not can_decide(user=actor, approval=approval):
        raise PermissionDenied("You may not see this request.")
    audit_log_write(
        organisation=approval.organisation,
        actor=actor,
        action=AuditAction.APPROVAL_INPUT_REVEALED,
        obj=approval,
        after={"trace_id": str(approval.trace_id), "tool": approval.tool},
    )
    return approval
