"""Artefacts of fulfilling data-subject requests: downloadable bundles and sent reminders.
The request itself is ``governance.DataSubjectRequest`` (the compliance reports read it)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from governance.models import DataSubjectRequest

BUNDLE_RETENTION_DAYS = 30


class Bundle(models.Model):
    """The subject's data for an access or portability request: a ZIP holding
    ``manifest.json``, ``data.json`` and ``entries.csv``. Kept for a limited time, downloadable
    by Owners and Admins only; each download is audited."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    filename = models.CharField(max_length=120)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content = models.BinaryField(null=True)  # emptied when the bundle expires
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def available(self) -> bool:
        return self.purged_at is None and timezone.now() < self.expires_at


class Reminder(models.Model):
    """One reminder e-mail sent for a request's due date. Unique, so each of them goes out
    exactly once even with several workers (the insert is the claim)."""

    class Kind(models.TextChoices):
        WEEK = "7d", "7 days before the due date"
        DAY = "1d", "1 day before the due date"
        OVERDUE = "overdue", "on the day it became overdue"

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    due_at = models.DateTimeField(help_text="The due date the reminder was about.")
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind", "due_at"], name="privacy_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for request {self.request_id}"


class IdentifierToken(models.Model):
    """The ledger's identifier index: one row per identifier-like token (an e-mail, an id with a
    digit, the last seven digits of a phone number) per entry, as a 64-bit hash. Filled after
    the fact by ``identifier_index.index_pending`` (never on the append path); a search looks
    its needles up here, then applies the exact rules to the entries found."""

    organisation_id = models.BigIntegerField()
    key = models.BigIntegerField()
    entry_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["organisation_id", "key"], name="privacy_token_lookup")]

    def __str__(self) -> str:
        return f"key {self.key} of entry {self.entry_id}"


class IndexWatermark(models.Model):
    """How far the identifier index has read each organisation's chain."""

    organisation_id = models.BigIntegerField(primary_key=True)
    seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"organisation {self.organisation_id} indexed to #{self.seq}"
