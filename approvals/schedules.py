"""The periodic django-q2 work of the approvals app, created idempotently (by name) by
migration 0002 and by ``ensure_schedules()``."""

from __future__ import annotations

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
    """Create or repair the schedules; returns how many were created. Safe to run repeatedly."""
    if schedule_model is None:
        from django_q.models import Schedule as schedule_model
    created = 0
    for spec in SCHEDULES:
        defaults = {k: v for k, v in spec.items() if k != "name"}
        _, was_created = schedule_model.objects.update_or_create(
            name=spec["name"], defaults={**defaults, "repeats": -1}
        )
        created += was_created
    return created
