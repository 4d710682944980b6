"""The admin is the compliance officer's console. Members of an organisation log in with their
role (no ``is_staff`` flag needed) and see only their organisations' objects."""

from __future__ import annotations

from contextvars import ContextVar
from functools import wraps

from django.contrib import admin
from django.contrib.admin import helpers, options, widgets
from django.contrib.admin.apps import AdminConfig
from django.template.response import SimpleTemplateResponse

# The request an admin view is answering (set by ExeclaveAdminSite.admin_view while the view
# runs and its page renders): a read-only field's link needs to know who is looking.
current_request: ContextVar = ContextVar("execlave_admin_request", default=None)


class ExeclaveAdminSite(admin.AdminSite):
    site_header = "Execlave"
    site_title = "Execlave"
    index_title = "Governance console"

    def has_permission(self, request) -> bool:
        from .admin_scoping import viewer_holds  # late: this module loads before the models

        user = request.user
        if not (user.is_active and user.is_authenticated):
            return False
        return user.is_superuser or viewer_holds(request, "admin.access")

    def login(self, request, extra_context=None):
        from .forms import MemberLoginForm  # imported late: this module loads before the models

        self.login_form = MemberLoginForm
        return super().login(request, extra_context)

    def index(self, request, extra_context=None):
        from .admin_history import my_recent_actions  # late: this module loads before the models

        recent = my_recent_actions(request, self)
        return super().index(request, {"my_recent_actions": recent, **(extra_context or {})})

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def with_request(request, *args, **kwargs):
            token = current_request.set(request)
            try:
                response = inner(request, *args, **kwargs)
                # Render here, while the request is known to the read-only fields.
                if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                    response.render()
                return response
            finally:
                current_request.reset(token)

        return with_request


class PermittedReadonlyField(helpers.AdminReadonlyField):
    """A read-only related object (an approval's agent, an agent's owner, ...) is a link only
    when the viewer may open it: Django links it to its change page whatever the viewer may see,
    which answers members a bare 403 (a user) or 404 (another organisation's object)."""

    def get_admin_url(self, remote_field, remote_obj):
        request = current_request.get()
        if request is not None and not request.user.is_superuser:
            target = self.model_admin.admin_site._registry.get(remote_field.model)
            if target is None or not target.has_view_or_change_permission(request, remote_obj):
                return str(remote_obj)
        return super().get_admin_url(remote_field, remote_obj)


class LabelledSplitDateTime(widgets.AdminSplitDateTime):
    """Django's date + time pair with a <label> for each input (the stock widget writes "Date:"
    and "Time:" as bare text, so neither input has a name for a screen reader: axe's "label",
    critical, on the report request form)."""

    template_name = "governance/widgets/split_datetime.html"


class ExeclaveAdminConfig(AdminConfig):
    default_site = "governance.admin_site.ExeclaveAdminSite"

    def ready(self):
        # Every ModelAdmin copies its DateTimeField widget from this table when it is registered
        # (autodiscover, in super().ready()), so it changes first.
        from django.db import models

        options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DateTimeField]["widget"] = (
            LabelledSplitDateTime
        )
        super().ready()
        # Fieldline builds every read-only field of every ModelAdmin and inline from this name.
        helpers.AdminReadonlyField = PermittedReadonlyField
