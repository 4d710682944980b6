"""The audit log's admin (split from ``admin.py`` in session 19): read-only, its actions and
object types as people read them, filtered by the values the organisation's log holds."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.utils.text import capfirst

from .admin_scoping import OrganisationScopedAdmin, ReadOnlyAdminMixin
from .audit import AuditAction
from .models import AuditLog


def _action_label(value: str) -> str:
    return AuditAction(value).label if value in AuditAction.values else value


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
    label_of = staticmethod(_action_label)


class AuditObjectTypeFilter(_AuditValuesFilter):
    title, parameter_name, field = "object", "object_type", "object_type"
    label_of = staticmethod(_object_kind)


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdminMixin, OrganisationScopedAdmin):
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
        "action",
        "object_type",
        "object_id",
        "object_repr",
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
        return _action_label(obj.action)

    @admin.display(description="Object", ordering="object_type")
    def object_kind(self, obj):
        return _object_kind(obj.object_type)
