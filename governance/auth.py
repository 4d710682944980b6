"""``Authorization: Bearer exk_live_…`` authentication for the API."""

from __future__ import annotations

from django.conf import settings
from rest_framework import authentication, exceptions

from . import keys
from .models import ApiKey
from .selectors import api_key_lookup
from .services import api_key_touch


class ApiKeyUser:
    """What ``request.user`` is for an API-key request: the key acting for its organisation."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key
        self.organisation = api_key.organisation
        self.pk = None

    def __str__(self) -> str:
        return f"api key {self.api_key.masked}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != self.keyword.lower() or not token.strip():
            raise exceptions.AuthenticationFailed(
                "Use the header 'Authorization: Bearer <api key>'."
            )
        parsed = keys.parse(token.strip())
        if parsed is None:
            raise exceptions.AuthenticationFailed("Malformed API key.")
        api_key = api_key_lookup(prefix=parsed.prefix)
        # Compare even when no key has this prefix, so timing does not reveal which prefixes exist.
        hashed = api_key.hashed_secret if api_key else "0" * 64
        if not keys.secret_matches(parsed.secret, hashed) or api_key is None:
            raise exceptions.AuthenticationFailed("Invalid API key.")
        if api_key.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API key has been revoked.")
        if api_key.is_expired():
            raise exceptions.AuthenticationFailed("This API key has expired.")
        api_key_touch(api_key=api_key, interval_seconds=settings.API_KEY_LAST_USED_INTERVAL)
        return ApiKeyUser(api_key), api_key

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="execlave"'
