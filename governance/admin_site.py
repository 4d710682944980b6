"""The admin is the compliance officer's console. Members of an organisation log in with their
role (no ``is_staff`` flag needed) and see only their organisations' objects."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class ExeclaveAdminSite(admin.AdminSite):
    site_header = "Execlave"
    site_title = "Execlave"
    index_title = "Governance console"

    def has_permission(self, request) -> bool:
        from .selectors import organisations_for

        user = request.user
        if not (user.is_active and user.is_authenticated):
            return False
        return user.is_superuser or organisations_for(user=user, capability="admin.access").exists()

    def login(self, request, extra_context=None):
        from .forms import MemberLoginForm  # imported late: this module loads before the models

        self.login_form = MemberLoginForm
        return super().login(request, extra_context)


class ExeclaveAdminConfig(AdminConfig):
    default_site = "governance.admin_site.ExeclaveAdminSite"
