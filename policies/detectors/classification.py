"""Rule-based sensitivity classification: public < internal < confidential < restricted.

A text is classified at the highest level any rule gives it:
- **markers** people write on documents ("CONFIDENTIAL", "Internal use only",
  "classification: restricted", "TOP SECRET", "attorney-client privileged");
- **patterns** of secrets (private-key blocks, cloud and API keys, JWTs,
  ``password=...``), which are restricted;
- **PII** found by the PII detector: government and financial identifiers
  (SSN, card, IBAN, passport) make a text restricted, contact and other personal data
  (e-mail, phone, date of birth, IP address) confidential.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

PUBLIC = "public"
INTERNAL = "internal"
CONFIDENTIAL = "confidential"
RESTRICTED = "restricted"

LEVELS: tuple[str, ...] = (PUBLIC, INTERNAL, CONFIDENTIAL, RESTRICTED)
RANK: dict[str, int] = {level: i for i, level in enumerate(LEVELS)}

PII_LEVELS: dict[str, str] = {
    "ssn": RESTRICTED,
    "credit_card": RESTRICTED,
    "iban": RESTRICTED,
    "us_passport": RESTRICTED,
    "email": CONFIDENTIAL,
    "phone": CONFIDENTIAL,
    "date_of_birth": CONFIDENTIAL,
    "ip_address": INTERNAL,
}

# (level, rule name, pattern). Markers are matched case-insensitively unless the word is
# ordinary English in lower case ("internal", "restricted"), where only the upper-case
# stamp or an explicit "classification:" label counts.
_MARKERS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (RESTRICTED, "marker:top_secret", re.compile(r"\btop[\s-]secret\b", re.I)),
    (
        RESTRICTED,
        "marker:strictly_confidential",
        re.compile(r"\bstrictly[\s-]confidential\b", re.I),
    ),
    (RESTRICTED, "marker:restricted", re.compile(r"\bRESTRICTED\b")),
    (
        RESTRICTED,
        "marker:restricted_label",
        re.compile(r"\b(?:classification|classified|sensitivity)\s*[:=]\s*restricted\b", re.I),
    ),
    (CONFIDENTIAL, "marker:confidential", re.compile(r"\bconfidential\b", re.I)),
    (
        CONFIDENTIAL,
        "marker:privileged",
        re.compile(
            r"\b(?:attorney|legal)[\s-]client[\s-]privilege[d]?\b|\bprivileged\s+(?:and|&)\s+confidential\b",
            re.I,
        ),
    ),
    (
        CONFIDENTIAL,
        "marker:proprietary",
        re.compile(r"\bproprietary\b|\btrade\s+secrets?\b|\bunder\s+nda\b", re.I),
    ),
    (INTERNAL, "marker:internal", re.compile(r"\bINTERNAL\b")),
    (
        INTERNAL,
        "marker:internal_label",
        re.compile(
            r"\b(?:classification|classified|sensitivity)\s*[:=]\s*internal\b|\binternal[\s-]+(?:use[\s-]+)?only\b|\bfor\s+internal\s+(?:use|distribution)\b|\bdo\s+not\s+(?:distribute|forward|share)\b|\bnot\s+for\s+(?:public\s+)?(?:release|distribution)\b",
            re.I,
        ),
    ),
)

# Each secret's expression with the lower-cased substrings one of which its every match holds:
# the expression runs only on a text that has one (a connection string needs "@" as well as
# "://", so a page of links does not pay for it).
_SECRETS: tuple[tuple[str, tuple[tuple[str, ...], ...], re.Pattern[str]], ...] = (
    (
        "pattern:private_key",
        (("-----begin",),),
        re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"),
    ),
    ("pattern:aws_access_key", (("akia", "asia"),), re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    (
        "pattern:api_key",
        (("sk-", "sk_", "pk-", "pk_", "rk-", "rk_"),),
        re.compile(r"\b(?:sk|pk|rk)[-_](?:live|test|proj)?[-_]?[A-Za-z0-9]{20,}\b"),
    ),
    (
        "pattern:github_token",
        (("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),),
        re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    ),
    ("pattern:slack_token", (("xox",),), re.compile(r"\bxox[abpr]-[A-Za-z0-9-]{10,}\b")),
    (
        "pattern:jwt",
        (("eyj",),),
        re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    ),
    (
        "pattern:password",
        (("password", "passwd", "pwd", "secret", "apikey", "api_key", "api-key"),),
        re.compile(
            r"\b(?:password|passwd|pwd|secret|api[_-]?key)\s*[:=]\s*[\"']?[^\s\"']{4,}", re.I
        ),
    ),
    (
        "pattern:connection_string",
        (("://",), ("@",)),
        re.compile(r"\b[a-z][a-z0-9+]*://[^\s:/@]+:[^\s:/@]+@[^\s/]+", re.I),
    ),
)

_MARKER_HINTS = ("secret", "confidential", "restricted", "internal", "privilege", "proprietary",
                 "nda", "distribut", "release", "classif", "sensitivity", "forward", "share")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Classification:
    level: str = PUBLIC
    reasons: tuple[str, ...] = field(default=())

    @property
    def rank(self) -> int:
        return RANK[self.level]

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "reasons": list(self.reasons)}


def _raise(current: str, candidate: str) -> str:
    return candidate if RANK[candidate] > RANK[current] else current


def classify_texts(
    texts: Iterable[str],
    *,
    pii_types: Iterable[str] = (),
    extra_markers: Mapping[str, Iterable[str]] | None = None,
) -> Classification:
    """Classify a set of strings (e.g. every string of a tool's output) as one document.

    ``extra_markers`` maps a level to organisation-specific phrases (a project code name
    that is confidential), matched as whole words, case-insensitively.
    """
    level = PUBLIC
    reasons: list[str] = []

    def add(candidate: str, reason: str) -> None:
        nonlocal level
        level = _raise(level, candidate)
        if reason not in reasons:
            reasons.append(reason)

    for pii_type in pii_types:
        pii_level = PII_LEVELS.get(pii_type)
        if pii_level:
            add(pii_level, f"pii:{pii_type}")

    extra = _compile_extra(extra_markers)
    for text in texts:
        lowered = text.lower()
        if any(h in lowered for h in _MARKER_HINTS):
            for marker_level, name, pattern in _MARKERS:
                if name not in reasons and pattern.search(text):
                    add(marker_level, name)
        for name, needs, pattern in _SECRETS:
            if (
                name not in reasons
                and all(any(h in lowered for h in hints) for hints in needs)
                and pattern.search(text)
            ):
                add(RESTRICTED, name)
        for extra_level, pattern in extra:
            if pattern.search(text):
                add(extra_level, f"marker:custom:{extra_level}")
    return Classification(level, tuple(reasons))


def _compile_extra(
    extra_markers: Mapping[str, Iterable[str]] | None,
) -> list[tuple[str, re.Pattern[str]]]:
    if not extra_markers:
        return []
    compiled = []
    for level, phrases in extra_markers.items():
        phrases = [p for p in phrases if p]
        if phrases and level in RANK:
            alternation = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
            compiled.append((level, re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.I)))
    return compiled


def level_exceeds(level: str, max_level: str) -> bool:
    return RANK[level] > RANK[max_level]
