"""The compliance officer's console: frameworks and controls to browse (with the evidence rules
mapped to each), mapping overrides edited through services, reports with their progress,
download links and a "generate" action."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from governance.admin_scoping import (
    OrganisationScopedAdmin,
    ServiceModelForm,
    confirm_first,
    viewer_holds,
)

from . import selectors, services
from .catalog import ROLE_PRIMARY, default_catalog
from .content import summary_line
from .models import Control, ControlMapping, Framework, Report, ReportSchedule, ReportStatus

STATUS_COLOURS = {
    ReportStatus.DONE: "#2E7D4F",
    ReportStatus.RUNNING: "#24478f",
    ReportStatus.PENDING: "#5b6478",
    ReportStatus.FAILED: "#C0392B",
}


class CatalogAdmin(admin.ModelAdmin):
    """Catalog rows are copies of the YAML files: readable by every console user, never edited."""

    def _member(self, request) -> bool:
        return request.user.is_superuser or viewer_holds(request, "admin.access")

    def has_module_permission(self, request) -> bool:
        return self._member(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._member(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # No History: the catalog changes with Execlave's releases, not in the console.
        context["object_history"] = False
        return super().render_change_form(request, context, add, change, form_url, obj)


class ControlInline(admin.TabularInline):
    model = Control
    fields = ["control_id", "title", "section_title", "evidence_rules"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Evidence rules")
    def evidence_rules(self, obj):
        return _rules_html(obj)


def _rules_html(control: Control):
    links = default_catalog().links_for_control(control.framework.code, control.control_id)
    if not links:
        return "— outside Execlave's evidence"
    return format_html_join(
        ", ",
        "<code>{}</code>{}",
        ((link.rule.id, "" if link.role == ROLE_PRIMARY else " (supporting)") for link in links),
    )


@admin.register(Framework)
class FrameworkAdmin(CatalogAdmin):
    list_display = [
        "name",
        "code",
        "version",
        "publisher",
        "control_count",
        "mapped_count",
        "is_active",
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    readonly_fields = [
        "name",
        "code",
        "title",
        "version",
        "publisher",
        "source_citation",
        "source_url",
        "id_format",
        "title_note",
        "is_active",
        "synced_at",
    ]
    inlines = [ControlInline]
    actions = ["generate_last_month"]

    @admin.display(description="Controls")
    def control_count(self, obj):
        return obj.controls.filter(is_active=True).count()

    @admin.display(description="With Execlave evidence")
    def mapped_count(self, obj):
        catalog = default_catalog()
        if obj.code not in catalog.frameworks:
            return 0
        return sum(
            1
            for c in catalog.framework(obj.code).controls
            if catalog.links_for_control(obj.code, c.id)
        )

    @admin.action(description="Generate last month's report for my organisation")
    def generate_last_month(self, request, queryset):
        organisation = getattr(request, "organisation", None)
        if organisation is None:
            self.message_user(request, "Choose an organisation first.", messages.ERROR)
            return
        start, end = services.previous_month(timezone.now())
        queued = []
        for framework in queryset:
            try:
                report = services.report_request(
                    organisation=organisation,
                    framework=framework,
                    period_start=start,
                    period_end=end,
                    actor=request.user,
                )
            except PermissionDenied as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return
            except ValidationError as exc:
                # "Could not …" first: the admin capitalises a message's first letter.
                self.message_user(
                    request,
                    f"Could not queue the {framework} report: {' '.join(exc.messages)}",
                    messages.ERROR,
                )
                continue
            queued.append(report)
        if queued:
            self.message_user(
                request,
                f"Queued {len(queued)} report(s) for {organisation} ({start:%B %Y}); follow them under Reports.",
                messages.SUCCESS,
            )


@admin.register(Control)
class ControlAdmin(CatalogAdmin):
    list_display = [
        "control_id",
        "title",
        "framework",
        "section_title",
        "evidence_rules",
        "is_active",
    ]
    list_filter = ["framework", "is_active"]
    search_fields = ["control_id", "title"]
    list_select_related = ["framework"]
    readonly_fields = [
        "framework",
        "control_id",
        "title",
        "section",
        "section_title",
        "attributes",
        "is_active",
        "evidence_rules",
        "rationale",
    ]
    fields = readonly_fields

    @admin.display(description="Evidence rules (default mapping)")
    def evidence_rules(self, obj):
        return _rules_html(obj)

    @admin.display(description="Why these rules apply")
    def rationale(self, obj):
        links = default_catalog().links_for_control(obj.framework.code, obj.control_id)
        return (
            format_html_join(
                "",
                "<p><code>{}</code> — {}</p>",
                ((link.rule.id, link.rule.rationale) for link in links),
            )
            or "—"
        )


# --- mapping overrides ---------------------------------------------------------------------------


def _rule_choices():
    return [
        (r.id, f"{r.id} ({r.signal})") for r in sorted(default_catalog().rules, key=lambda r: r.id)
    ]


class ControlMappingForm(ServiceModelForm):
    rule_id = forms.ChoiceField(choices=_rule_choices, label="Evidence rule")

    class Meta:
        model = ControlMapping
        fields = ["organisation", "control", "rule_id", "action", "role", "note"]

    def call_service(self, cleaned):
        return services.mapping_override_set(
            organisation=cleaned["organisation"],
            actor=self.actor,
            control=cleaned["control"],
            rule_id=cleaned["rule_id"],
            action=cleaned["action"],
            role=cleaned["role"],
            note=cleaned.get("note", ""),
        )


@admin.register(ControlMapping)
class ControlMappingAdmin(OrganisationScopedAdmin):
    empty_list_hint = (
        "No overrides: every control is mapped to Execlave’s evidence as the catalog says. “Add "
        "control mapping override” changes one for your organisation’s reports."
    )
    form = ControlMappingForm
    view_capability = "reports.manage"
    manage_capability = "reports.manage"
    list_display = [
        "control",
        "framework",
        "rule_id",
        "action",
        "role",
        "organisation",
        "created_by",
        "created_at",
    ]
    list_filter = ["action", "control__framework"]
    search_fields = ["control__control_id", "rule_id", "note"]
    list_select_related = ["control__framework", "organisation", "created_by"]
    raw_id_fields = ["control"]
    actions = ["clear_overrides"]

    @admin.display(description="Framework")
    def framework(self, obj):
        return obj.control.framework

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        orgs = self.scoped_organisations(request, self.manage_capability)
        if orgs.count() == 1:
            initial.setdefault("organisation", orgs.first())
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Control:
            kwargs["queryset"] = Control.objects.filter(is_active=True).select_related("framework")
            return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description="Remove the selected overrides (back to the default mapping)")
    @confirm_first(
        question="Remove these overrides?",
        consequence="Their controls go back to the default mapping in the reports generated "
        "from now on; the removal is audited.",
        button="Yes, remove them",
    )
    def clear_overrides(self, request, queryset):
        done = 0
        for mapping in queryset:
            try:
                services.mapping_override_clear(mapping=mapping, actor=request.user)
                done += 1
            except PermissionDenied as exc:
                self.message_user(request, str(exc), messages.ERROR)
        self.message_user(request, f"Removed {done} override(s); audited.", messages.SUCCESS)


# --- reports -------------------------------------------------------------------------------------


class ReportRequestForm(ServiceModelForm):
    class Meta:
        model = Report
        fields = ["organisation", "framework", "period_start", "period_end"]

    def call_service(self, cleaned):
        return services.report_request(
            organisation=cleaned["organisation"],
            framework=cleaned["framework"],
            period_start=cleaned["period_start"],
            period_end=cleaned["period_end"],
            actor=self.actor,
        )


class StatusFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("ready", "Ready to download"),
            ("working", "Queued or generating"),
            ("failed", "Failed"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "ready":
            return queryset.filter(status=ReportStatus.DONE)
        if value == "working":
            return queryset.filter(status__in=[ReportStatus.PENDING, ReportStatus.RUNNING])
        if value == "failed":
            return queryset.filter(status=ReportStatus.FAILED)
        return queryset


class RequestedFilter(admin.SimpleListFilter):
    title = "requested"  # "By scheduled: Yes / No" before
    parameter_name = "requested"

    def lookups(self, request, model_admin):
        return [("schedule", "By the monthly schedule"), ("demand", "On demand")]

    def queryset(self, request, queryset):
        if self.value() in ("schedule", "demand"):
            return queryset.filter(scheduled=self.value() == "schedule")
        return queryset


@admin.register(Report)
class ReportAdmin(OrganisationScopedAdmin):
    empty_list_hint = (
        "No reports yet. “Add report” generates one for a framework and a period; a report "
        "schedule (Compliance → Report schedules) makes them every month."
    )
    view_capability = "reports.manage"
    manage_capability = "reports.manage"
    list_display = [
        "__str__",
        "organisation",
        "state",
        "summary",
        "requester",
        "requested_at",
        "downloads",
    ]
    list_filter = [StatusFilter, "framework", RequestedFilter]
    list_select_related = ["framework", "organisation", "requested_by"]
    date_hierarchy = "requested_at"
    search_fields = ["content_hash", "framework__name"]
    actions = ["retry_failed"]
    readonly_fields = [
        "organisation", "framework", "period_start", "period_end", "requester", "requested_at",
        "state", "progress_note", "attempts", "error", "started_at", "generated_at", "content_hash", "summary", "downloads",
    ]  # fmt: skip

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("content")
            .annotate(requested_by_label=selectors.report_requester_label())
        )

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ReportRequestForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["organisation", "framework", "period_start", "period_end"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def has_change_permission(self, request, obj=None) -> bool:
        # A report is never edited, only requested (add) and read. False without an object too:
        # Django words the list's title ("Select report to view") and the index's link from it.
        return False

    def get_changeform_initial_data(self, request):
        now = timezone.now()
        start, end = services.previous_month(now)
        initial = {"period_start": start, "period_end": end}
        orgs = self.scoped_organisations(request, self.manage_capability)
        if orgs.count() == 1:
            organisation = orgs.first()
            initial["organisation"] = organisation
            if organisation.created_at >= end:
                # Last month is before this organisation existed: a report on it would hold none
                # of its calls. Offer this month so far instead (session 17's walk-through).
                local = timezone.localtime(now)
                initial["period_start"] = end
                initial["period_end"] = local.replace(second=0, microsecond=0) + timedelta(
                    minutes=1
                )
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Framework:
            kwargs["queryset"] = Framework.objects.filter(is_active=True)
            return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        # One message, and back to the list where the progress shows: Django's own "was added
        # successfully" said the same thing twice, and a queued report has nothing to edit.
        self.message_user(
            request, f"Report queued: {obj}. Its progress shows here.", messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:compliance_report_changelist"))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.display(description="Status")
    def state(self, obj):
        label = obj.get_status_display()
        if obj.status == ReportStatus.RUNNING:
            label = f"{label} {obj.progress}% — {obj.progress_note}"
        elif obj.status == ReportStatus.FAILED:
            label = f"{label} (attempt {obj.attempts})"
        return format_html(
            '<strong style="color:{}">{}</strong>', STATUS_COLOURS.get(obj.status, "#333"), label
        )

    @admin.display(description="Requested by", ordering="requested_by__email")
    def requester(self, obj):
        # A monthly report has no person behind it: "-" read as someone unknown (session 24).
        # Nor did one requested with an API key or from the command line: the audit log's
        # "Report requested" entry says who (an API key by name, "system"), as it does for a
        # member whose account was erased since (pseudonymised there).
        if obj.scheduled:
            return "Schedule: monthly reports"
        if obj.requested_by is not None:
            return obj.requested_by.email or obj.requested_by.get_username()
        return getattr(obj, "requested_by_label", None) or "—"

    @admin.display(description="Result")
    def summary(self, obj):
        if obj.status != ReportStatus.DONE:
            return "—"
        s = (
            Report.objects.filter(pk=obj.pk).values_list("content__summary", flat=True).first()
            or {}
        )
        return summary_line(s)

    @admin.display(description="Download")
    def downloads(self, obj):
        if obj.status != ReportStatus.DONE:
            return "—"
        return format_html(
            '<a href="{}">HTML</a> · <a href="{}">PDF</a> · <a href="{}">JSON</a>',
            reverse("compliance:report-page", args=[obj.pk]),
            reverse("compliance:report-pdf", args=[obj.pk]),
            reverse("compliance:report-json", args=[obj.pk]),
        )

    @admin.action(description="Generate the selected reports again (failed ones)")
    def retry_failed(self, request, queryset):
        retried = 0
        for report in queryset.filter(status=ReportStatus.FAILED):
            if not self._in_scope(request, report, self.manage_capability):
                continue
            services.report_enqueue(report_id=report.pk)
            retried += 1
        self.message_user(
            request,
            f"Queued {retried} failed report(s) again.",
            messages.SUCCESS if retried else messages.WARNING,
        )


class ReportScheduleForm(ServiceModelForm):
    class Meta:
        model = ReportSchedule
        fields = ["organisation", "frameworks", "enabled"]

    def call_service(self, cleaned):
        return services.report_schedule_set(
            organisation=cleaned["organisation"],
            actor=self.actor,
            frameworks=list(cleaned["frameworks"]),
            enabled=cleaned["enabled"],
        )


@admin.register(ReportSchedule)
class ReportScheduleAdmin(OrganisationScopedAdmin):
    form = ReportScheduleForm
    view_capability = "reports.manage"
    manage_capability = "reports.manage"
    list_display = ["organisation", "framework_list", "enabled", "last_period_start"]
    readonly_fields = ["last_period_start"]

    @admin.display(description="Frameworks")
    def framework_list(self, obj):
        return ", ".join(f.name for f in obj.frameworks.all()) or "—"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is Framework:
            kwargs["queryset"] = Framework.objects.filter(is_active=True)
            return admin.ModelAdmin.formfield_for_manytomany(self, db_field, request, **kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
