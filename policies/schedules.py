"""The periodic django-q2 work of the policies app, created idempotently (by name) by
migration 0004 and by ``ensure_schedules()``."""

from __future__ import annotations

SCHEDULES = [
    {
        "name": "policies: fail stalled dry-runs",
        "func": "policies.tasks.fail_stalled_dry_runs",
        "schedule_type": "I",  # every `minutes`
        "minutes": 5,
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
