"""The periodic django-q2 work of the console, created idempotently (by name) by migration
0003 and by ``ensure_schedules()``."""

from __future__ import annotations

from governance import periodic

SCHEDULES = [
    {
        "name": "console: fold new ledger entries into the dashboard's rollups",
        "func": "console.tasks.rollup_advance_all",
        "schedule_type": "I",  # minutes
        "minutes": 1,
    },
]


def ensure_schedules(schedule_model=None) -> int:
    """Create or repair this app's schedules; returns how many were created."""
    return periodic.ensure_schedules(SCHEDULES, schedule_model)
