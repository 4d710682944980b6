"""The periodic django-q2 work of the privacy app, created idempotently (by name) by migration
0002 and by ``ensure_schedules()``."""

from __future__ import annotations

from governance import periodic

SCHEDULES = [
    {
        "name": "privacy: index ledger identifiers",
        "func": "privacy.tasks.index_identifiers",
        "schedule_type": "I",
        "minutes": 1,
    },
    {
        "name": "privacy: deadline reminders",
        "func": "privacy.tasks.send_reminders",
        "schedule_type": "I",  # every `minutes`
        "minutes": 60,
    },
    {
        "name": "privacy: delete expired bundles",
        "func": "privacy.tasks.purge_bundles",
        "schedule_type": "D",
    },
]


def ensure_schedules(schedule_model=None) -> int:
    """Create or repair this app's schedules; returns how many were created."""
    return periodic.ensure_schedules(SCHEDULES, schedule_model)
