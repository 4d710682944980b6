"""The identifiers of a data subject, validated and normalised once when a request is filed:
e-mails in lower case, phone numbers in E.164 (``+19094513674``), other identifiers as given."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .models import IdentifierType

MIN_LENGTH = 3  # shorter values match too much to erase safely
MAX_IDENTIFIERS = 20
DEFAULT_PHONE_REGION = "US"  # numbers written without a country code


def normalise(kind: str, value: str, *, region: str = DEFAULT_PHONE_REGION) -> str:
    """The canonical form of one identifier; ValidationError with a message when invalid."""
    value = (value or "").strip()
    if kind == IdentifierType.EMAIL:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(f"{value!r} is not an e-mail address.") from None
        return value.lower()
    if kind == IdentifierType.PHONE:
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            raise ValidationError(f"{value!r} is not a phone number.") from None
        if not phonenumbers.is_possible_number(number):
            raise ValidationError(f"{value!r} is not a possible phone number.")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if kind in (IdentifierType.CUSTOMER_ID, IdentifierType.OTHER):
        if len(value) < MIN_LENGTH:
            raise ValidationError(
                f"{value!r} is too short to search for safely ({MIN_LENGTH} characters at least)."
            )
        if any(ch.isspace() for ch in value.strip()) and len(value) < 6:
            raise ValidationError(f"{value!r} is too vague to search for safely.")
        return value
    raise ValidationError(
        f"Unknown identifier type {kind!r}; choose among {IdentifierType.values}."
    )


def guess_type(value: str) -> str:
    value = value.strip()
    if "@" in value:
        return IdentifierType.EMAIL
    digits = sum(ch.isdigit() for ch in value)
    if digits >= 7 and all(ch.isdigit() or ch in "+-(). " for ch in value):
        return IdentifierType.PHONE
    return IdentifierType.CUSTOMER_ID


def clean_identifiers(raw, *, region: str = DEFAULT_PHONE_REGION) -> list[dict]:
    """Validate a list of ``{"type", "value", "key"}``; returns them with ``normalised`` added,
    without duplicates. ValidationError names each bad one by its path and quotes its value:
    ``{"identifiers[2].value": ["'abc' is not an e-mail address."]}`` (indexes from 0, as the
    API's error contract writes every list: docs/api.md)."""
    if not isinstance(raw, (list, tuple)) or not raw:
        raise ValidationError({"identifiers": ["Give at least one identifier of the subject."]})
    if len(raw) > MAX_IDENTIFIERS:
        raise ValidationError({"identifiers": [f"At most {MAX_IDENTIFIERS} identifiers."]})
    cleaned, errors, seen = [], {}, set()
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            errors[f"identifiers[{index}]"] = ["An object with a string 'value' (and a 'type')."]
            continue
        kind = item.get("type") or guess_type(item["value"])
        key = str(item.get("key") or "").strip()[:100]
        try:
            normalised = normalise(kind, item["value"], region=region)
        except ValidationError as exc:
            field = "type" if kind not in IdentifierType.values else "value"
            errors[f"identifiers[{index}].{field}"] = exc.messages
            continue
        if (kind, normalised) in seen:
            continue
        seen.add((kind, normalised))
        cleaned.append(
            {
                "type": kind,
                "value": item["value"].strip()[:254],
                "key": key,
                "normalised": normalised,
            }
        )
    if errors:
        raise ValidationError(errors)
    return cleaned
