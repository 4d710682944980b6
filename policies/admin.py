"""The compliance officer's policy console: scoped to the member's organisations, every
write through ``policies.services`` (validated, versioned, audited)."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet

from governance.admin_scoping import OrganisationScopedAdmin, ReadOnlyAdminMixin, ServiceModelForm
from policies import services
from policies.evaluators import POLICY_TYPES
from policies.models import BudgetWindow, Policy

# One valid example per type, from the type's settings schema (policies.evaluators).
THRESHOLD_EXAMPLES = {policy_type: spec.example for policy_type, spec in POLICY_TYPES.items()}


class PolicyForm(ServiceModelForm):
    tool_patterns = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One pattern per line (database.*, *.delete, email.send); empty = every tool.",
    )
    threshold = forms.JSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text="The type's configuration as JSON. Examples: "
        + "; ".join(f"{t}: {json.dumps(e)}" for t, e in THRESHOLD_EXAMPLES.items()),
    )

    class Meta:
        model = Policy
        fields = ["organisation", "name", "description", "type", "mode", "phase", "agents", "tool_patterns",
                  "threshold", "enabled"]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tool_patterns"] = "\n".join(self.instance.tool_patterns or [])

    def clean_tool_patterns(self) -> list[str]:
        raw = self.cleaned_data.get("tool_patterns") or ""
        return [p.strip() for line in raw.splitlines() for p in line.split(",") if p.strip()]

    def call_service(self, cleaned):
        values = {
            "name": cleaned["name"],
            "description": cleaned.get("description") or "",
            "type": cleaned["type"],
            "mode": cleaned["mode"],
            "phase": cleaned["phase"],
            "agents": list(cleaned.get("agents") or []),
            "tool_patterns": cleaned["tool_patterns"],
            "threshold": cleaned.get("threshold") or {},
            "enabled": cleaned.get("enabled", False),
        }
        if self.instance.pk:
            return services.policy_update(policy=self.instance, actor=self.actor, **values)
        return services.policy_create(
            organisation=cleaned["organisation"], actor=self.actor, **values
        )


@admin.register(Policy)
class PolicyAdmin(OrganisationScopedAdmin):
    form = PolicyForm
    manage_capability = "policies.manage"
    list_display = [
        "name",
        "type",
        "mode",
        "phase",
        "scope",
        "enabled",
        "version",
        "organisation",
        "updated_at",
    ]
    list_filter = ["type", "mode", "enabled", "phase", "organisation"]
    list_editable: list[str] = []
    search_fields = ["name", "description"]
    list_select_related = ["organisation"]
    date_hierarchy = "updated_at"
    actions = ["enable_policies", "disable_policies", "delete_policies"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("agents")

    def get_readonly_fields(self, request, obj=None):
        return ["organisation", "version", "created_at", "updated_at"] if obj is not None else []

    def get_changeform_initial_data(self, request):
        orgs = self.scoped_organisations(request, self.manage_capability)
        return {"organisation": orgs.first()} if orgs.count() == 1 else {}

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="scope")
    def scope(self, obj: Policy) -> str:
        agents = ", ".join(a.name for a in obj.agents.all()) or "all agents"
        tools = ", ".join(obj.tool_patterns or []) or "all tools"
        return f"{agents} / {tools}"

    def _apply(self, request, queryset: QuerySet, verb: str, call) -> None:
        done = 0
        for policy in queryset.select_related("organisation"):
            try:
                call(policy)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request,
                    f"{policy}: {'; '.join(getattr(exc, 'messages', [str(exc)]))}",
                    messages.ERROR,
                )
        if done:
            self.message_user(
                request, f"{verb} {done} polic{'y' if done == 1 else 'ies'}.", messages.SUCCESS
            )

    @admin.action(description="Enable the selected policies")
    def enable_policies(self, request, queryset):
        self._apply(request, queryset, "Enabled",
                    lambda p: services.policy_update(policy=p, actor=request.user, enabled=True))  # fmt: skip

    @admin.action(description="Disable the selected policies")
    def disable_policies(self, request, queryset):
        self._apply(request, queryset, "Disabled",
                    lambda p: services.policy_update(policy=p, actor=request.user, enabled=False))  # fmt: skip

    @admin.action(description="Delete the selected policies")
    def delete_policies(self, request, queryset):
        self._apply(
            request,
            queryset,
            "Deleted",
            lambda p: services.policy_delete(policy=p, actor=request.user),
        )


def money(value) -> str:
    """Amounts are stored with eight decimal places; show two unless more are significant
    (``500.00``, not ``500.00000000``; ``0.0004`` stays ``0.0004``)."""
    if value is None:
        return "—"
    exponent = value.normalize().as_tuple().exponent
    places = 2 if not isinstance(exponent, int) or exponent >= -2 else -exponent
    return f"{value:,.{places}f}"


@admin.register(BudgetWindow)
class BudgetWindowAdmin(ReadOnlyAdminMixin, OrganisationScopedAdmin):
    view_capability = "policies.manage"
    list_display = [
        "policy",
        "scope_key",
        "window_start",
        "window_end",
        "cap_amount",
        "spent_amount",
        "reserved_amount",
        "remaining",
    ]
    fields = [
        "organisation",
        "policy",
        "scope_key",
        "window_start",
        "window_end",
        "cap_amount",
        "spent_amount",
        "reserved_amount",
        "remaining",
    ]
    readonly_fields = fields
    list_filter = ["organisation"]
    search_fields = ["policy__name", "scope_key"]
    list_select_related = ["policy", "organisation"]
    date_hierarchy = "window_start"

    @admin.display(description="cap", ordering="cap")
    def cap_amount(self, obj: BudgetWindow):
        return money(obj.cap)

    @admin.display(description="spent", ordering="spent")
    def spent_amount(self, obj: BudgetWindow):
        return money(obj.spent)

    @admin.display(description="reserved", ordering="reserved")
    def reserved_amount(self, obj: BudgetWindow):
        return money(obj.reserved)

    @admin.display(description="remaining")
    def remaining(self, obj: BudgetWindow):
        return money(max(obj.cap - obj.spent - obj.reserved, 0))
