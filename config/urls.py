from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.urls import include, path
from django.views import defaults

ACCOUNT_PAGES = {"site_header": admin.site.site_header, "site_title": admin.site.site_title}

urlpatterns = [
    path("", include("console.urls")),
    path("admin/", admin.site.urls),
    # Invited members choose their password through these links (templates from the admin, with
    # its header: without it Django's pages say "Django administration" and "Password reset").
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            extra_context={**ACCOUNT_PAGES, "title": "Choose your password"}
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            extra_context={**ACCOUNT_PAGES, "title": "Your password is set"}
        ),
        name="password_reset_complete",
    ),
    path("api/v1/", include(("config.api_v1", "api-v1"), namespace="api-v1")),
    path("", include("governance.urls")),
    path("", include("privacy.urls")),
    # HTML screens: the approval queue, report pages.
    path("", include("approvals.urls")),
    path("", include("compliance.urls")),
]


def _api_aware(status: int, message: str):
    def view(request, exception=None):
        if request.path.startswith("/api/"):
            return JsonResponse({"errors": {"detail": [message]}}, status=status)
        handler = {404: defaults.page_not_found, 500: defaults.server_error}[status]
        return handler(request, exception) if status == 404 else handler(request)

    return view


handler404 = _api_aware(404, "Not found.")
handler500 = _api_aware(500, "Server error.")
