"""Turning whatever a tool takes and returns into JSON the server accepts.

Tools take and return arbitrary Python objects; governance must never crash an
agent because an argument is not JSON. Known shapes (dataclasses, pydantic
models, datetimes, decimals, sets, bytes) are converted faithfully; anything
else becomes its ``repr`` so the trace still says what it was.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import decimal
import enum
import json
import math
import uuid
from pathlib import PurePath
from typing import Any

_MAX_DEPTH = 32


def to_jsonable(value: Any, _depth: int = 0) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if _depth > _MAX_DEPTH:
        return repr(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v, _depth + 1) for v in value]
    if isinstance(value, (set, frozenset)):
        items = [to_jsonable(v, _depth + 1) for v in value]
        try:
            return sorted(items)
        except TypeError:
            return items
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (uuid.UUID, PurePath)):
        return str(value)
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value, _depth + 1)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(dataclasses.asdict(value), _depth + 1)
    dump = getattr(value, "model_dump", None)  # pydantic v2
    if callable(dump):
        try:
            return to_jsonable(dump(mode="json"), _depth + 1)
        except Exception:  # noqa: BLE001, S110 - fall back to repr
            pass
    as_dict = getattr(value, "dict", None)  # pydantic v1
    if callable(as_dict) and not isinstance(value, type):
        try:
            return to_jsonable(as_dict(), _depth + 1)
        except Exception:  # noqa: BLE001, S110 - fall back to repr
            pass
    return repr(value)


def dumps(value: Any) -> str:
    return json.dumps(value, default=_default, separators=(",", ":"), allow_nan=False)


def _default(value: Any) -> Any:
    return to_jsonable(value)
