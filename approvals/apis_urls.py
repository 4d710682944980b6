from django.urls import path

from .apis import ApprovalWaitApi

urlpatterns = [
    path("approvals/<uuid:approval_id>", ApprovalWaitApi.as_view(), name="approval-wait"),
]
