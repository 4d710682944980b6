"""Validate a policy's ``threshold`` JSON with its type's settings schema.

The schemas live beside the evaluators (``policies.evaluators.<type>``, registry in
``policies.evaluators.POLICY_TYPES``). Here: parsing stored or submitted JSON into the
typed settings object, and cleaning it into the JSON we store (defaults filled in,
decimals as strings, lists de-duplicated). Errors are :class:`ThresholdError` whose
``errors`` map ``"threshold.<key>"`` to messages, the shape the API returns as
``{"errors": {...}}``; unknown keys are refused, so a typo cannot silently disable a rule.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from policies.evaluators import SETTINGS, PolicySettings
from policies.evaluators.settings import settings_errors
from policies.types import Phase, PolicyType, supported_phases


class ThresholdError(ValueError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _type_error() -> ThresholdError:
    return ThresholdError({"type": [f"must be one of: {', '.join(PolicyType.values)}"]})


def parse_settings(policy_type: str, threshold: Any) -> PolicySettings:
    """The typed settings of a ``threshold`` (``None`` is ``{}``), or :class:`ThresholdError`."""
    model = SETTINGS.get(policy_type)
    if model is None:
        raise _type_error()
    if threshold is None:
        threshold = {}
    if not isinstance(threshold, dict):
        raise ThresholdError({"threshold": ["must be a JSON object"]})
    try:
        return model.model_validate(threshold)
    except ValidationError as exc:
        raise ThresholdError(settings_errors(exc)) from None


def clean_threshold(policy_type: str, threshold: Any) -> dict[str, Any]:
    """Validate ``threshold`` for ``policy_type``; return the JSON to store."""
    return parse_settings(policy_type, threshold).to_threshold()


def phase_error(policy_type: str, phase: str) -> str | None:
    if phase not in Phase.values:
        return f"must be one of: {', '.join(Phase.values)}"
    allowed = supported_phases(policy_type)
    if phase not in allowed:
        names = ", ".join(p for p in Phase.values if p in allowed)
        return f"{policy_type} policies support the phase(s): {names}"
    return None


def clean_policy_config(policy_type: str, phase: str, threshold: Any) -> dict[str, Any]:
    """Validate type + phase + threshold together; errors for all fields at once."""
    errors: dict[str, list[str]] = {}
    if policy_type not in PolicyType.values:
        raise _type_error()
    message = phase_error(policy_type, phase)
    if message:
        errors["phase"] = [message]
    try:
        cleaned = clean_threshold(policy_type, threshold)
    except ThresholdError as exc:
        errors.update(exc.errors)
        cleaned = {}
    if errors:
        raise ThresholdError(errors)
    return cleaned
