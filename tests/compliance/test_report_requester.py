"""Who requested a report, as the reports list and a report's page say it: a member by e-mail,
the monthly schedule as "Schedule: monthly reports" (session 24's walk read "Requested by -"),
an API key or the command line as the audit log names them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from compliance import services
from compliance.models import Framework
from governance.services import api_key_create

pytestmark = pytest.mark.django_db


def _request(organisation, actor, **kwargs):
    now = timezone.now()
    return services.report_request(
        organisation=organisation,
        framework=Framework.objects.get(code="soc2"),
        period_start=now - timedelta(days=30),
        period_end=now,
        actor=actor,
        enqueue=False,
        **kwargs,
    )


def test_each_report_says_who_or_what_requested_it(
    client, org, other_org, compliance_officer, outsider
):
    by_person = _request(org, compliance_officer)
    by_schedule = _request(org, None, scheduled=True)
    key, _ = api_key_create(organisation=org, name="ci-reports", actor=None, scopes=["read"])
    by_key = _request(org, key)
    by_command = _request(org, None)
    _request(other_org, outsider)

    client.force_login(compliance_officer)
    listing = client.get(reverse("admin:compliance_report_changelist")).content.decode()
    cells = listing.split('<td class="field-requester">')[1:]
    said = [cell.split("</td>")[0] for cell in cells]
    # Newest first; another organisation's report is not listed.
    assert said[0] == "system"
    assert said[1].startswith("api key ci-reports (")
    assert said[2] == "Schedule: monthly reports"
    assert said[3] == "carol@acme.test"
    assert len(said) == 4 and "oscar@globex.test" not in listing

    for report, expected in [
        (by_person, "carol@acme.test"),
        (by_schedule, "Schedule: monthly reports"),
        (by_key, "api key ci-reports ("),
        (by_command, "system"),
    ]:
        page = client.get(reverse("admin:compliance_report_change", args=[report.pk]))
        field = page.content.decode().split("field-requester")[1].split('<div class="readonly">')[1]
        assert field.startswith(expected), (report, field[:80])

    # The list's filter: by the schedule, or on demand.
    scheduled = client.get(reverse("admin:compliance_report_changelist"), {"requested": "schedule"})
    assert scheduled.content.decode().count('<td class="field-requester">') == 1
    on_demand = client.get(reverse("admin:compliance_report_changelist"), {"requested": "demand"})
    assert on_demand.content.decode().count('<td class="field-requester">') == 3
