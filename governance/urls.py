from django.urls import path

from . import views

urlpatterns = [
    path("organisation/switch/", views.organisation_switch, name="organisation-switch"),
]
