"""The client IP of the request being served, so services can audit it without threading it through."""

from __future__ import annotations

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("execlave_current_ip", default=None)


def client_ip(meta) -> str | None:
    # Behind a proxy, production settings trust X-Forwarded-For's first hop.
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    if forwarded:
        return forwarded.split(",")[0].strip() or None
    return meta.get("REMOTE_ADDR") or None
