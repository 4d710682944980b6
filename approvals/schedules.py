"""The periodic django-q2 work of the approvals app, created idempotently (by name) by
migration 0002 and by ``ensure_schedules()``."""

from __future__ import annotations

from governance import periodic

SCHEDULES = [
    {
        "name": "approvals: expire overdue requests",
        "func": "approvals.tasks.expire_overdue",
        "schedule_type": "I",  # minutes
        "minutes": 1,
    },
    {
        "name": "approvals: escalate requests past escalate_after",
        "func": "approvals.tasks.escalate_due",
        "schedule_type": "I",
        "minutes": 1,
    },
]


def ensure_schedules(schedule_model=None) -> int:
    """Create or repair this app's schedules; returns how many were created."""
    return periodic.ensure_schedules(SCHEDULES, schedule_model)
