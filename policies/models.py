"""Policies, and the budget windows and reservations that ``budget_cap`` policies keep.

Writes go through ``policies.services``; nothing here has behaviour beyond display.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from policies.types import Mode, Phase, PolicyType

MONEY = {"max_digits": 20, "decimal_places": 8}


class Policy(models.Model):
    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="policies"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    type = models.CharField(max_length=32, choices=PolicyType.choices)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.BLOCK)
    agents = models.ManyToManyField(
        "governance.Agent",
        blank=True,
        related_name="policies",
        help_text="The agents this policy applies to; none selected means every agent.",
    )
    tool_patterns = models.JSONField(
        default=list,
        blank=True,
        help_text='Tool name patterns such as "database.*", "*.delete", "email.send"; empty = every tool.',
    )
    phase = models.CharField(max_length=8, choices=Phase.choices, default=Phase.INPUT)
    threshold = models.JSONField(default=dict, blank=True, help_text="The type's configuration.")
    enabled = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name_plural = "policies"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="policy_unique_name_per_org"
            )
        ]
        indexes = [models.Index(fields=["organisation", "enabled"], name="policy_org_enabled")]

    def __str__(self) -> str:
        return self.name


class BudgetWindow(models.Model):
    """Spend of one ``budget_cap`` policy, for one scope (organisation or agent), in one period.

    The row is what concurrent checks lock (``SELECT ... FOR UPDATE``) so that together they
    can never reserve more than the cap.
    """

    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="budget_windows"
    )
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="budget_windows")
    scope_key = models.CharField(max_length=200)  # "organisation" or "agent:<name>"
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    cap = models.DecimalField(**MONEY)  # the cap when the window opened, for reports
    reserved = models.DecimalField(default=0, **MONEY)  # estimates not yet reconciled
    spent = models.DecimalField(default=0, **MONEY)  # reported costs

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "scope_key", "window_start"], name="budget_window_unique"
            )
        ]
        ordering = ["-window_start"]

    def __str__(self) -> str:
        return f"{self.policy} / {self.scope_key} from {self.window_start:%Y-%m-%d}"

    @property
    def committed(self):
        return self.spent + self.reserved


class ReservationStatus(models.TextChoices):
    RESERVED = "reserved", "Reserved (estimate)"
    RECONCILED = "reconciled", "Reconciled with the reported cost"


class BudgetReservation(models.Model):
    window = models.ForeignKey(BudgetWindow, on_delete=models.CASCADE, related_name="reservations")
    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    trace_id = models.UUIDField(db_index=True)
    agent = models.ForeignKey(
        "governance.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount = models.DecimalField(**MONEY)  # reserved at check time
    actual = models.DecimalField(null=True, blank=True, **MONEY)  # reported with the trace
    status = models.CharField(
        max_length=16, choices=ReservationStatus.choices, default=ReservationStatus.RESERVED
    )
    created_at = models.DateTimeField(default=timezone.now)
    reconciled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["window", "trace_id"], name="budget_reservation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.amount} for {self.trace_id}"


class DryRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class DryRun(models.Model):
    """A dry-run over the ledger run as a task: its progress, then its result (policies.testing).

    Holds the policy definition it replays, never ledger payloads beyond the examples' ids."""

    id = models.UUIDField(primary_key=True, editable=False)
    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    definition = models.JSONField()
    baseline = models.ForeignKey(
        Policy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    days = models.PositiveIntegerField(default=30)
    since = models.DateTimeField(
        null=True, blank=True, help_text="Start of the replayed window, the same for every part."
    )
    status = models.CharField(
        max_length=8, choices=DryRunStatus.choices, default=DryRunStatus.QUEUED
    )
    done = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    # One entry per task: {"from": seq, "to": seq, "done": n, "result": partial result or null}.
    parts = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["organisation", "created_at"], name="dryrun_org_created")]

    def __str__(self) -> str:
        return f"dry-run {self.pk} ({self.status})"
