"""An object's "History" in the console: its entries of our own audit log.

Django's History page lists ``LogEntry`` rows, which only the admin's stock save writes; every
change in Execlave goes through a service that writes ``AuditLog`` instead, so the page was
empty on every record (session 24's walk). Here it lists the audit log's entries about the
object, of the object's organisation, to whoever may read that organisation's audit log; the
link is not offered on records of which no history is kept (the ledger's entries, the audit
log's own), nor to a member who may not read the audit log.
"""

from __future__ import annotations

import json

from django.apps import apps
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst

from .audit import action_label
from .models import AuditLog
from .selectors import audit_entries_about

AUDIT_READ = "audit.read"


def _shown(value) -> str:
    if value is None:
        return "—"
    if value == "":
        return "(empty)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def changes(before: dict | None, after: dict | None) -> list[tuple[str, str, str]]:
    """(field, before, after) for each field an entry's before and after disagree on, in the
    order the entry wrote them; a field only one side has is shown against "—"."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    fields = list(dict.fromkeys([*before, *after]))
    return [
        (field.replace("_", " "), _shown(before.get(field)), _shown(after.get(field)))
        for field in fields
        if before.get(field) != after.get(field)
    ]


class AuditHistoryMixin:
    """For OrganisationScopedAdmin: History from the audit log (see the module)."""

    # False where no audit entry is ever written about one of the model's rows (the ledger's
    # entries and the audit log's own are records themselves): no History link there.
    audited = True

    def offers_history(self, request, obj) -> bool:
        return self.audited and obj is not None and self._in_scope(request, obj, AUDIT_READ)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))  # 404 outside the viewer's scope
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        if not self.audited:
            raise Http404("No history is kept for this record: it is a record itself.")
        if not self.offers_history(request, obj):
            raise PermissionDenied("Reading an object's history needs the audit log's right.")
        organisation = self.organisation_of(obj)
        entries = audit_entries_about(organisation=organisation, obj=obj)
        paginator = self.get_paginator(request, entries, 100)
        page = paginator.get_page(request.GET.get(PAGE_VAR, 1))
        rows = [
            {
                "entry": entry,
                "action": action_label(entry.action),
                "changes": changes(entry.before, entry.after),
            }
            for entry in page
        ]
        name = self.opts.verbose_name
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "rows": rows,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "page_var": PAGE_VAR,
            "kind": name,
            "audit_log_query": f"object_type={obj._meta.label_lower}&object_id={obj.pk}",
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/audit_history.html", context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["object_history"] = self.offers_history(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


def my_recent_actions(request, site, *, limit: int = 10) -> list[dict] | None:
    """The admin index's "Recent actions": the viewer's own latest audit log entries, in the
    organisations whose audit log they may read (Django's panel read LogEntry: "None
    available", always). Each links to its object when the viewer may open it, else to the
    entry. None where the viewer may read no audit log (no panel)."""
    # Late: admin_scoping imports this module.
    from .admin_scoping import organisations_in_scope, viewer_holds

    if not viewer_holds(request, AUDIT_READ):  # asked once a page (test_admin_queries)
        return None
    organisations = organisations_in_scope(request.user, AUDIT_READ)
    entries = (
        AuditLog.objects.filter(actor_user=request.user, organisation__in=organisations)
        .select_related("organisation")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        {
            "entry": entry,
            "action": action_label(entry.action),
            "url": object_url(request, site, entry)
            or reverse(f"{site.name}:governance_auditlog_change", args=[entry.pk]),
        }
        for entry in entries
    ]


def object_url(request, site, entry) -> str | None:
    """The admin page of the object an audit entry is about, when it still exists and the
    viewer may open it; else None."""
    try:
        model = apps.get_model(entry.object_type)
    except (LookupError, ValueError):
        return None
    model_admin = site._registry.get(model)
    if model_admin is None or not entry.object_id:
        return None
    obj = model_admin.get_queryset(request).filter(pk=entry.object_id).first()
    if obj is None or not model_admin.has_view_or_change_permission(request, obj):
        return None
    opts = model._meta
    return reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
