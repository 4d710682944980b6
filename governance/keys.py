"""API key format: ``exk_live_<prefix>_<secret>``.

The 8-character prefix is stored in clear (indexed, for lookup and for showing a masked key);
only the SHA-256 of the secret is stored. Secrets carry 256 bits of entropy, so a fast hash is
enough (no password-stretching needed) and keeps authentication off the hot path's budget.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

KEY_MARKER = "exk_live_"
PREFIX_LENGTH = 8


@dataclass(frozen=True)
class ParsedKey:
    prefix: str
    secret: str


def generate() -> tuple[str, str, str]:
    """Return (plaintext key, prefix, hashed secret)."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    return f"{KEY_MARKER}{prefix}_{secret}", prefix, hash_secret(secret)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse(raw: str) -> ParsedKey | None:
    if not raw.startswith(KEY_MARKER):
        return None
    rest = raw[len(KEY_MARKER) :]
    prefix, sep, secret = (
        rest[:PREFIX_LENGTH],
        rest[PREFIX_LENGTH : PREFIX_LENGTH + 1],
        rest[PREFIX_LENGTH + 1 :],
    )
    if sep != "_" or len(prefix) != PREFIX_LENGTH or not secret:
        return None
    return ParsedKey(prefix=prefix, secret=secret)


def secret_matches(secret: str, hashed: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), hashed)


def masked(prefix: str) -> str:
    return f"{KEY_MARKER}{prefix}_…"
