"""HMAC-SHA256 signatures of checkpoints with the server's ledger key.

The key is ``settings.LEDGER_SIGNING_KEY``; when unset, one is derived from ``SECRET_KEY`` (so a
development install signs without configuration). ``key_id`` (16 hex characters of the key's
SHA-256) names the key in every checkpoint, so a rotated key is recognised rather than
mistaken for a forgery."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from . import chain


def signing_key() -> bytes:
    configured = getattr(settings, "LEDGER_SIGNING_KEY", None)
    if configured:
        return configured.encode("utf-8")
    return hmac.new(
        settings.SECRET_KEY.encode("utf-8"), b"execlave-ledger-signing-key", hashlib.sha256
    ).digest()


def key_id(key: bytes | None = None) -> str:
    return hashlib.sha256(key or signing_key()).hexdigest()[:16]


def sign(statement: dict, key: bytes | None = None) -> str:
    """Signature of a checkpoint statement (its canonical JSON, without ``signature``)."""
    return hmac.new(
        key or signing_key(), chain.canonical(statement).encode("utf-8"), hashlib.sha256
    ).hexdigest()


def signature_valid(statement: dict, signature: str, key: bytes | None = None) -> bool:
    return hmac.compare_digest(sign(statement, key), signature or "")
