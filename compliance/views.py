"""The report as an HTML page, a PDF download and a JSON download, for logged-in members who
may manage reports in the report's organisation (anyone else gets 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from .apis import ReportDetailApi
from .models import ReportStatus
from .presentation import report_view_model
from .render_pdf import render_pdf
from .selectors import report_for_user


def _done_report(request, report_id: str):
    report = report_for_user(user=request.user, report_id=report_id)
    if report is None:
        raise Http404("No such report in your organisations.")
    return report


@login_required
@require_GET
def report_page(request, report_id: str):
    report = _done_report(request, report_id)
    if report.status != ReportStatus.DONE:
        return render(request, "compliance/report_pending.html", {"report": report}, status=200)
    context = report_view_model(report.content, content_hash=report.content_hash)
    context.update(
        report=report,
        pdf_url=reverse("compliance:report-pdf", args=[report.pk]),
        json_url=reverse("compliance:report-json", args=[report.pk]),
    )
    return render(request, "compliance/report.html", context)


@login_required
@require_GET
def report_pdf(request, report_id: str):
    report = _done_report(request, report_id)
    if report.status != ReportStatus.DONE:
        raise Http404("This report has not been generated yet.")
    pdf = render_pdf(report.content, content_hash=report.content_hash)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"execlave-{report.organisation.slug}-{report.framework.code}-{report.period_start:%Y%m%d}-{report.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-SHA256"] = report.content_hash
    return response


@login_required
@require_GET
def report_json(request, report_id: str):
    """The same document as ``GET /api/v1/reports/<id>``, for a signed-in member: the API
    wants an API key, so a browser following the page's "JSON" link got a 401."""
    report = _done_report(request, report_id)
    if report.status != ReportStatus.DONE:
        raise Http404("This report has not been generated yet.")
    response = JsonResponse(
        ReportDetailApi.OutputSerializer(report).data, json_dumps_params={"indent": 2}
    )
    name = f"execlave-{report.organisation.slug}-{report.framework.code}-{report.period_start:%Y%m%d}-{report.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-SHA256"] = report.content_hash
    return response
