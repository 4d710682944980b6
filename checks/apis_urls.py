from django.urls import path

from . import apis

urlpatterns = [
    path("check", apis.CheckApi.as_view(), name="check"),
    path("traces", apis.TracesApi.as_view(), name="traces"),
]
