"""Reports over the API, as HTML and PDF, and in the admin — and nobody else's."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from compliance.models import Framework, Report, ReportStatus
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(org, agent, generate):
    return generate(org, "eu_ai_act")


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_api_returns_the_report_with_its_content(org, report, api_client_for):
    client = api_client_for(org, scopes=["read"])
    response = client.get(f"/api/v1/reports/{report.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "done" and body["framework"] == "eu_ai_act"
    assert body["content_hash"] == report.content_hash
    assert body["content"]["summary"] == report.content["summary"]
    listing = client.get("/api/v1/reports").json()["reports"]
    assert [r["id"] for r in listing] == [report.pk] and "content" not in listing[0]


def test_api_tenancy_and_scopes(org, other_org, report, api_client_for):
    assert (
        api_client_for(other_org, scopes=["read"]).get(f"/api/v1/reports/{report.pk}").status_code
        == 404
    )
    assert api_client_for(other_org, scopes=["read"]).get("/api/v1/reports").json()["reports"] == []
    assert (
        api_client_for(org, scopes=["check"]).get(f"/api/v1/reports/{report.pk}").status_code == 403
    )
    response = api_client_for(org, scopes=["read"]).get("/api/v1/reports/not-a-number")
    assert response.status_code == 404 and "errors" in response.json()
    from rest_framework.test import APIClient

    assert APIClient().get(f"/api/v1/reports/{report.pk}").status_code == 401


def test_html_page_and_pdf_for_the_compliance_officer(report, compliance_officer):
    client = login(compliance_officer)
    page = client.get(f"/reports/{report.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Appendix A Ledger verification proof" in html and report.content_hash in html
    assert f"/reports/{report.pk}/pdf" in html
    pdf = client.get(f"/reports/{report.pk}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["X-Content-SHA256"] == report.content_hash
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Art. 14" in text and "Human oversight" in text and "Ledger verification proof" in text


def test_the_pages_json_link_downloads_the_report_for_a_signed_in_member(
    report, compliance_officer
):
    # The page's and the admin list's "JSON" link used to be /api/v1/reports/<id>, which wants
    # an API key: a signed-in compliance officer following it got a 401.
    client = login(compliance_officer)
    html = client.get(f"/reports/{report.pk}/").content.decode()
    listing = client.get("/admin/compliance/report/").content.decode()
    assert f'href="/reports/{report.pk}/json"' in html
    assert f'href="/reports/{report.pk}/json"' in listing
    assert f"/api/v1/reports/{report.pk}" not in html + listing
    response = client.get(f"/reports/{report.pk}/json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    body = response.json()
    assert body["content_hash"] == report.content_hash == response["X-Content-SHA256"]
    assert body["content"]["summary"] == report.content["summary"]


def test_the_admin_list_counts_one_gap_as_a_gap(report, compliance_officer):
    """The result column read "1 supported · 17 partial · 1 gaps · 3 not tested"."""
    summary = {"supports": 1, "partial": 17, "gap": 1, "not_tested": 3}
    Report.objects.filter(pk=report.pk).update(content={**report.content, "summary": summary})
    listing = login(compliance_officer).get("/admin/compliance/report/").content.decode()
    assert "1 supported · 17 partial · 1 gap · 3 not tested" in listing and "1 gaps" not in listing
    summary["gap"] = 2
    Report.objects.filter(pk=report.pk).update(content={**report.content, "summary": summary})
    listing = login(compliance_officer).get("/admin/compliance/report/").content.decode()
    assert "17 partial · 2 gaps · 3 not tested" in listing


@pytest.mark.parametrize("who", ["outsider", "reviewer", "developer"])
def test_html_and_pdf_are_hidden_from_others(request, report, who):
    client = login(request.getfixturevalue(who))
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    assert client.get(f"/reports/{report.pk}/pdf").status_code == 404
    assert client.get(f"/reports/{report.pk}/json").status_code == 404


def test_anonymous_is_sent_to_login(report):
    response = Client().get(f"/reports/{report.pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_pending_report_page_shows_progress(org, compliance_officer, period):
    pending = Report.objects.create(
        organisation=org,
        framework=Framework.objects.get(code="soc2"),
        period_start=period[0],
        period_end=period[1],
        status=ReportStatus.RUNNING,
        progress=40,
        progress_note="Evidence: access.roles",
    )
    client = login(compliance_officer)
    page = client.get(f"/reports/{pending.pk}/")
    assert page.status_code == 200 and b"40%" in page.content and b"access.roles" in page.content
    assert client.get(f"/reports/{pending.pk}/pdf").status_code == 404
    assert client.get(f"/reports/{pending.pk}/json").status_code == 404


def test_admin_pages(report, compliance_officer, outsider):
    client = login(compliance_officer)
    for url in (
        "/admin/compliance/framework/",
        f"/admin/compliance/framework/{Framework.objects.get(code='iso27001').pk}/change/",
        "/admin/compliance/control/?framework__id__exact=1",
        "/admin/compliance/report/",
        f"/admin/compliance/report/{report.pk}/change/",
        "/admin/compliance/report/add/",
        "/admin/compliance/controlmapping/add/",
        "/admin/compliance/reportschedule/add/",
    ):
        assert client.get(url).status_code == 200, url
    listing = client.get("/admin/compliance/report/").content.decode()
    assert f"/reports/{report.pk}/pdf" in listing and "supported" in listing
    other = login(outsider)
    assert f"/reports/{report.pk}/" not in other.get("/admin/compliance/report/").content.decode()
    assert other.get(f"/admin/compliance/report/{report.pk}/change/").status_code in (302, 404)


def test_admin_generate_report_form_and_action(
    org, compliance_officer, django_capture_on_commit_callbacks
):
    client = login(compliance_officer)
    framework = Framework.objects.get(code="gdpr")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/compliance/report/add/",
            {
                "organisation": org.pk,
                "framework": framework.pk,
                "period_start_0": "2025-01-01",
                "period_start_1": "00:00:00",
                "period_end_0": "2025-02-01",
                "period_end_1": "00:00:00",
            },
        )
    assert response.status_code == 302, response.content[:2000]
    # One message, on the list where the progress shows (was two: ours and Django's "added").
    assert response["Location"] == "/admin/compliance/report/"
    shown = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert len(shown) == 1 and shown[0].startswith("Report queued: GDPR"), shown
    report = Report.objects.get(framework=framework)
    assert report.status == ReportStatus.DONE and report.requested_by == compliance_officer

    bad = client.post(
        "/admin/compliance/report/add/",
        {
            "organisation": org.pk,
            "framework": framework.pk,
            "period_start_0": "2025-02-01",
            "period_start_1": "00:00:00",
            "period_end_0": "2025-01-01",
            "period_end_1": "00:00:00",
        },
    )
    assert bad.status_code == 200 and b"must end after it starts" in bad.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/compliance/framework/",
            {
                "action": "generate_last_month",
                "_selected_action": [Framework.objects.get(code="soc2").pk],
            },
            follow=True,
        )
    assert b"Queued 1 report" in response.content
    assert Report.objects.filter(
        framework__code="soc2", organisation=org, status=ReportStatus.DONE
    ).exists()


def test_admin_override_form_goes_through_the_service(org, compliance_officer):
    from compliance.models import Control, ControlMapping
    from governance.models import AuditLog

    client = login(compliance_officer)
    control = Control.objects.get(framework__code="soc2", control_id="CC7.2")
    response = client.post(
        "/admin/compliance/controlmapping/add/",
        {
            "organisation": org.pk,
            "control": control.pk,
            "rule_id": "ledger.integrity",
            "action": "remove",
            "role": "primary",
            "note": "SIEM",
        },
    )
    assert response.status_code == 302
    assert ControlMapping.objects.get(control=control).note == "SIEM"
    assert AuditLog.objects.filter(
        action="compliance.mapping_override_set", actor_user=compliance_officer
    ).exists()
    bad = client.post(
        "/admin/compliance/controlmapping/add/",
        {
            "organisation": org.pk,
            "control": control.pk,
            "rule_id": "access.roles",
            "action": "remove",
            "role": "primary",
        },
    )
    assert bad.status_code == 200 and b"does not map to CC7.2 by default" in bad.content


def test_the_report_form_offers_a_period_the_organisation_existed_in(org, compliance_officer):
    """A new organisation's first report: last month (the default) is before it existed and
    would hold none of its calls, so the form offers this month so far; an organisation older
    than last month keeps last month."""
    import datetime as dt

    from compliance.services import previous_month

    client = login(compliance_officer)
    this_month = previous_month(timezone.now())[1]
    form = client.get("/admin/compliance/report/add/").context["adminform"].form
    assert form.initial["period_start"] == this_month
    assert form.initial["period_end"] > timezone.now()
    assert form.initial["period_end"] - timezone.now() <= dt.timedelta(minutes=1)

    org.created_at = this_month - dt.timedelta(days=90)
    org.save(update_fields=["created_at"])
    form = client.get("/admin/compliance/report/add/").context["adminform"].form
    assert (form.initial["period_start"], form.initial["period_end"]) == previous_month(
        timezone.now()
    )


def test_a_refused_report_request_reads_as_a_sentence(org, compliance_officer):
    """ "<framework>: <why>" began with the object's name; the message is a sentence now."""
    framework = Framework.objects.get(code="gdpr")
    client = login(compliance_officer)
    Framework.objects.filter(pk=framework.pk).update(is_active=False)
    response = client.post(
        "/admin/compliance/framework/",
        {"action": "generate_last_month", "_selected_action": [framework.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "Could not queue the GDPR report: This framework is no longer in the catalog." in text
    assert not Report.objects.exists()
