"""What the console keeps of its own: the record of each ledger verification it ran.

Verifying re-hashes the whole chain (seconds for a million entries), so the dashboard shows
the latest recorded result and runs a new one as a task when asked ("verify now")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class IntegrityStatus(models.TextChoices):
    RUNNING = "running", "Running"
    INTACT = "intact", "Intact"
    BROKEN = "broken", "Broken"
    FAILED = "failed", "Could not run"


class IntegrityCheck(models.Model):
    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=IntegrityStatus.choices, default=IntegrityStatus.RUNNING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    entries = models.BigIntegerField(default=0)
    head_seq = models.BigIntegerField(default=0)
    # {"seq", "kind", "detail"} of the first break, or the error that stopped the run.
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-requested_at"], name="integrity_org_time")
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} at {self.requested_at:%Y-%m-%d %H:%M}"


# --- the dashboard's hourly rollups -----------------------------------------------------------------
# Summing a million ledger entries on every page view (costs live in JSON text) takes seconds;
# these rows hold the same sums per hour, brought up to date every minute by a task that reads
# only the entries appended since (``RollupCursor``). A page adds the entries appended after the
# cursor, so its numbers are exact whenever it is rendered (see console.rollups).
MONEY = {"max_digits": 24, "decimal_places": 8}


class RollupCursor(models.Model):
    organisation = models.OneToOneField(
        "governance.Organisation", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    seq = models.BigIntegerField(default=0, help_text="Last ledger entry counted in the rollups.")
    retention_seq = models.BigIntegerField(
        default=0, help_text="The retention checkpoint whose removed hours were dropped last."
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"rollups of {self.organisation_id} up to #{self.seq}"


class ActivityRollup(models.Model):
    """Per organisation, hour, agent and decision: calls opened, spend and ungoverned calls
    reported by completions, the latest time seen."""

    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    hour = models.DateTimeField()
    agent_name = models.CharField(max_length=120, blank=True)
    decision = models.CharField(max_length=24, blank=True)  # allow/warn/block/…/unchecked, "": none
    calls = models.BigIntegerField(default=0)
    spend = models.DecimalField(default=0, **MONEY)
    ungoverned = models.BigIntegerField(default=0)
    last_seen = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "hour", "agent_name", "decision"],
                name="activity_rollup_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}:00 {self.agent_name} {self.decision}: {self.calls}"


class PolicyRollup(models.Model):
    """Per organisation, hour and policy: decisions in which the policy reported a violation."""

    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    hour = models.DateTimeField()
    policy_id = models.BigIntegerField()
    policy_name = models.CharField(max_length=200, blank=True)
    violations = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "hour", "policy_id"], name="policy_rollup_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}:00 policy {self.policy_id}: {self.violations}"
