"""The client IP of the request being served, so services can audit it without threading it through."""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar

from django.conf import settings

current_ip: ContextVar[str | None] = ContextVar("execlave_current_ip", default=None)


def _valid(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(meta) -> str | None:
    """REMOTE_ADDR, or — behind TRUSTED_PROXY_COUNT proxies — the address the outermost
    trusted proxy saw, read from the right of X-Forwarded-For (the left part is client-forged)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [
            hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()
        ]
        if len(hops) >= proxies:
            return _valid(hops[-proxies])
    return _valid(meta.get("REMOTE_ADDR"))
