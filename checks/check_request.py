"""The ``POST /api/v1/check`` request, validated by hand.

This is the hot path: a DRF serializer (deep-copying its fields on every request) cost about
a tenth of a whole check. ``CheckApi.InputSerializer`` stays the documented schema, and
tests/checks/test_check_request.py holds the two to the same verdicts on every case.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from rest_framework.exceptions import ValidationError

from governance.exceptions import expected_object
from policies.call import to_decimal

PHASES = ("input", "output")


@dataclass(frozen=True, slots=True)
class CheckRequest:
    trace_id: uuid.UUID
    agent: str | None  # None: the key's own agent
    tool: str
    input: Any
    output: Any
    context: dict
    phase: str
    has_context: bool


def _text(data: dict, name: str, max_length: int, errors: dict, *, required: bool) -> str | None:
    value = data.get(name)
    if value is None:
        if name in data:
            errors[name] = ["This field may not be null."]
        elif required:
            errors[name] = ["This field is required."]
        return None
    if not isinstance(value, str):  # the schema says string; 5 is not "5"
        errors[name] = ["Not a valid string."]
        return None
    value = str(value).strip()
    if not value:
        errors[name] = ["This field may not be blank."]
    elif len(value) > max_length:
        errors[name] = [f"Ensure this field has no more than {max_length} characters."]
    else:
        return value
    return None


def parse_check_request(data: Any) -> CheckRequest:
    """A validated request, or ``ValidationError({field: [message]})`` naming every bad field
    (unknown fields are ignored, as a serializer does)."""
    if not isinstance(data, dict):
        raise ValidationError({"body": [expected_object(data)]})
    errors: dict[str, list[str]] = {}

    trace_id = None
    raw = data.get("trace_id")
    if raw is None:
        errors["trace_id"] = [
            "This field is required." if "trace_id" not in data else "This field may not be null."
        ]
    else:
        try:  # what DRF's UUIDField accepts: a UUID string in any of its forms, or an int
            if isinstance(raw, int):
                trace_id = uuid.UUID(int=raw)
            elif isinstance(raw, str):
                trace_id = uuid.UUID(hex=raw)
            else:
                raise ValueError
        except ValueError:
            errors["trace_id"] = ["Must be a valid UUID."]

    agent = _text(data, "agent", 120, errors, required=False)
    tool = _text(data, "tool", 200, errors, required=True)
    if tool is not None and any(c.isspace() for c in tool):
        errors["tool"] = ["A tool name without spaces, e.g. database.query."]

    context = data.get("context", {})
    if context is None or not isinstance(context, dict):
        errors["context"] = [
            "This field may not be null."
            if context is None
            else f'Expected a dictionary of items but got type "{type(context).__name__}".'
        ]
        context = {}

    phase = data.get("phase", "input")
    if phase not in PHASES:
        errors["phase"] = [f'"{phase}" is not a valid choice.']

    if not errors:
        for key in ("estimated_cost", "cost"):
            if key in context and context[key] is not None:
                amount = to_decimal(context[key])
                if amount is None or amount < 0 or isinstance(context[key], bool):
                    errors[f"context.{key}"] = ["Must be a non-negative decimal amount."]
        if "environment" in context and not isinstance(context["environment"], str | None):
            errors["context.environment"] = ["Must be a string."]
        if phase == "output" and "output" not in data:
            errors["output"] = ["Required when phase is output."]
    if errors:
        raise ValidationError(errors)
    return CheckRequest(
        trace_id=trace_id,
        agent=agent,
        tool=tool,
        input={} if data.get("input") is None else data["input"],
        output=data.get("output"),
        context=context,
        phase=phase,
        has_context="context" in data,
    )
