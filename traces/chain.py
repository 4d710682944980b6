"""The hash chain, as pure functions: canonical JSON, ``payload_hash`` and ``entry_hash``.

Nothing here touches the database, so the same code verifies the live ledger and an export
offline (``verify_export``), and an auditor can re-implement it from this docstring:

* **Canonical JSON**: ``json.dumps(value, sort_keys=True, separators=(",", ":"),
  ensure_ascii=False, allow_nan=False)`` encoded as UTF-8. Numbers keep Python's shortest
  round-trip form (``0.1``, ``1e+16``, ``12``); NaN and infinities are refused, so are strings
  that are not valid Unicode (lone surrogates). ``canonical(json.loads(c)) == c`` for every
  canonical text ``c`` — that is what lets a verifier re-derive it from an export.
* ``payload_hash = sha256(canonical({"input": input, "output": output}))`` (hex).
* The entry's *fields* are the canonical JSON object of every stored column except the payload
  and the hashes: ``agent``, ``client``, ``decision``, ``kind``, ``occurred_at``,
  ``opens_trace``, ``organisation``, ``policies``, ``recorded_at``, ``server``, ``status``,
  ``tool``, ``trace_id`` (times as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC, the trace id in
  lower-case hyphenated form, ``organisation`` the organisation's numeric id).
* ``entry_hash = sha256(prev_hash ‖ fields ‖ payload_hash)`` where the two hashes are their
  64 lower-case hex characters. ``prev_hash`` of the first entry of an organisation is
  ``genesis_hash(organisation_id)``.

Because every column is covered, changing any of them (even a filter column such as
``status``) changes the entry's hash; because each hash covers the previous one, removing,
inserting or reordering entries breaks the link at that point.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from json.encoder import encode_basestring as _json_str  # the C string encoder
from uuid import UUID


def _default(value):
    """Server-side values that are not JSON types (datetimes, decimals, UUIDs) become strings,
    exactly once: the stored text is then plain JSON and re-canonicalises to itself."""
    if isinstance(value, datetime):
        return format_time(value) if value.tzinfo else value.isoformat()
    if isinstance(value, (Decimal, UUID, date, time)):
        return str(value) if not isinstance(value, (date, time)) else value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


_dumps = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_default
).encode

json_str = _json_str  # JSON string literal of a str, as canonical() writes it
REDACTED_PREFIX = '{"redacted":'


def canonical(value) -> str:
    """Canonical JSON text of a JSON value (raises ValueError on NaN/inf or bad Unicode)."""
    text = _dumps(value)
    text.encode("utf-8")  # refuse lone surrogates now, not when hashing
    return text


def sha256_hex(data: str | bytes) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def payload_text(input_value, output_value) -> str:
    return canonical({"input": input_value, "output": output_value})


def genesis_hash(organisation_id: int) -> str:
    return sha256_hex(f"execlave-ledger-v1:genesis:{organisation_id}")


def format_time(value: datetime) -> str:
    utc = value.astimezone(UTC)
    if utc.year < 1000:  # strftime writes such years unpadded on glibc: keep exactly that text
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    # The same text as strftime("%Y-%m-%dT%H:%M:%S.%fZ"), at half the cost.
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def fields_text(
    *,
    organisation: int,
    trace_id: str,
    kind: str,
    agent: str | None,
    tool: str,
    status: str,
    decision: str,
    policies: str,
    opens_trace: bool,
    occurred_at: str,
    recorded_at: str,
    client: str,
    server: str,
) -> str:
    """Canonical JSON of an entry's fields. ``client``/``server`` are already canonical text;
    times already formatted. Built by concatenation (keys in sorted order) so verifying a
    million entries needs no JSON parsing."""
    return (
        '{"agent":'
        + ("null" if agent is None else _json_str(agent))
        + ',"client":'
        + client
        + ',"decision":'
        + _json_str(decision)
        + ',"kind":'
        + _json_str(kind)
        + ',"occurred_at":"'
        + occurred_at
        + '","opens_trace":'
        + ("true" if opens_trace else "false")
        + ',"organisation":'
        + str(int(organisation))
        + ',"policies":'
        + _json_str(policies)
        + ',"recorded_at":"'
        + recorded_at
        + '","server":'
        + server
        + ',"status":'
        + _json_str(status)
        + ',"tool":'
        + _json_str(tool)
        + ',"trace_id":"'
        + trace_id
        + '"}'
    )


def fields_parts(
    *,
    organisation: int,
    trace_id: str,
    kind: str,
    agent: str | None,
    tool: str,
    status: str,
    decision: str,
    policies: str,
    occurred_at: str,
    client: str,
    server: str,
) -> tuple[str, str, str]:
    """``fields_text`` cut around the two values only known once an entry has its place in the
    chain: ``a + opens_trace + b + recorded_at + c == fields_text(...)`` (opens_trace as
    ``true``/``false``). The appender builds the parts before it takes the chain lock."""
    a = (
        '{"agent":'
        + ("null" if agent is None else _json_str(agent))
        + ',"client":'
        + client
        + ',"decision":'
        + _json_str(decision)
        + ',"kind":'
        + _json_str(kind)
        + ',"occurred_at":"'
        + occurred_at
        + '","opens_trace":'
    )
    b = ',"organisation":' + str(int(organisation)) + ',"policies":' + _json_str(policies)
    c = (
        '","server":'
        + server
        + ',"status":'
        + _json_str(status)
        + ',"tool":'
        + _json_str(tool)
        + ',"trace_id":"'
        + trace_id
        + '"}'
    )
    return a, b + ',"recorded_at":"', c


def entry_hash(prev_hash: str, fields: str, payload_hash: str) -> str:
    return hashlib.sha256((prev_hash + fields + payload_hash).encode("utf-8")).hexdigest()


def is_redacted(payload: str) -> bool:
    return payload.startswith(REDACTED_PREFIX)
