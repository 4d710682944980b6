"""The compliance officer's policy console: scoped to the member's organisations, every
write through ``policies.services`` (validated, versioned, audited).

A policy's settings are set in the policy wizard (``/policies/new/``, ``/policies/<id>/edit/``),
a form per type; here they are shown read-only, as JSON for experts, and "Add" opens the
wizard. The admin still edits what needs no settings form: name, mode, phase, scope, enabled."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from governance.admin_scoping import (
    OrganisationScopedAdmin,
    ReadOnlyAdminMixin,
    ServiceModelForm,
    confirm_first,
)
from policies import services
from policies.models import BudgetWindow, Policy

WIZARD_NEW = "console:policy-new"
WIZARD_EDIT = "console:policy-edit"


class PolicyForm(ServiceModelForm):
    """A policy's name, mode, phase, scope and switch; its type and settings stay as they are
    (they change together, in the wizard)."""

    tool_patterns = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One pattern per line (database.*, *.delete, email.send); empty = every tool.",
    )

    class Meta:
        model = Policy
        fields = ["name", "description", "mode", "phase", "agents", "tool_patterns", "enabled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tool_patterns"] = "\n".join(self.instance.tool_patterns or [])

    def clean_tool_patterns(self) -> list[str]:
        raw = self.cleaned_data.get("tool_patterns") or ""
        return [p.strip() for line in raw.splitlines() for p in line.split(",") if p.strip()]

    def call_service(self, cleaned):
        if not self.instance.pk:
            raise PermissionDenied("Create policies in the policy wizard.")
        return services.policy_update(
            policy=self.instance,
            actor=self.actor,
            name=cleaned["name"],
            description=cleaned.get("description") or "",
            mode=cleaned["mode"],
            phase=cleaned["phase"],
            agents=list(cleaned.get("agents") or []),
            tool_patterns=cleaned["tool_patterns"],
            enabled=cleaned.get("enabled", False),
        )


@admin.register(Policy)
class PolicyAdmin(OrganisationScopedAdmin):
    empty_list_hint = (
        "No policies yet, so every call is allowed and recorded. “New policy (wizard)” makes the "
        "first one, step by step, and tries it on your recorded calls before you save it."
    )
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

    fields = ["organisation", "name", "description", "type", "settings", "mode", "phase",
              "agents", "tool_patterns", "enabled", "version", "created_at", "updated_at"]  # fmt: skip
    readonly_fields = ["organisation", "type", "settings", "version", "created_at", "updated_at"]

    def get_fields(self, request, obj=None):
        # Those who may only read the policy (developers) see its settings without the link to
        # the wizard, which answers them 404.
        fields = list(super().get_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            fields = ["settings_read_only" if f == "settings" else f for f in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "settings_read_only"]

    def add_view(self, request, form_url="", extra_context=None):
        """Policies are created in the wizard: a form per type, no JSON."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        return redirect(reverse(WIZARD_NEW))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # "Save and add another" would lead to the wizard; saving here is for this policy only.
        extra = {**(extra_context or {}), "show_save_and_add_another": False}
        return super().change_view(request, object_id, form_url, extra)

    @admin.display(description="settings")
    def settings(self, obj: Policy) -> str:
        return format_html(
            '<pre class="settings-json" id="settings-json">{}</pre>'
            '<p><a href="{}" id="wizard-settings">Change the settings in the policy wizard</a></p>',
            json.dumps(obj.threshold, indent=2, ensure_ascii=False),
            reverse(WIZARD_EDIT, args=[obj.pk]),
        )

    @admin.display(description="settings")
    def settings_read_only(self, obj: Policy) -> str:
        return format_html(
            '<pre class="settings-json" id="settings-json">{}</pre>',
            json.dumps(obj.threshold, indent=2, ensure_ascii=False),
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    SCOPE_AGENTS_SHOWN = 3  # more agent names made a column of a dozen lines per policy

    @admin.display(description="scope")
    def scope(self, obj: Policy) -> str:
        names = sorted(a.name for a in obj.agents.all())
        tools = ", ".join(obj.tool_patterns or []) or "all tools"
        if len(names) <= self.SCOPE_AGENTS_SHOWN:
            return f"{', '.join(names) or 'all agents'} / {tools}"
        shown = ", ".join(names[: self.SCOPE_AGENTS_SHOWN])
        return format_html(
            '<span title="{}">{} and {} more agents</span> / {}',
            ", ".join(names),
            shown,
            len(names) - self.SCOPE_AGENTS_SHOWN,
            tools,
        )

    def _apply(self, request, queryset: QuerySet, verb: str, call) -> None:
        verb_infinitive = {"Enabled": "enable", "Disabled": "disable", "Deleted": "delete"}.get(
            verb, verb.lower()
        )
        done = 0
        for policy in queryset.select_related("organisation"):
            try:
                call(policy)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request,
                    # "Could not …" first: the admin capitalises a message's first letter,
                    # which turned a policy named "pii guard" into "Pii guard: …".
                    f"Could not {verb_infinitive} “{policy}”: "
                    f"{' '.join(getattr(exc, 'messages', [str(exc)]))}",
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
    @confirm_first(
        question="Delete these policies?",
        consequence="From the next call on, no agent's call is checked against them; the audit "
        "log keeps their history. Disabling a policy instead keeps it for later.",
        button="Yes, delete them",
    )
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
    audited = False  # no audit entry is about one of these: no History (admin_history.py)
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
