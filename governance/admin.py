from __future__ import annotations

import secrets

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse
from guardian.shortcuts import get_users_with_perms

from . import (
    admin_audit_log,  # noqa: F401  (registers the audit log's admin)
    admin_members,  # noqa: F401  (registers the members' admin)
    services,
)
from .admin_scoping import (
    OrganisationScopedAdmin,
    ServiceModelForm,
    confirm_first,
    single_organisation_initial,
)
from .models import (
    Agent,
    ApiKey,
    Organisation,
    RiskClass,
    Scope,
)
from .roles import Role
from .selectors import agents_for, can_on_agent

# --- organisations -------------------------------------------------------------------------------


class OrganisationForm(ServiceModelForm):
    webhook_url = forms.URLField(
        required=False, assume_scheme="https", help_text="Slack-compatible webhook for approvals."
    )
    # Write-only: never rendered back, blank keeps the current secret.
    webhook_secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Signs webhook calls (HMAC-SHA256). Leave blank to keep the current secret.",
    )

    class Meta:
        model = Organisation
        # What organisation_update may change (and audits), plus the secret it never records.
        fields = [*services.ORGANISATION_FIELDS, "webhook_secret"]

    def call_service(self, cleaned):
        fields = {f: cleaned[f] for f in self.Meta.fields if f in cleaned}
        if not fields.get("webhook_secret"):
            fields.pop("webhook_secret", None)
        if self.instance.pk is None:
            name = fields.pop("name")
            return services.organisation_create(
                name=name, actor=self.actor, owner=self.actor, **fields
            )
        return services.organisation_update(organisation=self.instance, actor=self.actor, **fields)


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin):
    form = OrganisationForm
    organisation_field = None
    manage_capability = "organisation.manage"
    list_display = [
        "name",
        "slug",
        "plan",
        "retention",
        "member_count",
        "agent_count",
        "created_at",
    ]
    list_filter = ["plan"]
    search_fields = ["name", "slug"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_count=Count("memberships", distinct=True),
                agent_count=Count("agents", distinct=True),
            )
        )

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser  # new tenants are created by the operator

    def get_fields(self, request, obj=None):
        fields = list(OrganisationForm.Meta.fields)
        if not self.has_change_permission(request, obj):
            fields.remove("webhook_secret")  # read-only viewers never see it
        return fields

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        return ["plan"]  # the plan is the operator's to change

    @admin.display(description="Retention")
    def retention(self, obj):
        days = obj.retention_days
        return "unlimited" if days is None else f"{days} days"

    @admin.display(description="Members", ordering="member_count")
    def member_count(self, obj):
        return obj.member_count

    @admin.display(description="Agents", ordering="agent_count")
    def agent_count(self, obj):
        return obj.agent_count


# --- agents --------------------------------------------------------------------------------------


class AgentForm(ServiceModelForm):
    reviewers = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Reviewers who may decide this agent's approvals (owners and admins always may).",
    )

    class Meta:
        model = Agent
        fields = ["organisation", "name", "description", "owner", "is_active", "risk_class"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            org_ids = [self.instance.organisation_id]
        else:
            org_ids = self.fields["organisation"].queryset
        from django.contrib.auth import get_user_model

        self.fields["reviewers"].queryset = (
            get_user_model()
            .objects.filter(memberships__organisation__in=org_ids, memberships__role=Role.REVIEWER)
            .distinct()
        )
        if self.instance.pk:
            self.initial["reviewers"] = list(
                get_users_with_perms(
                    self.instance, only_with_perms_in=["decide_approvals"]
                ).values_list("pk", flat=True)
            )

    def call_service(self, cleaned):
        if self.instance.pk is None:
            agent = services.agent_create(
                organisation=cleaned["organisation"],
                name=cleaned["name"],
                actor=self.actor,
                description=cleaned.get("description", ""),
                owner=cleaned.get("owner"),
                risk_class=cleaned.get("risk_class") or RiskClass.MINIMAL,
                is_active=cleaned.get("is_active", True),
            )
        else:
            agent = services.agent_update(
                agent=self.instance,
                actor=self.actor,
                name=cleaned["name"],
                description=cleaned.get("description", ""),
                owner=cleaned.get("owner"),
                risk_class=cleaned["risk_class"],
                is_active=cleaned.get("is_active", False),
            )
        if "reviewers" in self.changed_data:
            wanted = set(cleaned.get("reviewers") or [])
            current = set(get_users_with_perms(agent, only_with_perms_in=["decide_approvals"]))
            for user in wanted - current:
                services.agent_permission_grant(
                    agent=agent, user=user, permission="decide_approvals", actor=self.actor
                )
            for user in current - wanted:
                services.agent_permission_revoke(
                    agent=agent, user=user, permission="decide_approvals", actor=self.actor
                )
        return agent


@admin.register(Agent)
class AgentAdmin(OrganisationScopedAdmin):
    empty_list_hint = (
        "No agents yet. “Add agent” registers one by the name its SDK sends; Get started walks "
        "you from a new agent to its first governed call."
    )
    form = AgentForm
    manage_capability = "agents.manage"
    list_display = ["name", "organisation", "risk_class", "is_active", "owner", "created_at"]
    list_filter = ["risk_class", "is_active", "organisation"]
    search_fields = ["name", "description"]
    list_select_related = ["organisation", "owner"]

    def get_readonly_fields(self, request, obj=None):
        return ["organisation"] if obj is not None else []

    def has_change_permission(self, request, obj=None) -> bool:
        if request.user.is_superuser or not super().has_change_permission(request):
            return super().has_change_permission(request, obj)
        if obj is None:
            # Without an object Django words the list ("Select agent to change" / "to view") and
            # the index's link: a developer who owns none of the agents listed may add one, but
            # changes none of these.
            return agents_for(user=request.user, capability="agents.manage").exists()
        return can_on_agent(user=request.user, agent=obj, capability="agents.manage")

    def get_changeform_initial_data(self, request):
        return single_organisation_initial(self, request, self.manage_capability)


# --- API keys ------------------------------------------------------------------------------------


# The add forms already used in this session (their "once" tokens), so that reloading the
# "API key created" page, which re-posts the form, does not create a second key.
USED_KEY_FORMS = "execlave_apikey_forms_used"


class ApiKeyAddForm(ServiceModelForm):
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices, widget=forms.CheckboxSelectMultiple, initial=["check", "ingest"]
    )
    once = forms.CharField(
        widget=forms.HiddenInput, required=False, initial=lambda: secrets.token_hex(16)
    )

    class Meta:
        model = ApiKey
        fields = ["organisation", "name", "agent", "scopes", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is not None and not self.request.user.is_superuser:
            self.fields["agent"].queryset = agents_for(
                user=self.request.user, capability="keys.manage_agent"
            )

    def call_service(self, cleaned):
        agent = cleaned.get("agent")
        if agent is not None and agent.organisation_id != cleaned["organisation"].id:
            raise ValidationError({"agent": "Choose an agent of the selected organisation."})
        session = getattr(self.request, "session", None)
        once = cleaned.get("once") or ""
        if once and session is not None and once in session.get(USED_KEY_FORMS, []):
            raise ValidationError(
                "This form was already sent: its key was created and shown once. If you did"
                " not copy it, revoke it in the list; to make another key, open “Add API key”"
                " again."
            )
        api_key, plaintext = services.api_key_create(
            organisation=cleaned["organisation"],
            name=cleaned["name"],
            actor=self.actor,
            scopes=cleaned["scopes"],
            agent=agent,
            expires_at=cleaned.get("expires_at"),
        )
        self.plaintext = plaintext
        if once and session is not None:
            session[USED_KEY_FORMS] = [*session.get(USED_KEY_FORMS, [])[-19:], once]
        return api_key


@admin.register(ApiKey)
class ApiKeyAdmin(OrganisationScopedAdmin):
    empty_list_hint = (
        "No API keys yet. An agent needs one to ask Execlave before it acts and to record what it"
        " did: “Add API key” makes one and shows it once; Get started walks you from a new agent "
        "to its first governed call."
    )
    manage_capability = "keys.manage_agent"
    list_display = [
        "name",
        "masked",
        "organisation",
        "agent",
        "scope_list",
        "status",
        "created_by",
        "created_at",
        "last_used_at",
        "expires_at",
    ]
    list_filter = ["organisation", "agent"]
    search_fields = ["name", "prefix"]
    list_select_related = ["organisation", "agent", "created_by"]
    readonly_fields = [
        "name",
        "masked",
        "status",
        "organisation",
        "agent",
        "scope_list",
        "created_by",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    actions = ["revoke_keys", "rotate_key"]
    object_actions = (("rotate_key", "Rotate this key"), ("revoke_keys", "Revoke this key"))

    def object_action_applies(self, request, name, obj) -> bool:
        return obj.revoked_at is None

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return (
            ["organisation", "name", "agent", "scopes", "expires_at", "once"]
            if obj is None
            else self.readonly_fields
        )

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_changeform_initial_data(self, request):
        return single_organisation_initial(self, request, self.manage_capability)

    def has_change_permission(self, request, obj=None) -> bool:
        # A key is never edited (rotate and revoke are actions). False without an object too:
        # Django words the list's title ("Select API key to view") and the index's link from it.
        return False

    def response_add(self, request, obj, post_url_continue=None):
        # The secret is rendered into this one response and stored nowhere (not in the
        # messages cookie or the session); the page must not be cached either.
        response = TemplateResponse(
            request,
            "admin/governance/apikey/created.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "API key created",
                "api_key": obj,
                "plaintext": getattr(request, "_execlave_plaintext", ""),
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    def save_model(self, request, obj, form, change):
        request._execlave_plaintext = getattr(form, "plaintext", None)
        super().save_model(request, obj, form, change)

    @admin.display(description="key")
    def masked(self, obj):
        # Its first characters: the whole key was shown once, when it was made.
        return obj.masked

    @admin.display(description="Scopes")
    def scope_list(self, obj):
        return ", ".join(obj.scopes)

    @admin.display(description="Status")
    def status(self, obj):
        if obj.revoked_at:
            return "revoked"
        if obj.is_expired():
            return "expired"
        return "active"

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Rotate the selected key (new secret, the old one works 24 hours)")
    @confirm_first(
        question="Rotate this API key?",
        consequence="A new key with the same name, agent, scopes and expiry is made and shown "
        "once. The old key keeps working for 24 hours, then expires: put the new one in the "
        "agent's EXECLAVE_API_KEY before then.",
        button="Yes, rotate it",
    )
    def rotate_key(self, request, queryset):
        keys = list(queryset.select_related("organisation", "agent")[:2])
        if len(keys) != 1:
            self.message_user(request, "Select one key to rotate.", messages.WARNING)
            return None
        old = keys[0]
        try:
            new, plaintext = services.api_key_rotate(api_key=old, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            why = " ".join(getattr(exc, "messages", [str(exc)]))
            self.message_user(request, f"Could not rotate {old}: {why}", messages.ERROR)
            return None
        old.refresh_from_db()
        # As after creating a key: the secret is in this one response only, never cached.
        response = TemplateResponse(
            request,
            "admin/governance/apikey/created.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "API key rotated",
                "api_key": new,
                "plaintext": plaintext,
                "rotated": old,
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke the selected keys")
    @confirm_first(
        question="Revoke these API keys?",
        consequence="An agent using a revoked key is refused at once (401 “This API key has been "
        "revoked.”), whatever its fail mode. A revoked key cannot be restored: the agent needs a "
        "new one.",
        button="Yes, revoke them",
    )
    def revoke_keys(self, request, queryset):
        revoked = 0
        already = queryset.filter(revoked_at__isnull=False).count()
        if already:
            self.message_user(request, f"{already} key(s) were already revoked.", messages.INFO)
        for api_key in queryset.filter(revoked_at__isnull=True).select_related(
            "organisation", "agent"
        ):
            try:
                services.api_key_revoke(api_key=api_key, actor=request.user)
                revoked += 1
            except PermissionDenied as exc:
                self.message_user(request, f"Could not revoke {api_key}: {exc}", messages.ERROR)
        if revoked:
            self.message_user(request, f"Revoked {revoked} key(s).", messages.SUCCESS)
