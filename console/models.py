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
