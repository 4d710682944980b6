"""Base ModelAdmin that confines a member to their own organisations' objects.

Every app's admin derives from it: set ``organisation_field`` (the lookup path from the model
to its Organisation), ``view_capability`` and ``manage_capability`` (None = read-only).
Objects of other organisations are absent from lists and choices, and typing their id into a
URL answers 404.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse

from .admin_history import AuditHistoryMixin
from .models import Agent, Organisation
from .selectors import organisations_for


def viewer_holds(request, capability: str | None) -> bool:
    """Whether the signed-in viewer holds ``capability`` in any of their organisations (an
    operator: whether there is any organisation), asked of the database once per request,
    viewer and capability.

    Every admin page lists the apps the viewer may open, and that list asks each model's admin
    for its module, view, add and change permission: ~80 identical queries a page before this
    (session 21). Remembered on the request, as Django's ModelBackend remembers a user's
    permissions on the user object for the request (``_perm_cache``); a new request asks again."""
    if capability is None:
        return False
    user = request.user
    asked = request.__dict__.setdefault("_execlave_holds", {})
    key = (user.pk, user.is_superuser, capability)
    if key not in asked:
        asked[key] = organisations_in_scope(user, capability).exists()
    return asked[key]


def organisations_in_scope(user, capability: str | None) -> QuerySet[Organisation]:
    """The organisations in which ``user`` holds ``capability``: every one for an operator
    (superuser), none for no capability."""
    if capability is None:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    return organisations_for(user=user, capability=capability)


def single_organisation_initial(model_admin, request, capability: str | None) -> dict:
    """An add form's organisation, chosen for a member of one organisation (with
    ``capability``): the only choice, so not a question."""
    orgs = model_admin.scoped_organisations(request, capability)
    return {"organisation": orgs.first()} if orgs.count() == 1 else {}


class OrganisationScopedAdmin(AuditHistoryMixin, admin.ModelAdmin):
    organisation_field: str | None = "organisation"  # None: the model is Organisation itself
    view_capability = "admin.access"
    manage_capability: str | None = None

    # --- tenancy helpers ------------------------------------------------------------------------
    def scoped_organisations(self, request, capability: str | None) -> QuerySet[Organisation]:
        return organisations_in_scope(request.user, capability)

    def organisation_of(self, obj) -> Organisation | None:
        if obj is None:
            return None
        if self.organisation_field is None:
            return obj
        value = obj
        for part in self.organisation_field.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def _in_scope(self, request, obj, capability: str | None) -> bool:
        org = self.organisation_of(obj)
        return (
            org is not None
            and self.scoped_organisations(request, capability).filter(pk=org.pk).exists()
        )

    # --- querysets and objects ------------------------------------------------------------------
    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        orgs = self.scoped_organisations(request, self.view_capability)
        if self.organisation_field is None:
            return qs.filter(pk__in=orgs)
        return qs.filter(**{f"{self.organisation_field}__in": orgs})

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such object in your organisation.")
        return obj

    # --- permissions ----------------------------------------------------------------------------
    def has_module_permission(self, request) -> bool:
        return viewer_holds(request, self.view_capability)

    def has_view_permission(self, request, obj=None) -> bool:
        if obj is None:
            return viewer_holds(request, self.view_capability)
        return self._in_scope(request, obj, self.view_capability)

    def has_add_permission(self, request) -> bool:
        return viewer_holds(request, self.manage_capability)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is None:
            return viewer_holds(request, self.manage_capability)
        return self._in_scope(request, obj, self.manage_capability)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deletions go through services exposed as explicit actions

    def get_list_display(self, request):
        # The organisation column says the same thing on every row to a member of one
        # organisation, and at 1,280 px it pushed a list's last columns (a key's status, when
        # it was last used) out of sight: shown to members of several, and to operators.
        shown = list(super().get_list_display(request))
        if (
            "organisation" in shown
            and len(shown) > 1
            and not request.user.is_superuser
            and self.scoped_organisations(request, self.view_capability).count() <= 1
        ):
            shown.remove("organisation")
        return shown

    def get_list_filter(self, request):
        # A plain related-field filter lists every row of the related table, other
        # organisations' included; offer only the values present in the scoped queryset.
        scoped = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and _is_relation(self.model, entry):
                entry = (entry, admin.RelatedOnlyFieldListFilter)
            scoped.append(entry)
        return scoped

    # --- choices --------------------------------------------------------------------------------
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        orgs = self.scoped_organisations(request, self.manage_capability or self.view_capability)
        if related is Organisation:
            kwargs["queryset"] = orgs
        elif related is get_user_model():
            kwargs["queryset"] = (
                get_user_model().objects.filter(memberships__organisation__in=orgs).distinct()
            )
        elif related is Agent:
            kwargs["queryset"] = Agent.objects.filter(organisation__in=orgs)
        elif any(f.name == "organisation" for f in related._meta.get_fields()):
            kwargs["queryset"] = related._default_manager.filter(organisation__in=orgs)
        elif not request.user.is_superuser:
            kwargs["queryset"] = related._default_manager.none()  # unknown tenancy: offer nothing
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.related_model
        orgs = self.scoped_organisations(request, self.manage_capability or self.view_capability)
        if related is Agent or any(f.name == "organisation" for f in related._meta.get_fields()):
            kwargs["queryset"] = related._default_manager.filter(organisation__in=orgs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # --- an object's own page offers its actions ---------------------------------------------------
    # (action, button label): list actions that also apply to the one object on its page. A
    # first-time user on a key's or a member's page looked there for "revoke" or "remove", and
    # found only the list's action menu. The button posts to the list as ticking that row and
    # choosing the action would: the same confirmation page (confirm_first), the same service
    # and the list's own organisation scoping. Setting this is all an admin does: every change
    # form's object tools (templates/admin/change_form_object_tools.html) show the buttons, so
    # no admin names a template of its own for them.
    object_actions: tuple[tuple[str, str], ...] = ()
    # Actions of one object only ("Leave the organisation" on your own membership): offered on
    # the object's page, never in the list's action menu, where they would apply to a selection.
    object_only_actions: tuple[str, ...] = ()

    def object_action_applies(self, request, name: str, obj) -> bool:
        """Whether ``name`` is offered on ``obj``'s page (a revoked key offers no revoke)."""
        return True

    def get_action_choices(self, request, default_choices=models.BLANK_CHOICE_DASH):
        choices = super().get_action_choices(request, default_choices)
        if request.method == "POST":
            # The same choices validate a posted action (Django's response_action): the
            # object's page posts these too.
            return choices
        return [(name, label) for name, label in choices if name not in self.object_only_actions]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and self.object_actions:
            available = self.get_actions(request)
            opts = self.model._meta
            context["object_actions"] = [
                (name, label)
                for name, label in self.object_actions
                if name in available and self.object_action_applies(request, name, obj)
            ]
            context["object_actions_url"] = reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist"
            )
            context["action_checkbox_name"] = helpers.ACTION_CHECKBOX_NAME
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- an empty list says what would fill it (templates/admin/change_list.html) ----------------
    empty_list_hint = ""  # plain text; where the first one comes from, what to do

    def changelist_view(self, request, extra_context=None):
        extra_context = {"empty_list_hint": self.empty_list_hint, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    # --- writes go through services (see ServiceModelForm) -----------------------------------------
    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def save_model(self, request, obj, form, change):
        if not getattr(form, "service_done", False):
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if not getattr(form, "service_done", False):
            super().save_related(request, form, formsets, change)


class ServiceModelForm(forms.ModelForm):
    """An admin form whose write is one service call, made while the form validates.

    Calling the service from ``clean()``, inside a savepoint, turns the service's
    ValidationError/PermissionDenied into form errors instead of a 500 or a half-applied change.
    """

    request = None
    service_done = False

    def call_service(self, cleaned_data: dict):  # -> the saved instance
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            # A savepoint of its own: a service failing halfway (e.g. after an agent_create,
            # a refused grant) rolls back whole, though the admin's transaction commits.
            with transaction.atomic():
                self.instance = self.call_service(cleaned)
            self.service_done = True
        except ValidationError as exc:
            _add_errors(self, exc)
        except PermissionDenied as exc:
            self.add_error(None, str(exc) or "You may not do this.")
        return cleaned

    def _post_clean(self):
        if not self.service_done:
            super()._post_clean()

    @property
    def actor(self):
        return self.request.user if self.request is not None else None


def _is_relation(model, path: str) -> bool:
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if not field.is_relation:
            return False
        model = field.related_model
    return field is not None and field.is_relation


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ReadOnlyAdminMixin:
    """For append-only records (audit log, ledger): viewable, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def confirm_first(*, question: str, consequence: str, button: str):
    """Decorate a destructive admin action so that it asks first, as Django's own "delete
    selected" does: the action's first POST answers a page naming the selected objects and what
    the action will do, with a button to go ahead and a way back; only that page's POST runs
    the action. Put it under ``@admin.action``."""

    def decorate(action):
        @wraps(action)
        def ask_then_act(modeladmin, request, queryset):
            if request.POST.get("confirmed") == "yes":
                return action(modeladmin, request, queryset)
            objects = list(queryset)
            opts = modeladmin.model._meta
            return TemplateResponse(
                request,
                "admin/confirm_action.html",
                {
                    **modeladmin.admin_site.each_context(request),
                    "opts": opts,
                    "title": question,
                    "consequence": consequence,
                    "button": button,
                    "objects": objects,
                    "action": action.__name__,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                    "changelist_url": reverse(
                        f"{modeladmin.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist"
                    ),
                },
            )

        return ask_then_act

    return decorate
