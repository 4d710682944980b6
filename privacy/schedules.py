"""The periodic django-q2 work of the privacy app, created idempotently (by name) by migration
0002 and by ``ensure_schedules()``."""

from __future__ import annotations

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
