from django.urls import path

from . import apis

urlpatterns = [
    path("privacy/requests", apis.PrivacyRequestCreateApi.as_view(), name="privacy-requests"),
    path(
        "privacy/requests/<int:request_id>",
        apis.PrivacyRequestDetailApi.as_view(),
        name="privacy-request",
    ),
]
