"""Exact matching of a data subject's identifiers in JSON values, as pure functions.

An identifier matches a JSON string that *is* it, or a token inside a longer string bounded by
characters that cannot be part of an identifier: ``ann@x.com`` matches ``"ann@x.com"`` and
``"write to ann@x.com."`` but never ``"joann@x.com"`` or ``"ann@x.com.au"``.

* e-mails compare case-insensitively;
* phone numbers compare by their digits in E.164: ``+1 (909) 451-3674``, ``909.451.3674``,
  ``19094513674`` and ``9094513674`` are one number; ``+44 909 451 3674`` is another;
* customer ids and other identifiers compare exactly (case-sensitive);
* numbers match when their decimal text equals the identifier (a phone or an id stored as a
  JSON number); object keys are not identifiers.

The ledger search (``selectors``) uses ``Needle.probe`` for a cheap pre-filter in SQL whose
recall is a superset of these rules, then these functions decide.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import phonenumbers

ERASED = "[erased]"

# Characters that may continue an identifier: a token must not touch one of them. Final dots
# are allowed (end of a sentence) unless another identifier character follows them (the
# identifier index reads tokens the same way).
_BEFORE = r"(?<![\w.%+\-@])"
_AFTER = r"(?![\w@%+\-]|\.+[\w@%+\-])"
_PHONE_SEP = r"[ ().\-]{0,3}"
# Separators the SQL pre-filter strips before looking for a phone's digits (keep in step).
PHONE_SEPARATORS = " ().-"
_FOREIGN_PREFIX = re.compile(r"(?:\+|00)\d{1,3}[ ().\-]*$")


@dataclass(frozen=True)
class Needle:
    """One identifier ready to search for: ``kind`` email/phone/customer_id/other."""

    kind: str
    value: str  # normalised (e-mail lower case, phone E.164)
    label: str  # as the request shows it
    pattern: re.Pattern
    probe: str  # a string every matching row's text contains (lower case; phones: digits)
    probe_digits: bool = False
    country_code: str = ""

    def spans(self, text: str) -> list[tuple[int, int]]:
        found = []
        for m in self.pattern.finditer(text):
            # The national number right after another country's prefix is not ours (ours
            # would have been taken into the match as its "cc" group).
            if (
                self.kind == "phone"
                and not m.group("cc")
                and _FOREIGN_PREFIX.search(text[: m.start()])
            ):
                continue
            found.append(m.span())
        return found


def needle_for(identifier: dict) -> Needle:
    """A Needle from a request's identifier (``{"type", "value", "normalised", "key"}``)."""
    kind = identifier.get("type", "customer_id")
    value = identifier.get("normalised") or identifier["value"]
    label = identifier.get("value") or value
    if kind == "email":
        pattern = re.compile(_BEFORE + re.escape(value) + _AFTER, re.IGNORECASE)
        return Needle(kind, value.lower(), label, pattern, probe=value.lower())
    if kind == "phone":
        number = phonenumbers.parse(value, None if value.startswith("+") else "US")
        national = str(number.national_number)
        if number.italian_leading_zero:
            national = "0" * (number.number_of_leading_zeros or 1) + national
        cc = str(number.country_code)
        digits = _PHONE_SEP.join(national)
        prefix = rf"(?P<cc>(?:\+|00)?[ (]?{cc}\)?[ ().\-]{{0,3}}|0[ ().\-]{{0,2}})?"
        pattern = re.compile(r"(?<![\w+])" + prefix + r"\(?" + digits + r"(?![\w])")
        return Needle(
            kind,
            value,
            label,
            pattern,
            probe=national,
            probe_digits=True,
            country_code=cc,
        )
    pattern = re.compile(_BEFORE + re.escape(value) + _AFTER)
    return Needle(kind, value, label, pattern, probe=value.lower())


@dataclass(frozen=True)
class Hit:
    path: str  # "input.to", "output.rows[2].email", "metadata.user"
    needle: Needle
    whole: bool  # the value is the identifier itself (else a token inside it)
    value: str  # the JSON value that holds it (for previews)


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")
    else:
        yield path, value


def _spans_in(text: str, needles: list[Needle], is_string: bool) -> list[tuple[int, int, Needle]]:
    spans = []
    for needle in needles:
        for start, end in needle.spans(text):
            if not is_string and (start, end) != (0, len(text)):
                continue  # a number matches whole or not at all
            spans.append((start, end, needle))
    return spans


def find(value: Any, needles: list[Needle], path: str = "") -> list[Hit]:
    """Every place in a JSON value where one of the needles matches."""
    hits = []
    for where, item in _walk(value, path):
        text = _scalar_text(item)
        if text is None:
            continue
        for start, end, needle in _spans_in(text, needles, isinstance(item, str)):
            hits.append(Hit(where, needle, whole=(start, end) == (0, len(text)), value=text))
    return hits


def _merge(spans: list[tuple[int, int, Needle]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end, _ in sorted(spans, key=lambda s: (s[0], s[1])):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def redact(value: Any, needles: list[Needle]) -> tuple[Any, int]:
    """A copy of the JSON value with every matched identifier replaced by ``[erased]`` (the
    whole value when it is the identifier, else the token inside it). Returns (copy, count)."""
    if isinstance(value, dict):
        total, out = 0, {}
        for key, item in value.items():
            out[key], n = redact(item, needles)
            total += n
        return out, total
    if isinstance(value, list):
        total, items = 0, []
        for item in value:
            new, n = redact(item, needles)
            items.append(new)
            total += n
        return items, total
    text = _scalar_text(value)
    if text is None:
        return value, 0
    spans = _merge(_spans_in(text, needles, isinstance(value, str)))
    if not spans:
        return value, 0
    if spans == [(0, len(text))]:
        return ERASED, 1
    pieces, last = [], 0
    for start, end in spans:
        pieces.append(text[last:start])
        pieces.append(ERASED)
        last = end
    pieces.append(text[last:])
    return "".join(pieces), len(spans)


def probe_matches(needle: Needle, lowered_text: str, digits_text: str) -> bool:
    """The SQL pre-filter's test, in Python (SQLite fallback and tests)."""
    return needle.probe in (digits_text if needle.probe_digits else lowered_text)


def strip_phone_separators(text: str) -> str:
    return text.translate({ord(c): None for c in PHONE_SEPARATORS})


# --- the identifier index's keys -------------------------------------------------------------------
#
# A token is a maximal run of identifier characters (trailing dots dropped, as the rules above
# allow a sentence's full stop); it is indexed when it holds a digit or an "@" (e-mails, ids),
# in lower case. A phone number is indexed by its last seven digits at the end of every digit
# group (the exact rule ends a number at a group's end and allows up to three separators
# between digits), so "+1 (909) 451-3674" and "9094513674" share the key "p:4513674".

_RUN = re.compile(r"[\w.%+\-@]+")
_HAS_DIGIT_OR_AT = re.compile(r"[\d@]").search
# Digits and phone separators; keys are taken at every digit group's end, so a span that also
# holds a neighbouring number still yields the key of each number in it.
_PHONE_SPAN = re.compile(r"\d[\d ().\-]{6,}")
_DIGIT_GROUP = re.compile(r"\d+")
PHONE_KEY_DIGITS = 7


def _key(text: str) -> int:
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _token_indexable(token: str) -> bool:
    return len(token) >= MIN_TOKEN and any(c.isdigit() or c == "@" for c in token)


MIN_TOKEN = 3


def _text_keys(text: str, keys: set[int]) -> None:
    for run in _RUN.findall(text):
        if _HAS_DIGIT_OR_AT(run):
            token = run.rstrip(".")
            if len(token) >= MIN_TOKEN and (token is run or _token_indexable(token)):
                keys.add(_key("t:" + token.lower()))
    for span in _PHONE_SPAN.findall(text):
        digits = ""
        for group in _DIGIT_GROUP.findall(span):
            digits += group
            if len(digits) >= PHONE_KEY_DIGITS:
                keys.add(_key("p:" + digits[-PHONE_KEY_DIGITS:]))


def index_keys(*values: Any) -> set[int]:
    """The index keys of JSON values (an entry's payload and metadata)."""
    keys: set[int] = set()
    for value in values:
        for _, item in _walk(value, ""):
            text = _scalar_text(item)
            if text:
                _text_keys(text, keys)
    return keys


_JSON_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|.)")


def index_keys_text(text: str) -> set[int]:
    """The index keys of canonical JSON text, read without parsing it: JSON's quotes, commas,
    colons and brackets are not identifier characters, so the text's runs are the values'
    runs (plus the object keys'); escapes (only control characters, quotes and backslashes in
    canonical JSON, none of them identifier characters) become spaces first."""
    keys: set[int] = set()
    _text_keys(_JSON_ESCAPE.sub(" ", text) if "\\" in text else text, keys)
    return keys


def needle_key(needle: Needle) -> int | None:
    """The index key that every value matching the needle carries; None when the needle is not
    indexable (no digit and no "@", or not one token): those are searched by a scan."""
    if needle.kind == "phone":
        return _key("p:" + needle.probe[-PHONE_KEY_DIGITS:]) if len(needle.probe) >= 7 else None
    value = needle.value
    if _RUN.fullmatch(value) and value == value.rstrip(".") and _token_indexable(value):
        return _key("t:" + value.lower())
    return None
