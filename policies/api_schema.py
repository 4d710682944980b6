"""The policies endpoints' OpenAPI description, generated from the settings schemas.

A policy body is documented as a ``oneOf`` discriminated by ``type``: one variant per policy
type whose ``threshold`` is that type's settings schema (``CostLimitSettings``, ...), so a
client or form generator knows each type's keys, defaults, enums and widgets. The settings'
JSON Schema comes from pydantic and is registered as a component in OpenAPI 3.0 form
(``governance.schema.pydantic_component``).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_serializer
from rest_framework import serializers

from governance.schema import pydantic_component
from policies.evaluators import POLICY_TYPES, PolicySettings
from policies.types import Phase, default_phase, supported_phases


class ThresholdField(serializers.JSONField):
    """A policy's ``threshold``: any JSON object here; the type's settings schema validates it
    in the policy services. Documented as that schema."""

    def __init__(self, *args, settings_model: type[PolicySettings] | None = None, **kwargs):
        self.settings_model = settings_model
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data):
        if data is not None and not isinstance(data, dict):
            raise serializers.ValidationError("Must be a JSON object.")
        return super().to_internal_value(data)


class ThresholdFieldExtension(OpenApiSerializerFieldExtension):
    target_class = ThresholdField

    def map_serializer_field(self, auto_schema, direction):
        model = self.target.settings_model
        if model is not None:
            return pydantic_component(auto_schema, model)
        refs = [pydantic_component(auto_schema, spec.settings) for spec in POLICY_TYPES.values()]
        return {
            "anyOf": refs,
            "description": "The settings of the policy's type (see each type's schema).",
        }


class VariantChoiceField(serializers.ChoiceField):
    """A choice that narrows in each variant (the one type; the phases that type supports)."""


class VariantChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = VariantChoiceField

    def map_serializer_field(self, auto_schema, direction):
        # Wrapped in allOf so drf-spectacular's enum hook leaves the values inline instead of
        # making twelve enum components all named "type" (or "phase").
        schema: dict[str, Any] = {
            "allOf": [{"type": "string", "enum": list(self.target.choices)}],
        }
        if self.target.help_text:
            schema["description"] = str(self.target.help_text)
        return schema


def _camel(policy_type: str) -> str:
    return "".join(part.capitalize() for part in policy_type.split("_"))


def _requires_settings(model: type[PolicySettings]) -> bool:
    return any(field.is_required() for field in model.model_fields.values())


def per_type(
    base: type[serializers.Serializer], suffix: str, *, output: bool
) -> dict[str, type[serializers.Serializer]]:
    """One subclass of ``base`` per policy type, with ``type`` fixed and a typed ``threshold``."""
    variants = {}
    for policy_type, spec in POLICY_TYPES.items():
        name = f"{_camel(policy_type)}{suffix}"
        threshold_kwargs: dict[str, Any] = {"settings_model": spec.settings}
        if not output:
            required = _requires_settings(spec.settings)
            threshold_kwargs["required"] = required
            threshold_kwargs["allow_null"] = not required
        attrs = {
            "type": VariantChoiceField(choices=[(policy_type, spec.label)], help_text=spec.summary),
            "phase": VariantChoiceField(
                choices=[p for p in Phase.values if p in supported_phases(policy_type)],
                required=False,
                help_text=f"Default: {default_phase(policy_type)}.",
            ),
            "threshold": ThresholdField(**threshold_kwargs),
            "__module__": __name__,
        }
        variant = extend_schema_serializer(component_name=name)(type(name, (base,), attrs))
        variants[policy_type] = variant
    return variants


def polymorphic(component_name: str, variants: dict[str, type], *, many: bool = False):
    return PolymorphicProxySerializer(
        component_name=component_name,
        serializers=variants,
        resource_type_field_name="type",
        many=many,
    )
