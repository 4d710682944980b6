from django.urls import path

from . import apis

urlpatterns = [
    path("health", apis.HealthApi.as_view(), name="health"),
    path("whoami", apis.WhoAmIApi.as_view(), name="whoami"),
    path("agents", apis.AgentListApi.as_view(), name="agents"),
]
