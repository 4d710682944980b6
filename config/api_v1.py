"""Everything under /api/v1/: each app contributes its ``apis_urls`` module."""

from importlib.util import find_spec

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

APPS = ["governance", "traces", "policies", "approvals", "privacy", "compliance"]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-v1:schema"), name="docs"),
]
urlpatterns += [
    path("", include(f"{app}.apis_urls")) for app in APPS if find_spec(f"{app}.apis_urls")
]
