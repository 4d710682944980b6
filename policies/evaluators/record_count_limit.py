"""``record_count_limit``: at most ``max_records`` records per call.

Input phase: the number requested in ``input_field`` (a dotted path, default ``limit``),
or the ``LIMIT n`` of a SQL query in ``sql_field``; ``require_limit`` makes an unbounded
request a violation. Output phase: the records returned - the output itself when it is a
list, else the list (or count) at ``output_field``, else the first of ``records``,
``rows``, ``results``, ``items``, ``data``, or a ``row_count``/``count`` number.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pydantic import Field

from policies.call import INPUT, Call, Scan
from policies.detectors.walk import get_path
from policies.evaluators.base import Violation
from policies.evaluators.fields import Flag, Text, Whole, widget
from policies.evaluators.settings import PolicySettings
from policies.types import PolicyType

JsonPath = Text(100, examples=["limit"], **widget("json-path"))


class RecordCountLimitSettings(PolicySettings):
    policy_type: ClassVar[str] = PolicyType.RECORD_COUNT_LIMIT
    summary: ClassVar[str] = "Cap how many records a call may request or return."
    example: ClassVar[dict[str, Any]] = {"max_records": 1000, "input_field": "limit"}

    max_records: Whole(1, 10**9) = Field(  # type: ignore[valid-type]
        title="Maximum records per call",
        description="Requested (input) or returned (output) records above this are a violation.",
        examples=[1000],
        json_schema_extra=widget("number"),
    )
    input_field: JsonPath = Field(  # type: ignore[valid-type]
        "limit",
        title="Requested-count field",
        description="Dotted path in the input holding the number of records requested.",
    )
    sql_field: JsonPath = Field(  # type: ignore[valid-type]
        "query",
        title="SQL field",
        description="Dotted path in the input holding a SQL query whose LIMIT is read.",
    )
    output_field: JsonPath | None = Field(  # type: ignore[valid-type]
        None,
        title="Returned-records field",
        description="Dotted path in the output holding the records (or their count); "
        "by default the output itself, or records/rows/results/items/data.",
        json_schema_extra=widget("json-path"),
    )
    require_limit: Flag = Field(
        False,
        title="Require a limit",
        description="Refuse calls that request an unbounded number of records.",
        json_schema_extra=widget("switch"),
    )


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


def requested_records(config: RecordCountLimitSettings, payload: Any) -> int | None:
    value = get_path(payload, config.input_field)
    count = _as_count(value)
    if count is not None:
        return count
    sql = get_path(payload, config.sql_field)
    if isinstance(sql, str):
        m = _SQL_LIMIT.search(sql)
        if m:
            if m.group(2):  # LIMIT offset, count
                return int(m.group(2))
            return int(next(g for g in (m.group(1), m.group(3), m.group(4)) if g))
    return None


def returned_records(config: RecordCountLimitSettings, payload: Any) -> int | None:
    if isinstance(payload, list):
        return len(payload)
    if not isinstance(payload, dict):
        return None
    field_path = config.output_field
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


def evaluate(config: RecordCountLimitSettings, call: Call, scan: Scan) -> Violation | None:
    limit = config.max_records
    if call.phase == INPUT:
        requested = requested_records(config, call.input)
        if requested is None:
            if config.require_limit:
                field_name = config.input_field
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
