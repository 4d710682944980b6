"""Burst and sustained throttles keyed by API key, then organisation, then client IP."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiKey


class _KeyedThrottle(SimpleRateThrottle):
    def get_rate(self):
        # Read the rates at request time (not import time) so settings changes apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            ident = f"key:{request.auth.pk}"
        elif getattr(request, "organisation", None) is not None:
            ident = f"org:{request.organisation.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class BurstRateThrottle(_KeyedThrottle):
    scope = "burst"


class SustainedRateThrottle(_KeyedThrottle):
    scope = "sustained"
