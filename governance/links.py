"""Links that leave the console: e-mails and webhooks are read elsewhere, so their addresses are
absolute, on the address people reach the console at (``EXECLAVE_PUBLIC_URL``)."""

from __future__ import annotations

from django.conf import settings


def public_url(path: str) -> str:
    """``path`` (``/approvals/``, a ``reverse()``) on the console's public address; the address
    may end with a slash or carry a prefix (``https://example.org/execlave``)."""
    return settings.EXECLAVE_PUBLIC_URL.rstrip("/") + "/" + path.lstrip("/")
