"""The API's JSON parser: DRF's, plus the checks every body needs before any view reads it."""

from __future__ import annotations

from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json

from .text import bad_text_in, json_may_hold_bad_text


class StrictJSONParser(JSONParser):
    """Refuses, with a 400 naming the field, text no field can hold (NUL, unpaired
    surrogates: ``governance.text``) and nesting too deep to walk (a RecursionError would be
    a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        raw = stream.read()
        try:
            text = raw.decode(encoding)
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except RecursionError:
            raise ParseError("JSON nested too deeply.") from None
        except ValueError as exc:  # UnicodeDecodeError is one
            raise ParseError(f"JSON parse error - {exc}") from None
        if json_may_hold_bad_text(text):
            errors = bad_text_in(data)
            if errors:
                raise ValidationError(errors)
        return data
