"""Admin for data-subject requests. The privacy app owns fulfilment; the request model stays
in governance so the compliance reports can read it."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from governance import services
from governance.admin_scoping import OrganisationScopedAdmin, ServiceModelForm
from governance.models import DataSubjectRequest
from traces.erasure import erasure_execute


def _single_org_initial(admin_obj, request, capability):
    orgs = admin_obj.scoped_organisations(request, capability)
    return {"organisation": orgs.first()} if orgs.count() == 1 else {}


class DataSubjectRequestForm(ServiceModelForm):
    class Meta:
        model = DataSubjectRequest
        fields = ["organisation", "kind", "subject", "notes"]

    def call_service(self, cleaned):
        return services.data_subject_request_create(
            organisation=cleaned["organisation"],
            kind=cleaned["kind"],
            subject=cleaned["subject"],
            notes=cleaned.get("notes", ""),
            actor=self.actor,
        )


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(OrganisationScopedAdmin):
    form = DataSubjectRequestForm
    view_capability = "dsr.manage"
    manage_capability = "dsr.manage"
    list_display = [
        "subject",
        "kind",
        "status",
        "organisation",
        "received_at",
        "due_at",
        "completed_at",
    ]
    list_filter = ["kind", "status", "organisation"]
    search_fields = ["subject"]
    date_hierarchy = "received_at"
    actions = ["carry_out_erasure", "reject_requests"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Carry out erasure (GDPR Art. 17) on the ledger")
    def carry_out_erasure(self, request, queryset):
        for dsr in queryset.select_related("organisation"):
            try:
                result = erasure_execute(request=dsr, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request,
                    f"{dsr}: {'; '.join(getattr(exc, 'messages', [str(exc)]))}",
                    messages.ERROR,
                )
                continue
            self.message_user(
                request,
                f"{dsr}: {result['ledger_entries_erased']} ledger payload(s) erased in "
                f"{len(result['traces'])} trace(s); the chain still verifies.",
                messages.SUCCESS,
            )

    @admin.action(description="Reject the selected requests")
    def reject_requests(self, request, queryset):
        for dsr in queryset.exclude(status__in=["completed", "rejected"]):
            try:
                services.data_subject_request_close(
                    request=dsr, actor=request.user, status="rejected"
                )
            except PermissionDenied as exc:
                self.message_user(request, f"{dsr}: {exc}", messages.ERROR)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "organisation",
            "kind",
            "subject",
            "status",
            "received_at",
            "due_at",
            "completed_at",
            "notes",
            "result",
            "handled_by",
        ]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def get_changeform_initial_data(self, request):
        return _single_org_initial(self, request, self.manage_capability)
