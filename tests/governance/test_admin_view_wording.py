"""An admin list says "change" only where the viewer can change something in it (session 23's
walk-through: a compliance officer read "Select report to change" over reports that open as
"View report", and an owner "Select API key to change" over keys nobody edits).

Django words a list's title, and the admin index its link, from ``has_change_permission(request)``
without an object; a ModelAdmin that refuses every object must refuse there too."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from compliance.models import Framework, Report, ReportStatus
from governance import services
from traces.models import LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(org, other_org, agent, owner):
    """One report and one key in each organisation: lists that are not empty."""
    now = timezone.now()
    for organisation in (org, other_org):
        Report.objects.create(
            organisation=organisation,
            framework=Framework.objects.get(code="soc2"),
            period_start=now.replace(day=1),
            period_end=now,
            status=ReportStatus.DONE,
        )
        services.api_key_create(organisation=organisation, name="k", actor=None, scopes=["read"])


def _title(html: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", html, re.S).group(1).strip()


@pytest.mark.parametrize(
    "role", ["owner", "admin_user", "compliance_officer", "developer", "outsider"]
)
def test_a_list_says_change_only_when_a_row_of_it_can_be_changed(client, rows, role, request):
    user = request.getfixturevalue(role)
    client.force_login(user)
    fake = RequestFactory().get("/admin/")
    fake.user = user
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if model is LedgerEntry:
            continue  # no change page: each row opens its trace
        opts = model._meta
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if response.status_code != 200:
            continue
        title = _title(response.content.decode())
        visible = model_admin.get_queryset(fake)
        changeable = any(model_admin.has_change_permission(fake, obj) for obj in visible[:50])
        says_change = title.endswith("to change")
        if visible.exists():
            assert says_change == changeable, (role, opts.model_name, title)
            checked += 1
        else:
            assert says_change == model_admin.has_change_permission(fake), (role, title)
    assert checked >= 3


def test_reports_and_keys_are_offered_as_views_with_an_add_button(
    client, rows, compliance_officer, owner, developer
):
    client.force_login(compliance_officer)
    page = client.get("/admin/compliance/report/").content.decode()
    assert _title(page) == "Select report to view"
    assert 'href="/admin/compliance/report/add/"' in page  # requesting one stays offered
    index = client.get("/admin/").content.decode()
    reports_row = re.search(r'<tr class="model-report">.*?</tr>', index, re.S).group(0)
    assert "View" in reports_row and "Change" not in reports_row
    client.force_login(owner)
    assert _title(client.get("/admin/governance/apikey/").content.decode()) == (
        "Select API key to view"
    )
    # Adding still works: the add form is there and answers.
    assert client.get("/admin/governance/apikey/add/").status_code == 200
    assert client.get("/admin/compliance/report/add/").status_code == 200
    # A developer changes the agents they own, and only those.
    client.force_login(developer)
    assert _title(client.get("/admin/governance/agent/").content.decode()) == (
        "Select agent to view"
    )
    assert client.get("/admin/governance/agent/add/").status_code == 200


def test_columns_and_labels_read_as_words_not_field_names(client, org, agent, owner):
    """Session 23's walk-through: the approvals list said "Policy name" and "Decided by label",
    the audit log "Object repr" and "Ip"."""
    from approvals.models import Approval

    Approval.objects.create(
        organisation=org, trace_id=uuid.uuid4(), agent=agent, tool="files.delete",
        policy_name="Human approval", expires_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip
    services.api_key_create(organisation=org, name="k", actor=owner, scopes=["read"])  # audited
    client.force_login(owner)
    leaks = re.compile(r"(?i:\brepr\b|\blabel\b|policy name)|\bIp\b")
    for url in ["/admin/approvals/approval/", "/admin/governance/auditlog/"]:
        page = client.get(url).content.decode()
        heads = re.findall(
            r'<th scope="col"[^>]*class="[^"]*column-[^"]*"[^>]*>(.*?)</th>', page, re.S
        )
        text = " ".join(re.sub(r"<[^>]+>", " ", h) for h in heads)
        assert heads and not leaks.search(text), (url, text)
    row = client.get("/admin/governance/auditlog/").content.decode()
    change = re.search(r'href="(/admin/governance/auditlog/\d+/change/)"', row).group(1)
    labels = re.findall(r"<label[^>]*>(.*?):</label>", client.get(change).content.decode())
    assert "IP address" in labels and "Record" in labels and "Actor" in labels, labels
