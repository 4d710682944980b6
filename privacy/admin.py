"""Admin for data-subject requests: a read-only register with deadlines and overdue flags.
Requests are filed and acted on at /privacy/ (the intake form, the request page, its preview
and certificate); the request model stays in governance so the compliance reports read it."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html

from governance.admin_scoping import OrganisationScopedAdmin, ReadOnlyAdminMixin
from governance.models import DataSubjectRequest, Membership
from governance.roles import roles_with

from .models import Bundle


class OverdueFilter(admin.SimpleListFilter):
    title = "deadline"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("week", "Due within 7 days")]

    def queryset(self, request, queryset):
        now = timezone.now()
        open_ = queryset.filter(status__in=DataSubjectRequest.OPEN_STATUSES)
        if self.value() == "overdue":
            return open_.filter(due_at__lt=now)
        if self.value() == "week":
            return open_.filter(due_at__gte=now, due_at__lt=now + timezone.timedelta(days=7))
        return queryset


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(ReadOnlyAdminMixin, OrganisationScopedAdmin):
    empty_list_hint = (
        "No data-subject requests. Owners and admins file them at Privacy requests → New request,"
        " or an integration through the API."
    )
    view_capability = "dsr.read"
    list_display = [
        "reference_link",
        "kind",
        "jurisdiction",
        "subject",
        "status",
        "organisation",
        "received_at",
        "due",
        "handled_by",
    ]
    list_filter = [OverdueFilter, "kind", "status", "jurisdiction", "organisation"]
    list_select_related = ["organisation", "handled_by"]
    search_fields = ["subject"]
    date_hierarchy = "received_at"

    def get_list_display(self, request):
        # The request pages at /privacy/ answer members who may read requests; an operator
        # (superuser) without such a membership reads the register here, unlinked.
        display = list(super().get_list_display(request))
        if not Membership.objects.filter(
            user=request.user, role__in=roles_with("dsr.read")
        ).exists():
            display = ["reference" if f == "reference_link" else f for f in display]
        return display

    def get_list_display_links(self, request, list_display):
        # The reference links to the request's page itself; Django's own link to the change
        # form around it would nest one <a> in another, leaving an empty link (axe: link-name).
        if "reference_link" in list_display:
            return None
        return super().get_list_display_links(request, list_display)

    @admin.display(description="request", ordering="pk")
    def reference(self, obj):
        return obj.reference

    @admin.display(description="request", ordering="pk")
    def reference_link(self, obj):
        return format_html('<a href="/privacy/requests/{}/">{}</a>', obj.pk, obj.reference)

    @admin.display(description="due", ordering="due_at")
    def due(self, obj):
        if obj.is_overdue():
            return format_html(
                '<strong style="color:#b42318">{} — overdue</strong>', f"{obj.due_at:%Y-%m-%d}"
            )
        if obj.is_open:
            return f"{obj.due_at:%Y-%m-%d} ({obj.days_left()} days left)"
        return f"{obj.due_at:%Y-%m-%d}"


@admin.register(Bundle)
class BundleAdmin(ReadOnlyAdminMixin, OrganisationScopedAdmin):
    audited = False  # no audit entry is about one of these: no History (admin_history.py)
    view_capability = "dsr.read"
    organisation_field = "request__organisation"
    list_display = ["filename", "request", "created_at", "expires_at", "size", "purged_at"]
    fields = ["filename", "request", "created_at", "expires_at", "sha256", "size", "purged_at"]
    readonly_fields = fields
