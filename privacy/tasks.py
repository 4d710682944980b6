"""django-q2 entry points of the privacy app (see schedules.py); each calls one service."""

from __future__ import annotations

from . import identifier_index, reminders, services


def send_reminders() -> int:
    return reminders.reminders_send()


def purge_bundles() -> int:
    return services.bundles_purge_expired()


def index_identifiers() -> int:
    return identifier_index.index_all()
