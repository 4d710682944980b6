"""The periodic django-q2 work of the console, created idempotently (by name) by migration
0003 and by ``ensure_schedules()``."""

from __future__ import annotations

SCHEDULES = [
    {
        "name": "console: fold new ledger entries into the dashboard's rollups",
        "func": "console.tasks.rollup_advance_all",
        "schedule_type": "I",  # minutes
        "minutes": 1,
    },
]


def ensure_schedules(schedule_model=None) -> int:
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
