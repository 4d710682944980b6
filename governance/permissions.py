from __future__ import annotations

from functools import cache

from rest_framework import permissions

from .models import ApiKey


class IsApiKey(permissions.BasePermission):
    message = "Authenticate with 'Authorization: Bearer <api key>'."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, ApiKey)


@cache
def scope_required(scope: str) -> type[permissions.BasePermission]:
    """A permission class requiring an API key that carries ``scope`` (missing scope: 403)."""

    class HasScope(IsApiKey):
        message = f"This API key lacks the '{scope}' scope."

        def has_permission(self, request, view) -> bool:
            if not isinstance(request.auth, ApiKey):
                self.message = IsApiKey.message
                return False
            return scope in request.auth.scopes

    HasScope.__name__ = f"HasScope_{scope}"
    return HasScope
