"""Shared figures and formatting of the evidence collectors (metrics, small tables)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

SAMPLE_ROWS = 5
KEY_UNUSED_DAYS = 30
KEY_MAX_AGE_DAYS = 365
MAX_OWNERS = 2
EXPIRED_SHARE_LIMIT = 0.10
ENFORCING_MODES = ("block", "require_approval")


def _n(value: int) -> str:
    return f"{value:,}"


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{_n(count)} {word if count == 1 else (plural or word + 's')}"


def _names(items: list[str], limit: int = 6) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def metric(label: str, value: Any) -> dict[str, Any]:
    return {
        "kind": "metric",
        "label": label,
        "value": value
        if isinstance(value, str)
        else _n(value)
        if isinstance(value, int)
        else str(value),
    }


def table(label: str, columns: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    return {
        "kind": "table",
        "label": label,
        "columns": columns,
        "rows": [[str(v) for v in r] for r in rows[:10]],
    }
