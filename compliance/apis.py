"""Reports over the API: ``GET /api/v1/reports`` and ``GET /api/v1/reports/<id>`` (scope ``read``)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.permissions import scope_required

from .selectors import report_get, reports_for_organisation

LIST_LIMIT = 100


class ReportSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    framework = serializers.CharField(source="framework.code")
    framework_name = serializers.CharField(source="framework.name")
    period_start = serializers.DateTimeField()
    period_end = serializers.DateTimeField()
    status = serializers.CharField()
    progress = serializers.IntegerField()
    progress_note = serializers.CharField()
    error = serializers.CharField()
    scheduled = serializers.BooleanField()
    requested_at = serializers.DateTimeField()
    generated_at = serializers.DateTimeField(allow_null=True)
    content_hash = serializers.CharField()


class ReportListApi(APIView):
    """The organisation's reports, newest first (without their content)."""

    permission_classes = [scope_required("read")]

    @extend_schema_serializer(component_name="ReportSummary")
    class OutputSerializer(ReportSummarySerializer):
        pass

    # An object with a list, like /agents, /policies and /traces (the answer it always gave;
    # the schema used to say a bare list).
    @extend_schema(
        operation_id="reports_list",
        responses=inline_serializer("ReportList", {"reports": OutputSerializer(many=True)}),
    )
    def get(self, request):
        reports = reports_for_organisation(organisation=request.auth.organisation)[:LIST_LIMIT]
        return Response({"reports": self.OutputSerializer(reports, many=True).data})


class ReportDetailApi(APIView):
    """One report with its content (the JSON document the HTML page and the PDF render).
    ``content`` is null until ``status`` is ``done``; ``content_hash`` is the SHA-256 of its
    canonical JSON, as recorded in the audit log."""

    permission_classes = [scope_required("read")]

    @extend_schema_serializer(component_name="Report")
    class OutputSerializer(ReportSummarySerializer):
        content = serializers.JSONField(allow_null=True)

    @extend_schema(operation_id="reports_retrieve", responses=OutputSerializer)
    def get(self, request, report_id: str):
        report = report_get(organisation=request.auth.organisation, report_id=report_id)
        if report is None:
            raise Http404("No such report in your organisation.")
        return Response(self.OutputSerializer(report).data)
