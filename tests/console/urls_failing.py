"""The site's URLs plus one view that fails, for the 500 page's test (config.urls' handlers kept)."""

from django.urls import path

from config.urls import handler404, handler500, urlpatterns  # noqa: F401 - the handlers are read by name


def _fails(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [*urlpatterns, path("fails/", _fails), path("api/v1/fails/", _fails)]
