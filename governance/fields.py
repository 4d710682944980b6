"""Serializer fields for the API's documented request bodies."""

from __future__ import annotations

from rest_framework import serializers


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
