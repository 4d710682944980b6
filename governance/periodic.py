"""Periodic django-q2 work, created idempotently by name.

Each app lists its schedules in ``<app>/schedules.py`` (``SCHEDULES``). Its migration creates
them with ``schedules_operation`` and its ``ensure_schedules()`` repairs them at any time (a
renamed function, a changed interval) without ever making a second copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import migrations

Spec = dict[str, Any]


def ensure_schedules(specs: Sequence[Spec], schedule_model: Any = None) -> int:
    """Create or repair ``specs``; returns how many were created. Safe to run repeatedly."""
    if schedule_model is None:
        # Here, not at import: migrations pass their historical model instead.
        from django_q.models import Schedule as schedule_model
    created = 0
    for spec in specs:
        defaults = {k: v for k, v in spec.items() if k != "name"}
        _, was_created = schedule_model.objects.update_or_create(
            name=spec["name"], defaults={**defaults, "repeats": -1}
        )
        created += was_created
    return created


def schedules_operation(specs: Sequence[Spec]) -> migrations.RunPython:
    """The migration operation that creates ``specs`` (and removes them when reversed)."""

    def create(apps, schema_editor) -> None:
        ensure_schedules(specs, apps.get_model("django_q", "Schedule"))

    def remove(apps, schema_editor) -> None:
        names = [spec["name"] for spec in specs]
        apps.get_model("django_q", "Schedule").objects.filter(name__in=names).delete()

    return migrations.RunPython(create, remove)
