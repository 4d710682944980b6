"""Serializer fields for the API's documented request bodies."""

from __future__ import annotations

from datetime import datetime

from django.utils.dateparse import parse_datetime
from rest_framework import serializers

from .exceptions import json_kind, shown


class _StrictText:
    """Text must arrive as a JSON string: DRF's CharField would take 5 or 1.5 and turn them
    into "5" and "1.5", which the schema (type: string) says is not accepted."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(_StrictText, serializers.CharField):
    pass


class StrictRegexField(_StrictText, serializers.RegexField):
    pass


class ZonedDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time with a zone (DESIGN.md: "times in ISO 8601 with a zone"). A bad value
    is quoted back (DRF's own message quotes nothing and lists format codes); a time without
    a zone is refused rather than read in the server's TIME_ZONE, a guess."""

    default_error_messages = {
        "invalid": "{value} is not an ISO 8601 time with a zone, e.g. 2025-01-31T12:00:00Z.",
        "naive": "{value} has no time zone: add Z or an offset such as +01:00.",
        "type": "Expected an ISO 8601 time as a string; got {kind}.",
    }

    def to_internal_value(self, value):
        if isinstance(value, datetime):  # from Python callers, not from JSON
            return super().to_internal_value(value)
        if not isinstance(value, str):
            self.fail("type", kind=json_kind(value))
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:  # well formed but no such time: February 30, +99:00
            parsed = None
        if parsed is None:
            self.fail("invalid", value=shown(value))
        if parsed.tzinfo is None:
            self.fail("naive", value=shown(value))
        return super().to_internal_value(value)
