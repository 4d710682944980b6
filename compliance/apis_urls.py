from django.urls import path

from . import apis

urlpatterns = [
    path("reports", apis.ReportListApi.as_view(), name="reports"),
    path("reports/<str:report_id>", apis.ReportDetailApi.as_view(), name="report-detail"),
]
