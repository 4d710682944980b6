from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.home, name="home"),
    path("privacy/requests/", views.request_list, name="requests"),
    path("privacy/requests/new/", views.request_new, name="request-new"),
    path("privacy/requests/<int:pk>/", views.request_detail, name="request"),
    path("privacy/requests/<int:pk>/matches/", views.request_matches, name="request-matches"),
    path("privacy/requests/<int:pk>/preview/", views.erasure_preview, name="erasure-preview"),
    path("privacy/requests/<int:pk>/act/<slug:action>/", views.request_act, name="request-act"),
    path("privacy/requests/<int:pk>/certificate.pdf", views.certificate_pdf, name="certificate"),
    path("privacy/bundles/<int:pk>/download/", views.bundle_download, name="bundle-download"),
    path("privacy/members/", views.member_list, name="members"),
    path("privacy/members/<int:user_pk>/export/", views.member_export, name="member-export"),
    path("privacy/members/<int:user_pk>/erase/", views.member_erase, name="member-erase"),
    path("privacy/me/", views.my_data, name="me"),
]
