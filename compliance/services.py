"""Writes of the compliance app: catalog sync, mapping overrides, report requests and generation,
monthly schedules. Every change by a person writes an AuditLog row in the same transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

from governance.audit import AuditAction
from governance.models import Organisation
from governance.services import Actor, audit_log_write, require_capability

from .catalog import ROLES, Catalog, default_catalog
from .content import content_hash as compute_content_hash
from .generation import build_report_content
from .models import (
    Control,
    ControlMapping,
    Framework,
    OverrideAction,
    Report,
    ReportSchedule,
    ReportStatus,
)

logger = logging.getLogger(__name__)

MAX_PERIOD_DAYS = 400


# --- catalogs ------------------------------------------------------------------------------------


def sync_catalogs_after_migrate(sender, app_config=None, using="default", plan=None, **kwargs):
    """Keep Framework/Control rows in step with the catalog files on every migrate
    (connected in ComplianceConfig.ready() for the compliance app's own post_migrate)."""
    tables = connections[using].introspection.table_names()
    if Framework._meta.db_table not in tables or Control._meta.db_table not in tables:
        return  # migrating backwards past our tables
    catalog_sync(using=using)
    if "django_q_schedule" in tables:
        ensure_schedule_task()


def catalog_sync(*, catalog: Catalog | None = None, using: str = "default") -> dict[str, int]:
    """Copy the catalog files into Framework/Control rows. Idempotent; never deletes a row
    (reports and overrides refer to them): controls or frameworks gone from the files are
    marked inactive instead. Returns counts."""
    catalog = catalog or default_catalog()
    now = timezone.now()
    created = updated = deactivated = 0
    with transaction.atomic(using=using):
        seen_frameworks = []
        for fw in catalog.frameworks.values():
            defaults = {
                "name": fw.name,
                "title": fw.title,
                "version": fw.version,
                "publisher": fw.publisher,
                "source_citation": fw.source_citation,
                "source_url": fw.source_url,
                "id_format": fw.id_format,
                "title_note": fw.title_note,
                "is_active": True,
                "synced_at": now,
            }
            framework, _ = Framework.objects.using(using).update_or_create(
                code=fw.code, defaults=defaults
            )
            seen_frameworks.append(framework.pk)
            existing = {
                c.control_id: c for c in Control.objects.using(using).filter(framework=framework)
            }
            to_create, to_update = [], []
            for control in fw.controls:
                values = {
                    "title": control.title,
                    "section": control.section,
                    "section_title": fw.sections_by_id[control.section].title,
                    "order": control.order,
                    "attributes": dict(control.attributes),
                    "is_active": True,
                }
                row = existing.pop(control.id, None)
                if row is None:
                    to_create.append(Control(framework=framework, control_id=control.id, **values))
                elif any(getattr(row, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(row, k, v)
                    to_update.append(row)
            Control.objects.using(using).bulk_create(to_create)
            if to_update:
                Control.objects.using(using).bulk_update(to_update, list(values))
            gone = [c.pk for c in existing.values() if c.is_active]
            if gone:
                Control.objects.using(using).filter(pk__in=gone).update(is_active=False)
            created, updated, deactivated = (
                created + len(to_create),
                updated + len(to_update),
                deactivated + len(gone),
            )
        Framework.objects.using(using).exclude(pk__in=seen_frameworks).update(is_active=False)
    return {
        "frameworks": len(seen_frameworks),
        "created": created,
        "updated": updated,
        "deactivated": deactivated,
    }


# --- mapping overrides ---------------------------------------------------------------------------


def _override_snapshot(mapping: ControlMapping | None) -> dict | None:
    if mapping is None:
        return None
    return {
        "framework": mapping.control.framework.code,
        "control": mapping.control.control_id,
        "rule": mapping.rule_id,
        "action": mapping.action,
        "role": mapping.role,
        "note": mapping.note,
    }


@transaction.atomic
def mapping_override_set(
    *,
    organisation: Organisation,
    actor: Actor,
    control: Control,
    rule_id: str,
    action: str,
    role: str = "primary",
    note: str = "",
) -> ControlMapping:
    """Add a rule to a control, or remove a default rule from it, for one organisation."""
    require_capability(actor=actor, organisation=organisation, capability="reports.manage")
    catalog = default_catalog()
    rule = catalog.rules_by_id.get(rule_id)
    if rule is None:
        raise ValidationError({"rule_id": f"Unknown rule {rule_id!r}."})
    if action not in OverrideAction.values:
        raise ValidationError({"action": f"Choose one of {', '.join(OverrideAction.values)}."})
    if role not in ROLES:
        raise ValidationError({"role": f"Choose one of {', '.join(ROLES)}."})
    if not control.is_active:
        raise ValidationError({"control": "This control is no longer in the catalog."})
    default_links = {
        link.rule.id
        for link in catalog.links_for_control(control.framework.code, control.control_id)
    }
    if action == OverrideAction.REMOVE and rule_id not in default_links:
        raise ValidationError(
            {"rule_id": f"{rule_id} does not map to {control.control_id} by default."}
        )
    if action == OverrideAction.ADD and rule_id in default_links:
        raise ValidationError({"rule_id": f"{rule_id} already maps to {control.control_id}."})
    existing = (
        ControlMapping.objects.select_for_update()
        .filter(organisation=organisation, control=control, rule_id=rule_id)
        .first()
    )
    before = _override_snapshot(existing)
    mapping = existing or ControlMapping(
        organisation=organisation, control=control, rule_id=rule_id
    )
    mapping.action, mapping.role, mapping.note = action, role, (note or "").strip()
    mapping.created_by = actor if hasattr(actor, "get_username") else None
    mapping.created_at = timezone.now()
    mapping.save()
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.COMPLIANCE_MAPPING_OVERRIDE_SET,
        obj=mapping,
        before=before,
        after=_override_snapshot(mapping),
    )
    return mapping


@transaction.atomic
def mapping_override_clear(*, mapping: ControlMapping, actor: Actor) -> None:
    require_capability(actor=actor, organisation=mapping.organisation, capability="reports.manage")
    before = _override_snapshot(mapping)
    audit_log_write(
        organisation=mapping.organisation,
        actor=actor,
        action=AuditAction.COMPLIANCE_MAPPING_OVERRIDE_CLEARED,
        obj=mapping,
        before=before,
    )
    mapping.delete()


# --- reports -------------------------------------------------------------------------------------


def _aware(value: datetime, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise ValidationError({field: "Give a date and time (ISO 8601)."})
    return (
        value
        if timezone.is_aware(value)
        else timezone.make_aware(value, timezone.get_default_timezone())
    )


@transaction.atomic
def report_request(
    *,
    organisation: Organisation,
    framework: Framework,
    period_start: datetime,
    period_end: datetime,
    actor: Actor,
    scheduled: bool = False,
    enqueue: bool = True,
) -> Report:
    """Queue a report; the generation task starts once this transaction commits (unless
    ``enqueue`` is False: the caller generates it, as the generate_report command does)."""
    require_capability(actor=actor, organisation=organisation, capability="reports.manage")
    period_start, period_end = (
        _aware(period_start, "period_start"),
        _aware(period_end, "period_end"),
    )
    if period_end <= period_start:
        raise ValidationError({"period_end": "The period must end after it starts."})
    if period_end - period_start > timedelta(days=MAX_PERIOD_DAYS):
        raise ValidationError({"period_end": f"A report covers at most {MAX_PERIOD_DAYS} days."})
    if period_start > timezone.now():
        raise ValidationError({"period_start": "The period cannot start in the future."})
    if not framework.is_active:
        raise ValidationError({"framework": "This framework is no longer in the catalog."})
    report = Report.objects.create(
        organisation=organisation,
        framework=framework,
        period_start=period_start,
        period_end=period_end,
        requested_by=actor if hasattr(actor, "get_username") else None,
        scheduled=scheduled,
    )
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.COMPLIANCE_REPORT_REQUESTED,
        obj=report,
        after={
            "framework": framework.code,
            "period_start": period_start.isoformat(),
            "period_end": period_end.isoformat(),
            "scheduled": scheduled,
        },
    )
    if enqueue:
        transaction.on_commit(lambda: report_enqueue(report_id=report.pk))
    return report


def report_enqueue(*, report_id: int) -> None:
    async_task(
        "compliance.tasks.report_generate_task",
        report_id,
        task_name=f"compliance-report-{report_id}",
        group="compliance-reports",
    )


def report_progress(*, report: Report, percent: int, note: str) -> None:
    """Record progress outside any transaction so that other processes see it at once."""
    Report.objects.filter(pk=report.pk, status=ReportStatus.RUNNING).update(
        progress=max(0, min(100, percent)), progress_note=note[:200]
    )


def _claim(report: Report) -> bool:
    """Move a queued (or failed, on retry) report to running; False if someone else has it."""
    claimed = Report.objects.filter(
        pk=report.pk, status__in=[ReportStatus.PENDING, ReportStatus.FAILED], content__isnull=True
    ).update(
        status=ReportStatus.RUNNING,
        progress=0,
        progress_note="Starting",
        started_at=timezone.now(),
        attempts=report.attempts + 1,
        error="",
    )
    return claimed == 1


def report_generate(
    *,
    report: Report,
    now: datetime | None = None,
    on_progress: Callable[[int, str], None] | None = None,
) -> Report:
    """Collect the evidence, assess every control, store the content and its hash.

    Runs outside a transaction so progress is visible while it works; the final write is
    atomic and conditional, so content is written exactly once."""
    report = Report.objects.select_related("organisation", "framework", "requested_by").get(
        pk=report.pk
    )
    if report.status == ReportStatus.DONE:
        return report
    if not _claim(report):
        raise RuntimeError(f"report {report.pk} is already being generated")
    report.refresh_from_db()
    try:
        content = build_report_content(
            report=report,
            progress=lambda percent, note: report_progress(
                report=report, percent=percent, note=note
            ),
            now=now,
        )
        digest = compute_content_hash(content)
        with transaction.atomic():
            stored = Report.objects.filter(
                pk=report.pk, status=ReportStatus.RUNNING, content__isnull=True
            ).update(
                status=ReportStatus.DONE,
                progress=100,
                progress_note="Done",
                content=content,
                content_hash=digest,
                generated_at=timezone.now(),
            )
            if stored != 1:
                raise RuntimeError(f"report {report.pk} changed state while it was generated")
            audit_log_write(
                organisation=report.organisation,
                actor=None,
                action=AuditAction.COMPLIANCE_REPORT_GENERATED,
                obj=report,
                after={
                    "framework": report.framework.code,
                    "content_hash": digest,
                    "summary": content["summary"],
                },
            )
    except Exception as exc:
        report_mark_failed(report=report, error=exc)
        raise
    report.refresh_from_db()
    return report


@transaction.atomic
def report_mark_failed(*, report: Report, error: BaseException | str) -> None:
    message = error if isinstance(error, str) else f"{error.__class__.__name__}: {error}"
    updated = (
        Report.objects.filter(pk=report.pk)
        .exclude(status=ReportStatus.DONE)
        .update(status=ReportStatus.FAILED, error=message[:2000], progress_note="Failed")
    )
    if updated:
        audit_log_write(
            organisation=report.organisation,
            actor=None,
            action=AuditAction.COMPLIANCE_REPORT_FAILED,
            obj=report,
            after={"error": message[:500]},
        )
    logger.warning("compliance report %s failed: %s", report.pk, message)


# --- monthly schedule ----------------------------------------------------------------------------


@transaction.atomic
def report_schedule_set(
    *, organisation: Organisation, actor: Actor, frameworks: list[Framework], enabled: bool = True
) -> ReportSchedule:
    require_capability(actor=actor, organisation=organisation, capability="reports.manage")
    schedule, _ = ReportSchedule.objects.select_for_update().get_or_create(
        organisation=organisation
    )
    before = {
        "enabled": schedule.enabled,
        "frameworks": sorted(f.code for f in schedule.frameworks.all()),
    }
    schedule.enabled = enabled
    schedule.updated_at = timezone.now()
    schedule.save()
    schedule.frameworks.set(frameworks)
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.COMPLIANCE_SCHEDULE_SET,
        obj=schedule,
        before=before,
        after={"enabled": enabled, "frameworks": sorted(f.code for f in frameworks)},
    )
    return schedule


def previous_month(now: datetime) -> tuple[datetime, datetime]:
    """[first day of last month, first day of this month) in the current time zone."""
    local = timezone.localtime(now)
    this_month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last_day_prev = this_month - timedelta(days=1)
    return last_day_prev.replace(day=1), this_month


def reports_schedule_tick(*, now: datetime | None = None) -> list[Report]:
    """Request last month's reports for every enabled schedule not yet served. Safe with several
    workers: each schedule is claimed by a conditional UPDATE on its last period."""
    now = now or timezone.now()
    start, end = previous_month(now)
    requested: list[Report] = []
    due = ReportSchedule.objects.filter(enabled=True).filter(
        Q(last_period_start__isnull=True) | Q(last_period_start__lt=start)
    )
    for schedule in due.select_related("organisation"):
        with transaction.atomic():
            claimed = (
                ReportSchedule.objects.filter(pk=schedule.pk)
                .filter(Q(last_period_start__isnull=True) | Q(last_period_start__lt=start))
                .update(last_period_start=start)
            )
            if not claimed:
                continue
            for framework in schedule.frameworks.filter(is_active=True):
                requested.append(
                    report_request(
                        organisation=schedule.organisation,
                        framework=framework,
                        period_start=start,
                        period_end=end,
                        actor=None,
                        scheduled=True,
                    )
                )
    return requested


def ensure_schedule_task() -> Any:
    """The one django-q schedule that runs reports_schedule_tick hourly (idempotent)."""
    schedule, _ = Schedule.objects.get_or_create(
        name="compliance-monthly-reports",
        defaults={
            "func": "compliance.tasks.reports_schedule_tick_task",
            "schedule_type": Schedule.HOURLY,
        },
    )
    return schedule
