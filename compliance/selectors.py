"""Reads shared by the API, the HTML views, the admin and the tasks. Tenancy is applied here."""

from __future__ import annotations

from django.db.models import CharField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast

from governance.audit import AuditAction
from governance.models import AuditLog, Organisation
from governance.selectors import organisations_for

from .models import Control, Framework, Report


def reports_for_organisation(*, organisation: Organisation) -> QuerySet[Report]:
    return Report.objects.filter(organisation=organisation).select_related(
        "framework", "requested_by"
    )


def report_requester_label() -> Subquery:
    """For ``Report.objects.annotate``: who the audit log says requested the report (its
    "Report requested" entry's actor: an API key by name, "system" for the command line, a
    member's pseudonym after their erasure), of the report's own organisation."""
    return Subquery(
        AuditLog.objects.filter(
            organisation=OuterRef("organisation"),
            object_type="compliance.report",
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
            action=AuditAction.COMPLIANCE_REPORT_REQUESTED,
        )
        .order_by("id")
        .values("actor_label")[:1]
    )


def report_get(*, organisation: Organisation, report_id) -> Report | None:
    """The report if it belongs to the organisation, else None (callers answer 404)."""
    try:
        pk = int(report_id)
    except (TypeError, ValueError):
        return None
    return reports_for_organisation(organisation=organisation).filter(pk=pk).first()


def report_for_user(*, user, report_id) -> Report | None:
    """A report of any organisation the user may read reports of."""
    try:
        pk = int(report_id)
    except (TypeError, ValueError):
        return None
    orgs = organisations_for(user=user, capability="reports.manage")
    if getattr(user, "is_superuser", False):
        orgs = Organisation.objects.all()
    return (
        Report.objects.select_related("framework", "organisation")
        .filter(pk=pk, organisation__in=orgs)
        .first()
    )


def frameworks_active() -> QuerySet[Framework]:
    return Framework.objects.filter(is_active=True)


def control_get(*, framework_code: str, control_id: str) -> Control | None:
    return (
        Control.objects.select_related("framework")
        .filter(framework__code=framework_code, control_id=control_id)
        .first()
    )
