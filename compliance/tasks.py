"""django-q2 tasks: they take ids, load objects and call services (HackSoft style)."""

from __future__ import annotations

from .models import Report, ReportStatus
from .services import report_generate, reports_schedule_tick


def report_generate_task(report_id: int) -> str:
    """Generate one report. A failure marks the report failed (with the error, audited) and is
    re-raised so that django-q records it and, with a broker, delivers the task again until
    Q_CLUSTER["max_attempts"]; a retry resumes from the failed state."""
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return f"report {report_id} no longer exists"
    if report.status == ReportStatus.DONE:
        return f"report {report_id} already generated"
    report = report_generate(report=report)
    return f"report {report.pk} generated ({report.content_hash[:12]})"


def reports_schedule_tick_task() -> str:
    requested = reports_schedule_tick()
    return f"{len(requested)} monthly reports requested"
