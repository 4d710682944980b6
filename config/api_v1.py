"""Everything under /api/v1/: each app contributes its ``apis_urls`` module."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

# The API references are served from local static files (drf-spectacular-sidecar); this policy
# also stops the few URLs their bundles hard-code (ReDoc's "by Redocly" logo) from being
# fetched, so the pages make no request beyond this server.
LOCAL_ONLY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'"
)


def _local_only(view):
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = LOCAL_ONLY
        return response

    return wrapped


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        _local_only(SpectacularSwaggerView.as_view(url_name="api-v1:schema")),
        name="docs",
    ),
    path(
        "redoc/",
        _local_only(SpectacularRedocView.as_view(url_name="api-v1:schema")),
        name="redoc",
    ),
    path("", include("governance.apis_urls")),
    path("", include("traces.apis_urls")),
    path("", include("policies.apis_urls")),
    path("", include("approvals.apis_urls")),
    path("", include("checks.apis_urls")),
    path("", include("privacy.apis_urls")),
    path("", include("compliance.apis_urls")),
]
