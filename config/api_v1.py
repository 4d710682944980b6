"""Everything under /api/v1/: each app contributes its ``apis_urls`` module."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-v1:schema"), name="docs"),
    path("", include("governance.apis_urls")),
    path("", include("traces.apis_urls")),
    path("", include("policies.apis_urls")),
    path("", include("approvals.apis_urls")),
    path("", include("checks.apis_urls")),
    path("", include("compliance.apis_urls")),
]
