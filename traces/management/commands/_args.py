from __future__ import annotations

from datetime import UTC, datetime, time

from django.core.management.base import CommandError
from django.utils.dateparse import parse_date, parse_datetime

from governance.models import Organisation


def organisation_by_slug(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise CommandError(f"No organisation with slug {slug!r}.")
    return organisation


def moment(value: str | None, option: str):
    """An ISO 8601 time (zone required) or a date (midnight UTC)."""
    if value is None:
        return None
    try:
        day = parse_date(value)
        parsed = None if day else parse_datetime(value)
    except ValueError:
        day = parsed = None
    if day is not None:
        return datetime.combine(day, time.min, tzinfo=UTC)
    if parsed is None:
        raise CommandError(f"{option}: expected an ISO 8601 date or time, got {value!r}.")
    if parsed.tzinfo is None:
        raise CommandError(f"{option}: give a time zone (Z or +hh:mm) in {value!r}.")
    return parsed
