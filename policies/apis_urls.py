from django.urls import path

from . import apis

urlpatterns = [
    path("policies", apis.PolicyListApi.as_view(), name="policies"),
    path("policies/<int:policy_id>", apis.PolicyDetailApi.as_view(), name="policy-detail"),
]
