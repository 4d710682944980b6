from django.urls import path

from . import apis, apis_testing

urlpatterns = [
    path("policies", apis.PolicyListApi.as_view(), name="policies"),
    path("policies/test", apis_testing.PolicyTestApi.as_view(), name="policy-test"),
    path("policies/dry-run", apis_testing.PolicyDryRunApi.as_view(), name="policy-dry-run"),
    path(
        "policies/dry-run/<str:task>",
        apis_testing.PolicyDryRunStatusApi.as_view(),
        name="policy-dry-run-status",
    ),
    path("policies/<int:policy_id>", apis.PolicyDetailApi.as_view(), name="policy-detail"),
]
