"""The periodic django-q2 work of the ledger, created idempotently (by name) by migration 0003
and by ``ensure_schedules()``."""

from __future__ import annotations

from governance import periodic

SCHEDULES = [
    {
        "name": "traces: sign ledger checkpoints",
        "func": "traces.tasks.sign_checkpoints",
        "schedule_type": "I",  # every `minutes`
        "minutes": 60,
    },
    {
        "name": "traces: apply retention",
        "func": "traces.tasks.apply_retention",
        "schedule_type": "D",  # daily
    },
]


def ensure_schedules(schedule_model=None) -> int:
    """Create or repair this app's schedules; returns how many were created."""
    return periodic.ensure_schedules(SCHEDULES, schedule_model)
