from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("approvals/", views.queue, name="queue"),
    path("approvals/login/", views.ReviewerLoginView.as_view(), name="login"),
    path("approvals/list/", views.queue_list, name="list"),
    path("approvals/<uuid:approval_id>/", views.detail, name="detail"),
    path("approvals/<uuid:approval_id>/decide/", views.decide, name="decide"),
    path("approvals/<uuid:approval_id>/reveal/", views.reveal, name="reveal"),
]
