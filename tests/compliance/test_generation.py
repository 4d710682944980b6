"""Reports generated from live data: assessments follow the data, the EU AI Act retention gap,
the task path (django-q2 sync mode), failures, overrides and the monthly schedule."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Task

from compliance import services
from compliance.catalog import default_catalog
from compliance.content import summary_line
from compliance.models import (
    Control,
    ControlMapping,
    Framework,
    Report,
    ReportSchedule,
    ReportStatus,
)
from governance import services as gov
from governance.models import AuditLog, Plan, RiskClass
from tests.compliance.conftest import control
from tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def test_catalogs_are_loaded_on_migrate():
    catalog = default_catalog()
    assert Framework.objects.filter(is_active=True).count() == 5
    for code, fw in catalog.frameworks.items():
        assert Control.objects.filter(framework__code=code).count() == len(fw.controls)
    assert Control.objects.get(framework__code="iso27001", control_id="8.15").title == "Logging"
    assert Control.objects.filter(framework__code="iso27001").count() == 93


def test_load_catalogs_command_is_idempotent_and_checks(capsys):
    Control.objects.filter(framework__code="gdpr", control_id="Art. 32").update(title="tampered")
    call_command("load_catalogs")
    out = capsys.readouterr().out
    assert "ISO/IEC 27001:2022" in out and "mapping rules valid" in out
    assert (
        Control.objects.get(framework__code="gdpr", control_id="Art. 32").title
        == "Security of processing"
    )
    call_command("load_catalogs", "--check")
    assert Framework.objects.count() == 5


def test_report_content_hash_is_in_the_audit_log(org, generate, agent):
    report = generate(org, "iso27001")
    assert report.status == ReportStatus.DONE and report.progress == 100
    canonical = json.dumps(
        report.content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert report.content_hash == hashlib.sha256(canonical.encode()).hexdigest()
    row = AuditLog.objects.get(action="compliance.report_generated", object_id=str(report.pk))
    assert row.after["content_hash"] == report.content_hash
    assert AuditLog.objects.filter(
        action="compliance.report_requested", object_id=str(report.pk)
    ).exists()
    assert len(report.content["controls"]) == 93
    assert report.content["organisation"]["name"] == "Acme"
    task = Task.objects.get(name=f"compliance-report-{report.pk}")
    assert task.success


def test_eu_ai_act_retention_gap_flips_when_retention_reaches_six_months(org, owner, generate):
    org.plan = Plan.FREE  # 7 days of ledger retention
    org.save()
    AgentFactory(organisation=org, name="credit-scoring", risk_class=RiskClass.HIGH, owner=owner)
    report = generate(org, "eu_ai_act")
    art19 = control(report, "Art. 19")
    assert art19["status"] == "gap"
    assert "7 days" in art19["reason"] and "credit-scoring" in art19["reason"]
    assert "6 calendar months" in art19["reason"]
    assert any("184 days" in r for r in art19["remediation"])
    assert control(report, "Art. 26(6)")["status"] == "gap"
    # The rest of Art. 26 is not decided by retention alone.
    art26 = control(report, "Art. 26")
    assert all(f["role"] == "supporting" for f in art26["findings"])
    assert art26["status"] != "supports"

    # 183 days is not six calendar months from every day (1 March + 6 months = 184 days).
    gov.organisation_update(
        organisation=org, actor=None, plan=Plan.ENTERPRISE, custom_retention_days=183
    )
    # The plan is the operator's to change (billing); actor None is the system.
    gov.organisation_update(organisation=org, actor=None, custom_retention_days=400)
    report = generate(org, "eu_ai_act")
    assert control(report, "Art. 19")["status"] == "supports"
    assert control(report, "Art. 26(6)")["status"] == "supports"


def test_retention_rule_does_not_apply_without_high_risk_agents(org, agent, generate):
    org.plan = Plan.FREE
    org.save()
    report = generate(org, "eu_ai_act")
    art19 = control(report, "Art. 19")
    assert art19["status"] == "not_applicable"
    assert "no agent was classified high-risk" in art19["reason"]


def test_enforcement_and_ledger_flip_from_gap_to_satisfied_as_calls_are_recorded(
    org, owner, generate, record_decisions
):
    agent = AgentFactory(organisation=org, name="support-bot", owner=owner)
    report = generate(org, "iso27001")
    # Nothing happened in the period: not a gap, not a pass.
    assert control(report, "8.16")["status"] == "not_tested"
    assert "No agent activity was recorded" in control(report, "8.16")["reason"]
    assert control(report, "8.15")["status"] == "not_tested"  # intact but empty ledger

    record_decisions(org, agent, n=4, decision="allow")
    record_decisions(org, agent, n=2, decision="block", tool="crm.export")
    report = generate(org, "iso27001")
    assert control(report, "8.16")["status"] == "supports"
    assert "6 decisions recorded in the period: 2 blocked" in control(report, "8.16")["reason"]
    assert control(report, "8.15")["status"] == "supports"
    assert report.content["appendix"]["ledger"]["ok"] is True
    assert report.content["appendix"]["ledger"]["entries"] == 6


def test_agent_inventory_holds_only_from_when_owners_are_assigned(
    org, owner, generate, travel_to, real_now
):
    agent = AgentFactory(organisation=org, name="scratch-agent", owner=None)
    finding = control(generate(org, "iso27001"), "5.9")["findings"][0]
    assert finding["status"] == "partial" and "without an owner" in finding["reason"]
    # The owner is assigned ten days into the period: the inventory holds from then on only.
    with travel_to(real_now - timedelta(days=20)):
        gov.agent_update(agent=agent, actor=owner, owner=owner)
    entry = control(generate(org, "iso27001"), "5.9")
    finding = entry["findings"][0]
    assert finding["status"] == "partial"
    assert finding["reason"].startswith("The evidence supports this only from")
    assert "without an owner: scratch-agent" in finding["reason"]
    # The agent inventory is supporting evidence for ISO 5.9: never "evidence supports" alone.
    assert entry["status"] == "partial"


def test_data_subject_requests_overdue_is_a_gap_then_satisfied(org, owner, generate, at_now):
    old = gov.data_subject_request_create(
        organisation=org,
        kind="portability",
        subject="jane@example.com",
        actor=owner,
        received_at=timezone.now() - timedelta(days=40),
    )
    report = generate(org, "gdpr")
    art20 = control(report, "Art. 20")
    assert art20["status"] == "gap"
    assert f"DSR-{old.pk:04d}" in art20["reason"]
    assert control(report, "Art. 15")["status"] == "not_tested"

    with at_now():
        gov.data_subject_request_close(request=old, actor=owner, status="completed")
        fresh = gov.data_subject_request_create(
            organisation=org, kind="access", subject="joe@example.com", actor=owner
        )
        gov.data_subject_request_close(request=fresh, actor=owner, status="completed")
    report = generate(org, "gdpr")
    assert control(report, "Art. 20")["status"] == "partial"  # completed, but late
    assert control(report, "Art. 15")["status"] == "supports"


def test_segregation_of_duties_from_roles(
    org, owner, admin_user, compliance_officer, reviewer, generate
):
    report = generate(org, "iso27001")
    assert control(report, "5.3")["status"] == "supports"
    assert "4 members" in control(report, "5.3")["reason"]


def test_a_failed_generation_is_reported_and_retried(
    org, compliance_officer, period, django_capture_on_commit_callbacks, at_now
):
    retired = Framework.objects.create(
        code="retired",
        name="Retired framework",
        title="x",
        version="1",
        publisher="x",
        source_citation="x",
    )
    # django-q's sync mode re-raises the task's exception (a cluster records a failed Task and
    # delivers it again until Q_CLUSTER["max_attempts"]).
    with (
        at_now(),
        pytest.raises(LookupError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = services.report_request(
            organisation=org,
            framework=retired,
            period_start=period[0],
            period_end=period[1],
            actor=compliance_officer,
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "not in the catalog" in report.error
    assert report.attempts == 1 and report.content is None
    assert AuditLog.objects.filter(
        action="compliance.report_failed", object_id=str(report.pk)
    ).exists()

    # The framework comes back (its file is restored); the retry resumes from "failed".
    Framework.objects.filter(pk=retired.pk).update(code="retired-old")
    report.framework = Framework.objects.get(code="hipaa")
    Report.objects.filter(pk=report.pk).update(framework=report.framework)
    from compliance.tasks import report_generate_task

    with at_now():
        report_generate_task(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.attempts == 2 and report.error == ""


def test_bad_periods_are_refused(org, compliance_officer):
    from django.core.exceptions import ValidationError

    framework = Framework.objects.get(code="soc2")
    now = timezone.now()
    with pytest.raises(ValidationError) as err:
        services.report_request(
            organisation=org,
            framework=framework,
            period_start=now,
            period_end=now - timedelta(days=1),
            actor=compliance_officer,
        )
    assert "period_end" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.report_request(
            organisation=org,
            framework=framework,
            period_start=now - timedelta(days=800),
            period_end=now,
            actor=compliance_officer,
        )


def test_developers_may_not_request_reports(org, developer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.report_request(
            organisation=org,
            framework=Framework.objects.get(code="soc2"),
            period_start=timezone.now() - timedelta(days=1),
            period_end=timezone.now(),
            actor=developer,
        )


def test_mapping_override_changes_the_assessment_and_is_audited(org, compliance_officer, generate):
    iso_815 = Control.objects.get(framework__code="iso27001", control_id="8.15")
    mapping = services.mapping_override_set(
        organisation=org,
        actor=compliance_officer,
        control=iso_815,
        rule_id="ledger.integrity",
        action="remove",
        note="Logging is evidenced by our SIEM",
    )
    report = generate(org, "iso27001")
    entry = control(report, "8.15")
    assert "ledger.integrity" not in [f["rule"] for f in entry["findings"]]
    assert entry["overrides"][0]["note"] == "Logging is evidenced by our SIEM"
    row = AuditLog.objects.get(action="compliance.mapping_override_set")
    assert row.after["rule"] == "ledger.integrity" and row.actor_user == compliance_officer

    services.mapping_override_set(
        organisation=org,
        actor=compliance_officer,
        control=Control.objects.get(framework__code="iso27001", control_id="7.4"),
        rule_id="monitoring.enforcement",
        action="add",
        role="supporting",
    )
    report = generate(org, "iso27001")
    assert control(report, "7.4")["status"] != "outside_scope"
    assert control(report, "7.4")["findings"][0]["rule"] == "monitoring.enforcement"
    services.mapping_override_clear(mapping=mapping, actor=compliance_officer)
    assert not ControlMapping.objects.filter(pk=mapping.pk).exists()
    assert AuditLog.objects.filter(action="compliance.mapping_override_cleared").exists()


def test_override_validation(org, compliance_officer):
    from django.core.exceptions import ValidationError

    iso_815 = Control.objects.get(framework__code="iso27001", control_id="8.15")
    with pytest.raises(ValidationError) as err:
        services.mapping_override_set(
            organisation=org,
            actor=compliance_officer,
            control=iso_815,
            rule_id="nope",
            action="add",
        )
    assert "rule_id" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.mapping_override_set(
            organisation=org,
            actor=compliance_officer,
            control=iso_815,
            rule_id="ledger.integrity",
            action="add",
        )


def test_monthly_schedule_requests_last_month_once(org, owner, django_capture_on_commit_callbacks):
    services.report_schedule_set(
        organisation=org,
        actor=owner,
        frameworks=list(Framework.objects.filter(code__in=["soc2", "gdpr"])),
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = services.reports_schedule_tick()
    assert sorted(r.framework.code for r in first) == ["gdpr", "soc2"]
    assert all(r.scheduled and r.requested_by is None for r in first)
    start, end = services.previous_month(timezone.now())
    assert all(r.period_start == start and r.period_end == end for r in first)
    assert Report.objects.filter(status=ReportStatus.DONE, scheduled=True).count() == 2
    assert services.reports_schedule_tick() == []
    assert ReportSchedule.objects.get(organisation=org).last_period_start == start
    schedule = services.ensure_schedule_task()
    assert schedule.func == "compliance.tasks.reports_schedule_tick_task"


def test_reports_generated_together_share_one_full_verification(
    org, owner, generate, record_decisions, settings
):
    agent = AgentFactory(organisation=org, name="support-bot", owner=owner)
    record_decisions(org, agent, n=5)
    first = generate(org, "soc2")
    assert first.content["appendix"]["ledger"]["reused"] is None
    assert first.content["appendix"]["ledger"]["entries"] == 5

    record_decisions(org, agent, n=3)
    second = generate(org, "iso27001")
    ledger = second.content["appendix"]["ledger"]
    assert ledger["ok"] and ledger["entries"] == 8
    assert ledger["reused"] == {
        "report": str(first.pk),
        "verified_at": first.content["appendix"]["ledger"]["verified_at"],
        "up_to_seq": 5,
        "tail_entries": 3,
    }
    assert "Verified in two steps" in [e["label"] for e in control(second, "8.15")["evidence"]]

    settings.COMPLIANCE_VERIFICATION_REUSE_SECONDS = 0
    third = generate(org, "gdpr")
    assert third.content["appendix"]["ledger"]["reused"] is None
    assert third.content["appendix"]["ledger"]["entries"] == 8


def test_tampering_in_the_new_tail_is_caught_when_a_verification_is_reused(
    org, owner, generate, record_decisions
):
    from django.db import connection

    from traces.models import LedgerEntry

    agent = AgentFactory(organisation=org, name="support-bot", owner=owner)
    record_decisions(org, agent, n=2)
    generate(org, "soc2")
    record_decisions(org, agent, n=2)
    victim = LedgerEntry.objects.get(organisation=org, seq=4)
    assert LedgerEntry._meta.db_table == "traces_ledgerentry"
    with connection.cursor() as cursor:
        # An attacker with database access: on PostgreSQL the append-only trigger must be
        # bypassed first (as a superuser could).
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE traces_ledgerentry SET tool = %s WHERE id = %s",
            ["payments.transfer", victim.pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    report = generate(org, "iso27001")
    ledger = report.content["appendix"]["ledger"]
    assert ledger["reused"] is not None and ledger["ok"] is False
    assert ledger["first_break"]["entry"] == 4
    assert control(report, "8.15")["status"] == "gap"


def test_generate_report_command(org, agent, capsys):
    from django.core.management.base import CommandError

    call_command("generate_report", "acme", "--framework", "gdpr", "--framework", "eu_ai_act")
    out = capsys.readouterr().out
    assert "GDPR: report" in out and "EU AI Act: report" in out
    assert Report.objects.filter(organisation=org, status=ReportStatus.DONE).count() == 2
    # The evidence and where to find each report, each on a line of its own that fits 80
    # columns (long lines wrapped with a "·" or a lone "tested" hanging).
    lines = out.splitlines()
    for report in Report.objects.filter(organisation=org):
        assert f"  view /reports/{report.pk}/   PDF /reports/{report.pk}/pdf   sha256 " in out
        assert f"  evidence {summary_line(report.content['summary'], ', ')}" in lines
    assert max(len(line.rstrip()) for line in lines if "report" in line) <= 80
    assert not any(line.rstrip().endswith("·") for line in out.splitlines())
    start, end = services.previous_month(timezone.now())
    assert Report.objects.filter(period_start=start, period_end=end).count() == 2
    with pytest.raises(CommandError, match="Unknown framework"):
        call_command("generate_report", "acme", "--framework", "pci")
    with pytest.raises(CommandError, match="No organisation"):
        call_command("generate_report", "nope")
    with pytest.raises(CommandError, match="must end after"):
        call_command("generate_report", "acme", "--start", "2025-02-01", "--end", "2025-01-01")
