"""Approval requests: a paused agent action waiting for people to decide.

An ``Approval`` changes state only through ``approvals.services`` and only by conditional
UPDATEs (``filter(status=PENDING, ...).update(...)``), so concurrent reviewers, the expiry
schedule and lazy expiry on read can race without ever producing two final states.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from governance.roles import Role


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


FINAL_STATUSES = frozenset(
    {
        ApprovalStatus.APPROVED,
        ApprovalStatus.DENIED,
        ApprovalStatus.EXPIRED,
        ApprovalStatus.CANCELLED,
    }
)


class OnTimeout(models.TextChoices):
    """What the agent should do when nobody decides in time (the status is ``expired`` either way)."""

    DENY = "deny", "Deny (do not run the tool)"
    ALLOW = "allow", "Allow (run the tool)"


class Verdict(models.TextChoices):
    APPROVE = "approve", "Approve"
    DENY = "deny", "Deny"


class Approval(models.Model):
    # A UUID, not a sequence: agents poll by id, and ids must not be guessable or countable.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="approvals"
    )
    trace_id = models.UUIDField(db_index=True)
    agent = models.ForeignKey(
        "governance.Agent", on_delete=models.CASCADE, related_name="approvals"
    )
    tool = models.CharField(max_length=200)
    input = models.JSONField(
        default=dict, blank=True, help_text="The tool input as the agent sent it."
    )

    # The policy that paused the call. The snapshot keeps the history readable after the
    # policy is changed or deleted.
    policy = models.ForeignKey(
        "policies.Policy",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approvals",
    )
    policy_name = models.CharField("policy name (when requested)", max_length=200, blank=True)
    policy_type = models.CharField(max_length=40, blank=True)
    reason = models.TextField(blank=True)

    status = models.CharField(
        max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING, db_index=True
    )
    requested_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    on_timeout = models.CharField(max_length=8, choices=OnTimeout.choices, default=OnTimeout.DENY)
    required_role = models.CharField(max_length=32, choices=Role.choices, default=Role.REVIEWER)
    approvers_required = models.PositiveSmallIntegerField(default=1)
    # Distinct approvals so far; incremented by a conditional UPDATE that also serialises
    # concurrent approvers on the row.
    approvals_count = models.PositiveSmallIntegerField(default=0)

    escalate_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_contacts = models.JSONField(default=list, blank=True)

    # The final decision (for approvals: the approval that reached the required count).
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_label = models.CharField("decided by (as recorded)", max_length=200, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [
            models.Index(
                fields=["organisation", "status", "-requested_at"], name="approval_org_status_time"
            ),
            models.Index(fields=["status", "expires_at"], name="approval_status_expiry"),
            models.Index(fields=["status", "escalate_at"], name="approval_status_escalate"),
            # The long-poll watcher asks "decided since …" every tick.
            models.Index(fields=["decided_at"], name="approval_decided_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approvers_required__gte=1),
                name="approval_approvers_required_positive",
            ),
        ]

    def __str__(self) -> str:
        # The agent's name, not its id: audit rows keep this text ("files.delete by 3" read as
        # a person or a count).
        return f"{self.tool} by {self.agent.name} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == ApprovalStatus.PENDING

    @property
    def is_overdue(self) -> bool:
        return self.is_pending and self.expires_at <= timezone.now()

    def seconds_left(self, now=None) -> int:
        now = now or timezone.now()
        return max(0, int((self.expires_at - now).total_seconds()))


class ApprovalDecision(models.Model):
    """One person's verdict on a request. A person decides a request at most once."""

    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="decisions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_label = models.CharField(max_length=200)
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["approval", "user"], name="approval_decision_once_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_label} {self.verdict}"


class WebhookDelivery(models.Model):
    """One notification to the organisation's webhook, retried with backoff until it lands."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    organisation = models.ForeignKey(
        "governance.Organisation",
        on_delete=models.CASCADE,
        related_name="approval_webhook_deliveries",
    )
    approval = models.ForeignKey(
        Approval, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.CharField(max_length=32)
    url = models.URLField()
    payload = models.JSONField()
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} → {self.url} ({self.status})"
