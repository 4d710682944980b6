"""Validation of traces posted to ``POST /api/v1/traces``: pure functions, no database.

Hand-written rather than a DRF serializer: a 1,000-trace batch is validated in a few
milliseconds this way, where a nested serializer costs tens (see bench/ingest.py)."""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_datetime

from governance.exceptions import json_kind, shown

from . import chain
from .models import TraceStatus

MAX_BATCH = 1000
TRACE_FIELDS = frozenset(
    {
        "trace_id",
        "agent",
        "tool",
        "input",
        "output",
        "status",
        "started_at",
        "duration_ms",
        "tokens",
        "cost",
        "metadata",
        "context",
    }
)
TOOL_RE = re.compile(r"^[A-Za-z0-9_\-:]+(\.[A-Za-z0-9_\-:]+)*$")
STATUSES = frozenset(TraceStatus.values)
AMOUNT_TEXT = r"^[0-9]{1,20}(\.[0-9]{1,20})?$"  # a cost sent as a string: "0.25"
_NOT_CLIENT = frozenset({"trace_id", "agent", "tool", "input", "output"})  # the rest is "client"


def max_trace_bytes() -> int:
    return int(getattr(settings, "TRACES_MAX_TRACE_BYTES", 256 * 1024))


def max_body_bytes() -> int:
    return int(getattr(settings, "TRACES_MAX_BODY_BYTES", 32 * 1024 * 1024))


def max_json_depth() -> int:
    return int(getattr(settings, "TRACES_MAX_JSON_DEPTH", 32))


@dataclass
class CleanTrace:
    trace_id: uuid.UUID
    agent: str | None
    tool: str
    input: Any
    output: Any
    client: dict  # every other field, exactly as sent
    client_text: str  # its canonical JSON
    payload_text: str  # canonical JSON of input and output
    occurred_at: datetime | None
    cost: Decimal | None
    size: int


class TooLarge(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """True when containers nest deeper than ``limit`` (iterative: no recursion to overflow)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            if depth > limit:
                return True
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            if depth > limit:
                return True
            stack.extend((v, depth + 1) for v in item if isinstance(v, (dict, list)))
    return False


def _hashable_time(value: datetime) -> bool:
    """Whether the ledger can hash the time as chain.format_time writes it: four-digit UTC
    years only (the text of earlier years would not match what the verifier reads back)."""
    try:
        return 1000 <= value.astimezone(UTC).year <= 9999
    except OverflowError:  # 9999-12-31T23:00-05:00 is in the year 10000
        return False


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class Limits:
    trace_bytes: int
    json_depth: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(trace_bytes=max_trace_bytes(), json_depth=max_json_depth())


def _may_be_too_deep(text: str, limit: int) -> bool:
    # Nesting depth cannot exceed the number of brackets in the canonical text: count them at
    # C speed and walk the structure only when that bound is over the limit.
    return text.count("{") + text.count("[") > limit


def validate_trace(
    raw: Any,
    *,
    default_agent: str | None = None,
    limits: Limits | None = None,
) -> tuple[CleanTrace | None, dict[str, list[str]]]:
    """Check one trace. Returns (clean trace, {}) or (None, {field: [messages]}).
    Raises TooLarge when its recorded size passes ``TRACES_MAX_TRACE_BYTES``."""
    limits = limits or Limits.from_settings()
    if not isinstance(raw, dict):
        return None, {"non_field_errors": ["A trace must be a JSON object."]}
    errors: dict[str, list[str]] = {}

    def err(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not TRACE_FIELDS.issuperset(raw):
        for name in sorted(set(raw) - TRACE_FIELDS):
            err(name, f"Unknown field. Allowed: {', '.join(sorted(TRACE_FIELDS))}.")

    get = raw.get
    trace_id = None
    value = get("trace_id")
    if value is None:
        err("trace_id", "This field is required (a UUID made by the SDK).")
    elif not isinstance(value, str):
        err("trace_id", f"Must be a UUID as a string; got {json_kind(value)}.")
    else:
        try:
            trace_id = uuid.UUID(value)
        except ValueError:
            err("trace_id", f"{shown(value)} is not a UUID.")

    agent = get("agent", default_agent)
    if agent is None:
        err("agent", "This field is required.")
    elif not isinstance(agent, str) or not agent.strip() or len(agent) > 120:
        err("agent", "Must be an agent name of 1 to 120 characters.")

    tool = get("tool")
    if not isinstance(tool, str) or not tool:
        err("tool", "This field is required (a dot-separated name such as database.query).")
    elif len(tool) > 200 or not TOOL_RE.match(tool):
        err(
            "tool",
            "Must be a dot-separated name of at most 200 characters, such as database.query.",
        )

    status = get("status")
    if not isinstance(status, str) or status not in STATUSES:
        err("status", f"Must be one of {', '.join(sorted(STATUSES))}.")

    occurred_at = None
    if raw.get("started_at") is not None:
        value = raw["started_at"]
        try:
            parsed = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:  # well formed but not a date, such as February 30
            parsed = None
        if parsed is None:
            what = shown(value) if isinstance(value, str) else json_kind(value)
            err(
                "started_at",
                f"Must be an ISO 8601 time with a zone, e.g. 2025-01-31T12:00:00Z; got {what}.",
            )
        elif parsed.tzinfo is None:
            err("started_at", "Must include a time zone (Z or +hh:mm).")
        elif not _hashable_time(parsed):
            err("started_at", "Must be a time between the years 1000 and 9999 (UTC).")
        else:
            occurred_at = parsed

    value = get("duration_ms")
    if value is not None and (not _is_number(value) or value < 0 or not math.isfinite(value)):
        err("duration_ms", "Must be a non-negative number of milliseconds.")

    value = get("tokens")
    if value is not None:
        if not isinstance(value, dict):
            err("tokens", 'Must be an object such as {"prompt": 10, "completion": 5}.')
        else:
            for key, count in value.items():
                if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                    err(f"tokens.{key}", "Must be a non-negative integer.")

    cost = None
    value = get("cost")
    if value is not None:
        try:
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise InvalidOperation
            if isinstance(value, str) and not re.match(AMOUNT_TEXT, value):
                raise InvalidOperation
            cost = Decimal(str(value))
            if not cost.is_finite() or cost < 0:
                raise InvalidOperation
        except InvalidOperation:
            err(
                "cost",
                'Must be a non-negative decimal amount (a number or a string such as "0.25").',
            )
            cost = None

    for name in ("metadata", "context"):
        value = get(name)
        if value is not None and not isinstance(value, dict):
            err(name, "Must be an object.")

    if errors:
        return None, errors

    depth_limit = limits.json_depth
    bad_json = (
        "Contains text that is not valid Unicode (a lone surrogate) or a number JSON cannot carry."
    )
    client = {k: v for k, v in raw.items() if k not in _NOT_CLIENT}
    try:
        client_text = chain.canonical(client)
    except RecursionError:
        return None, {"metadata": [f"Nested deeper than {depth_limit} levels."]}
    except (ValueError, TypeError):
        return None, {"metadata": [bad_json]}
    try:
        payload_text = chain.payload_text(raw.get("input"), raw.get("output"))
    except RecursionError:
        return None, {"input": [f"Nested deeper than {depth_limit} levels."]}
    except (ValueError, TypeError):
        return None, {"input": [bad_json]}
    if _may_be_too_deep(client_text, depth_limit):
        for name in ("metadata", "context"):
            if json_depth_exceeds(raw.get(name), depth_limit):
                errors[name] = [f"Nested deeper than {depth_limit} levels."]
    if _may_be_too_deep(payload_text, depth_limit):
        for name in ("input", "output"):
            if json_depth_exceeds(raw.get(name), depth_limit):
                errors[name] = [f"Nested deeper than {depth_limit} levels."]
    if errors:
        return None, errors
    # What the ledger stores for this trace (characters; UTF-8 bytes only when it matters).
    size = len(client_text) + len(payload_text) + len(tool) + len(agent)
    limit = limits.trace_bytes
    if size * 4 > limit:
        size = (
            len(client_text.encode("utf-8"))
            + len(payload_text.encode("utf-8"))
            + len(tool)
            + len(agent.encode("utf-8"))
        )
    if size > limit:
        raise TooLarge(
            "non_field_errors", f"This trace is {size} bytes; the limit is {limit} bytes per trace."
        )
    return CleanTrace(
        trace_id=trace_id,
        agent=agent.strip(),
        tool=tool,
        input=raw.get("input"),
        output=raw.get("output"),
        client=client,
        client_text=client_text,
        payload_text=payload_text,
        occurred_at=occurred_at,
        cost=cost,
        size=size,
    ), {}
