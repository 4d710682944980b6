"""Burst and sustained throttles keyed by API key, then organisation, then client IP.

A sliding-window *counter* (two fixed windows, the previous one weighted by how much of it
still overlaps the sliding window), kept with ``cache.incr``: O(1) per request whatever the
rate. DRF's ``SimpleRateThrottle`` keeps a list of every request time in the window and
pickles it on each request — at the default 200,000/hour that list reaches 200,000 floats.
"""

from __future__ import annotations

import math
import time

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from .models import ApiKey


class _KeyedThrottle(BaseThrottle):
    scope = ""
    timer = time.time

    def _ident(self, request) -> str:
        if isinstance(request.auth, ApiKey):
            return f"key:{request.auth.pk}"
        if getattr(request, "organisation", None) is not None:
            return f"org:{request.organisation.pk}"
        return f"ip:{self.get_ident(request)}"

    def allow_request(self, request, view) -> bool:
        # Read the rate at request time (not import time) so settings changes apply.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        if rate is None:
            return True
        limit, duration = SimpleRateThrottle.parse_rate(None, rate)
        now = self.timer()
        window = int(now // duration)
        base = f"throttle:{self.scope}:{self._ident(request)}:"
        current_key = base + str(window)
        try:
            count = cache.incr(current_key)
        except ValueError:  # first request of this window
            if cache.add(current_key, 1, timeout=2 * duration):
                count = 1
            else:  # another request created it meanwhile
                count = cache.incr(current_key)
        elapsed = now - window * duration
        self._wait = max(1.0, duration - elapsed)
        if count > limit:
            return False
        previous = cache.get(base + str(window - 1), 0)
        return previous * (1 - elapsed / duration) + count <= limit

    def wait(self) -> float:
        return math.ceil(self._wait)


class BurstRateThrottle(_KeyedThrottle):
    scope = "burst"


class SustainedRateThrottle(_KeyedThrottle):
    scope = "sustained"
