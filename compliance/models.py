"""Frameworks and controls (synced from the catalog files), the officer's mapping overrides,
and immutable reports.

Catalog rows are copies of ``compliance/catalogs/*.yaml`` made by ``catalog_sync`` (the
``load_catalogs`` command and every ``migrate``); the files stay the source of truth. The
mapping rules themselves are not copied: they are read from ``compliance/mappings`` at
generation time, and only an organisation's overrides live in the database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from governance.models import Organisation


class Framework(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    version = models.CharField(max_length=100)
    publisher = models.CharField(max_length=200)
    source_citation = models.TextField()
    source_url = models.URLField(max_length=500, blank=True)
    id_format = models.CharField(max_length=200, blank=True)
    title_note = models.TextField(blank=True)
    is_active = models.BooleanField(
        default=True, help_text="False once its catalog file is removed."
    )
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Control(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="controls")
    control_id = models.CharField(
        max_length=60, help_text="Official identifier, e.g. CC6.1 or 164.312(b)."
    )
    title = models.CharField(max_length=300)
    section = models.CharField(max_length=40)
    section_title = models.CharField(max_length=300)
    order = models.PositiveIntegerField(default=0)
    attributes = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(
        default=True, help_text="False once removed from the catalog file."
    )

    class Meta:
        ordering = ["framework__name", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "control_id"], name="control_unique_id_per_framework"
            )
        ]

    def __str__(self) -> str:
        return f"{self.control_id} {self.title}"


class OverrideAction(models.TextChoices):
    ADD = "add", "Add: this evidence also speaks to the control"
    REMOVE = "remove", "Remove: this evidence does not apply to the control here"


class MappingRole(models.TextChoices):
    PRIMARY = "primary", "Primary (can carry the control when it holds for the period)"
    SUPPORTING = "supporting", "Supporting (contributes; the control is at best partial)"


class ControlMapping(models.Model):
    """An organisation's override of the default mapping: add or remove one rule on one control.

    Changed only through ``mapping_override_set`` / ``mapping_override_clear`` (audited)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="control_mappings"
    )
    control = models.ForeignKey(Control, on_delete=models.CASCADE, related_name="mappings")
    rule_id = models.CharField(max_length=100, help_text="A rule id from compliance/mappings.")
    action = models.CharField(max_length=8, choices=OverrideAction.choices)
    role = models.CharField(max_length=12, choices=MappingRole.choices, default=MappingRole.PRIMARY)
    note = models.TextField(blank=True, help_text="Why — shown under the control in reports.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["control__framework__name", "control__order", "rule_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "control", "rule_id"], name="control_mapping_unique_rule"
            )
        ]
        verbose_name = "control mapping override"

    def __str__(self) -> str:
        return (
            f"{self.get_action_display().split(':')[0]} {self.rule_id} on {self.control.control_id}"
        )


class ReportStatus(models.TextChoices):
    PENDING = "pending", "Queued"
    RUNNING = "running", "Generating"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class Report(models.Model):
    """A generated report. Its content is written once, with its SHA-256, and never changed.

    ``status``/``progress``/``error`` follow the generation task; they are updated with
    conditional UPDATEs so that several workers cannot both generate one report."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="reports")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="reports")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    scheduled = models.BooleanField(default=False, help_text="Requested by the monthly schedule.")
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    progress_note = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    content = models.JSONField(null=True, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-requested_at"], name="report_org_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="report_period_ordered",
            )
        ]

    def __str__(self) -> str:
        # No status here: audit rows keep this text, and a status in it would go stale.
        return f"{self.framework} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"

    @property
    def is_done(self) -> bool:
        return self.status == ReportStatus.DONE


class ReportSchedule(models.Model):
    """Monthly reports for an organisation: which frameworks, and the last month covered."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="report_schedule"
    )
    frameworks = models.ManyToManyField(Framework, related_name="+")
    enabled = models.BooleanField(default=True)
    last_period_start = models.DateTimeField(
        null=True, blank=True, help_text="Start of the last month requested."
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"monthly reports for {self.organisation}"
