from django.urls import include, path

from . import views

app_name = "compliance"

urlpatterns = [
    path(
        "reports/",
        include(
            [
                path("<str:report_id>/", views.report_page, name="report-page"),
                path("<str:report_id>/pdf", views.report_pdf, name="report-pdf"),
                path("<str:report_id>/json", views.report_json, name="report-json"),
            ]
        ),
    ),
]
