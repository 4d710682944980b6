from django.urls import path

from . import apis

urlpatterns = [
    path("traces/<uuid:trace_id>", apis.TraceDetailApi.as_view(), name="trace-detail"),
    path("ledger/verify", apis.LedgerVerifyApi.as_view(), name="ledger-verify"),
]
