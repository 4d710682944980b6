"""Approvals in the console: read-only; the only changes are service calls made by actions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from governance.admin_scoping import OrganisationScopedAdmin, ReadOnlyAdminMixin, confirm_first

from .models import Approval, ApprovalDecision, ApprovalStatus, WebhookDelivery
from .services import ApprovalAlreadyFinal, approval_cancel


class DecisionInline(admin.TabularInline):
    model = ApprovalDecision
    extra = 0
    can_delete = False
    fields = ["created_at", "user_label", "verdict", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OverdueFilter(admin.SimpleListFilter):
    title = "deadline"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", "Pending past expiry"), ("escalated", "Escalated")]

    def queryset(self, request, queryset):
        from django.utils import timezone

        if self.value() == "overdue":
            return queryset.filter(status=ApprovalStatus.PENDING, expires_at__lte=timezone.now())
        if self.value() == "escalated":
            return queryset.filter(escalated_at__isnull=False)
        return queryset


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdminMixin, OrganisationScopedAdmin):
    empty_list_hint = (
        "No approvals yet. A call waits here for a reviewer when a policy in “Require approval” "
        "mode matches it."
    )
    view_capability = "admin.access"
    manage_capability = "approvals.decide"
    list_display = [
        "requested_at",
        "tool",
        "agent",
        "policy_label",
        "status",
        "decider",
        "expires_at",
        "organisation",
    ]
    list_filter = ["status", OverdueFilter, "on_timeout", "organisation"]
    list_select_related = ["agent", "organisation"]
    search_fields = [
        "tool",
        "agent__name",
        "policy_name",
        "reason",
        "=trace_id",
        "decided_by_label",
    ]
    date_hierarchy = "requested_at"
    raw_id_fields = ["agent", "decided_by"]
    inlines = [DecisionInline]
    actions = ["cancel_selected"]
    exclude = ["input"]

    @admin.display(description="policy", ordering="policy_name")
    def policy_label(self, obj):
        return obj.policy_name or "-"

    @admin.display(description="decided by", ordering="decided_by_label")
    def decider(self, obj):
        return obj.decided_by_label or "-"

    readonly_fields = ["input_masked"]

    @admin.display(description="input (PII masked; the queue can reveal it, audited)")
    def input_masked(self, obj):
        from .presentation import input_html

        html, _ = input_html(obj.input, revealed=False)
        from django.utils.html import format_html

        return format_html('<pre style="white-space:pre-wrap">{}</pre>', html)

    @admin.action(description="Cancel the selected pending requests")
    @confirm_first(
        question="Cancel these approval requests?",
        consequence="The agents waiting on them stop waiting, and their tool calls do not run. "
        "Requests already decided are skipped.",
        button="Yes, cancel them",
    )
    def cancel_selected(self, request, queryset):
        done = skipped = 0
        for approval in queryset.filter(status=ApprovalStatus.PENDING):
            if not self._in_scope(request, approval, self.manage_capability):
                skipped += 1
                continue
            try:
                approval_cancel(
                    approval=approval, actor=request.user, reason="Cancelled from the console."
                )
                done += 1
            except (ApprovalAlreadyFinal, PermissionDenied):
                skipped += 1
        self.message_user(
            request, f"Cancelled {done} request(s); {skipped} skipped.", messages.INFO
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, OrganisationScopedAdmin):
    audited = False  # no audit entry is about one of these: no History (admin_history.py)
    view_capability = "organisation.manage"
    list_display = [
        "created_at",
        "event",
        "url",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
    ]
    list_filter = ["status", "event"]
    search_fields = ["url", "=approval__id"]
    raw_id_fields = ["approval"]
    date_hierarchy = "created_at"
