"""The audit log's admin (split from ``admin.py`` in session 19): read-only, its actions and
object types as people read them, filtered by the values the organisation's log holds."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.utils.html import format_html
from django.utils.text import capfirst

from .admin_history import object_url
from .admin_scoping import OrganisationScopedAdmin, ReadOnlyAdminMixin
from .admin_site import current_request
from .audit import action_label
from .models import AuditLog


def _object_kind(object_type: str) -> str:
    """ "governance.datasubjectrequest" -> "Data subject request": the model's name, as people
    read it (the raw label when the model is gone)."""
    try:
        return capfirst(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


class _AuditValuesFilter(admin.SimpleListFilter):
    """The values of one column among the rows the member may read, under their readable
    names (the stock filter listed "governance.datasubjectrequest", "dsr.in_progress")."""

    field = ""
    label_of = staticmethod(str)

    def lookups(self, request, model_admin):
        values = (
            model_admin.get_queryset(request)
            .order_by()
            .values_list(self.field, flat=True)
            .distinct()
        )
        return sorted(((v, self.label_of(v)) for v in values if v), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(**{self.field: self.value()}) if self.value() else queryset


class AuditActionFilter(_AuditValuesFilter):
    title, parameter_name, field = "action", "action", "action"
    label_of = staticmethod(action_label)


class AuditObjectTypeFilter(_AuditValuesFilter):
    title, parameter_name, field = "object", "object_type", "object_type"
    label_of = staticmethod(_object_kind)


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdminMixin, OrganisationScopedAdmin):
    audited = False  # no audit entry is about one of these: no History (admin_history.py)
    view_capability = "audit.read"
    list_display = [
        "created_at",
        "organisation",
        "actor",
        "what",
        "object_kind",
        "object_repr",
        "ip",
    ]
    list_filter = [AuditActionFilter, AuditObjectTypeFilter, "organisation"]
    search_fields = ["actor_label", "action", "object_repr", "object_id"]
    date_hierarchy = "created_at"
    list_select_related = ["organisation"]
    readonly_fields = [
        "created_at",
        "organisation",
        "actor_label",
        "actor_user",
        "actor_api_key",
        "what",
        "object_kind",
        "record",
        "object_id",
        "before",
        "after",
        "ip",
    ]
    fields = readonly_fields
    show_full_result_count = False

    def get_actions(self, request):
        return {}

    @admin.display(description="Actor", ordering="actor_label")
    def actor(self, obj):
        return obj.actor_label

    @admin.display(description="Action", ordering="action")
    def what(self, obj):
        return action_label(obj.action)

    @admin.display(description="Object", ordering="object_type")
    def object_kind(self, obj):
        return _object_kind(obj.object_type)

    @admin.display(description="Record")
    def record(self, obj):
        # On the entry's page, the record it is about opens from here when it still exists and
        # the reader may open it (the list leaves it as text: a look-up per row).
        request = current_request.get()
        url = object_url(request, self.admin_site, obj) if request is not None else None
        if url is None:
            return obj.object_repr or "—"
        return format_html('<a href="{}">{}</a>', url, obj.object_repr or url)
