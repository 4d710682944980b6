"""``record_count_limit``: at most ``max_records`` records per call.

Input phase: the number requested in ``input_field`` (a dotted path, default ``limit``),
or the ``LIMIT n`` of a SQL query in ``sql_field``; ``require_limit`` makes an unbounded
request a violation. Output phase: the records returned - the output itself when it is a
list, else the list (or count) at ``output_field``, else the first of ``records``,
``rows``, ``results``, ``items``, ``data``, or a ``row_count``/``count`` number.
"""

from __future__ import annotations

import re
from typing import Any

from policies.call import INPUT, Call, Scan
from policies.detectors.walk import get_path
from policies.evaluators.base import Violation

_SQL_LIMIT = re.compile(
    r"\blimit\s+(\d+)(?:\s*,\s*(\d+))?\b|\bfetch\s+first\s+(\d+)\s+rows?\b|\btop\s*\(?\s*(\d+)",
    re.I,
)
_LIST_KEYS = ("records", "rows", "results", "items", "data", "hits", "entries")
_COUNT_KEYS = ("row_count", "rowcount", "record_count", "count", "total")


def _as_count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def requested_records(config: dict[str, Any], payload: Any) -> int | None:
    value = get_path(payload, config.get("input_field", "limit"))
    count = _as_count(value)
    if count is not None:
        return count
    sql = get_path(payload, config.get("sql_field", "query"))
    if isinstance(sql, str):
        m = _SQL_LIMIT.search(sql)
        if m:
            if m.group(2):  # LIMIT offset, count
                return int(m.group(2))
            return int(next(g for g in (m.group(1), m.group(3), m.group(4)) if g))
    return None


def returned_records(config: dict[str, Any], payload: Any) -> int | None:
    if isinstance(payload, list):
        return len(payload)
    if not isinstance(payload, dict):
        return None
    field_path = config.get("output_field")
    if field_path:
        value = get_path(payload, field_path)
        return len(value) if isinstance(value, list) else _as_count(value)
    for key in _LIST_KEYS:
        if isinstance(payload.get(key), list):
            return len(payload[key])
    for key in _COUNT_KEYS:
        count = _as_count(payload.get(key))
        if count is not None:
            return count
    return None


def evaluate(config: dict[str, Any], call: Call, scan: Scan) -> Violation | None:
    limit = int(config["max_records"])
    if call.phase == INPUT:
        requested = requested_records(config, call.input)
        if requested is None:
            if config.get("require_limit"):
                field_name = config.get("input_field", "limit")
                return Violation(
                    f"the call requests an unbounded number of records; set '{field_name}' to at most {limit}",
                    {"requested": None, "max_records": limit},
                )
            return None
        if requested > limit:
            return Violation(
                f"the call requests {requested} records, more than the limit of {limit}",
                {"requested": requested, "max_records": limit},
            )
        return None
    returned = returned_records(config, call.output)
    if returned is not None and returned > limit:
        return Violation(
            f"the tool returned {returned} records, more than the limit of {limit}",
            {"returned": returned, "max_records": limit},
        )
    return None
