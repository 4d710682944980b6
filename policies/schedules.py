"""The periodic django-q2 work of the policies app, created idempotently (by name) by
migration 0004 and by ``ensure_schedules()``."""

from __future__ import annotations

from governance import periodic

SCHEDULES = [
    {
        "name": "policies: fail stalled dry-runs",
        "func": "policies.tasks.fail_stalled_dry_runs",
        "schedule_type": "I",  # every `minutes`
        "minutes": 5,
    },
]


def ensure_schedules(schedule_model=None) -> int:
    """Create or repair this app's schedules; returns how many were created."""
    return periodic.ensure_schedules(SCHEDULES, schedule_model)
