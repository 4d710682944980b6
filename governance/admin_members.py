"""The members' admin (split from ``admin.py`` in session 25): invite with what each role is
for, change a role, remove another member, or leave the organisation from your own page; the
rules (only owners make owners, an organisation keeps an owner) are the services'."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from . import services
from .admin_scoping import (
    OrganisationScopedAdmin,
    ServiceModelForm,
    confirm_first,
    single_organisation_initial,
)
from .models import Membership
from .roles import ROLE_SUMMARIES, Role
from .selectors import is_sole_owner


def _offer_owner_only_to_owners(form) -> None:
    """Only owners make owners (services.membership_*): an admin is not offered the role the
    service would refuse, unless the membership shown already holds it."""
    user = getattr(form.request, "user", None)
    field = form.fields.get("role")
    if field is None or user is None or user.is_superuser:
        return
    if form.instance.pk and form.instance.role == Role.OWNER:
        return
    if not Membership.objects.filter(user=user, role=Role.OWNER).exists():
        field.choices = [(value, label) for value, label in field.choices if value != Role.OWNER]


def _explain_roles(form) -> None:
    """Under the role: what each role offered here is for (a first-time inviter asked what a
    compliance officer may do), and where the whole table is."""
    field = form.fields.get("role")
    if field is None:
        return
    lines = format_html_join(
        "",
        "<li><strong>{}</strong>: {}</li>",
        (
            (label, ROLE_SUMMARIES[Role(value)])
            for value, label in field.choices
            if value in Role.values
        ),
    )
    field.help_text = format_html('<ul class="role-summaries">{}</ul>', lines)


class MembershipAddForm(ServiceModelForm):
    email = forms.EmailField(
        help_text="Existing users are added; new ones get an e-mail with a link to choose their password."
    )

    class Meta:
        model = Membership
        fields = ["organisation", "email", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_owner_only_to_owners(self)
        _explain_roles(self)

    def call_service(self, cleaned):
        return services.membership_invite(
            organisation=cleaned["organisation"],
            email=cleaned["email"],
            role=cleaned["role"],
            actor=self.actor,
        )


class MembershipChangeForm(ServiceModelForm):
    class Meta:
        model = Membership
        fields = ["role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_owner_only_to_owners(self)
        _explain_roles(self)

    def call_service(self, cleaned):
        return services.membership_change_role(
            membership=self.instance, role=cleaned["role"], actor=self.actor
        )


@admin.register(Membership)
class MembershipAdmin(OrganisationScopedAdmin):
    manage_capability = "members.manage"
    list_display = ["user", "email", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user", "organisation"]
    actions = ["remove_members", "leave_organisation"]
    # Your own membership offers "Leave the organisation", anyone else's "Remove this member":
    # removing yourself is a deliberate leave, never a row ticked among others (session 24).
    object_actions = (
        ("remove_members", "Remove this member"),
        ("leave_organisation", "Leave the organisation"),
    )
    object_only_actions = ("leave_organisation",)

    def object_action_applies(self, request, name, obj) -> bool:
        own = obj.user_id == request.user.pk
        return own if name == "leave_organisation" else not own

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = MembershipChangeForm if obj is not None else MembershipAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["role"] if obj is not None else ["organisation", "email", "role"]

    def response_add(self, request, obj, post_url_continue=None):
        # The stock "was added successfully" left the inviter guessing whether anyone was told.
        response = super().response_add(request, obj, post_url_continue)
        email = obj.user.email
        if obj.user.has_usable_password():
            note = f"{email} is told of the new role by e-mail."
        else:
            days = settings.PASSWORD_RESET_TIMEOUT // 86400
            note = (
                f"An invitation with a link to choose a password is on its way to {email}; "
                f"the link works for {days} days (invite them again for a new one)."
            )
        self.message_user(request, note, messages.INFO)
        return response

    def get_readonly_fields(self, request, obj=None):
        return []

    def get_changeform_initial_data(self, request):
        return single_organisation_initial(self, request, self.manage_capability)

    @admin.display(ordering="user__email")
    def email(self, obj):
        return obj.user.email

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # "change": offered only to whoever may manage members (a compliance officer reading the
    # list was offered the action, then told "You may not do this").
    @admin.action(description="Remove the selected members", permissions=["change"])
    @confirm_first(
        question="Remove these members?",
        consequence="They lose access to the organisation at once; what they did stays in the "
        "audit log. Invite them again to give it back.",
        button="Yes, remove them",
    )
    def remove_members(self, request, queryset):
        removed = 0
        for membership in queryset.select_related("organisation", "user"):
            try:
                services.membership_remove(membership=membership, actor=request.user)
                removed += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request,
                    # "Could not …" first: the admin capitalises a message's first letter,
                    # which turned "alice@…" into "Alice@…".
                    f"Could not remove {membership.user}: "
                    f"{'; '.join(getattr(exc, 'messages', [str(exc)]))}",
                    messages.ERROR,
                )
        if removed:
            self.message_user(request, f"Removed {removed} member(s).", messages.SUCCESS)

    @admin.action(description="Leave the organisation")
    def leave_organisation(self, request, queryset):
        """Your own membership's page only (object_only_actions): asks first, naming the
        organisation; the only owner is told why they cannot, and what to do, instead."""
        mine = list(queryset.filter(user=request.user).select_related("organisation", "user"))
        if len(mine) != 1 or queryset.count() != 1:
            self.message_user(
                request, "Leave an organisation from your own membership's page.", messages.ERROR
            )
            return None
        membership = mine[0]
        if request.POST.get("confirmed") == "yes":
            try:
                services.membership_leave(membership=membership, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR
                )
                return HttpResponseRedirect(
                    reverse("admin:governance_membership_change", args=[membership.pk])
                )
            self.message_user(
                request,
                f"You left {membership.organisation}. An owner or admin there can invite you "
                "again.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("console:home"))
        return TemplateResponse(
            request,
            "admin/governance/membership/leave.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"Leave {membership.organisation}?",
                "membership": membership,
                "sole_owner": is_sole_owner(membership),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "changelist_url": reverse("admin:governance_membership_changelist"),
            },
        )
