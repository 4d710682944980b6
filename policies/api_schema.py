"""The policies endpoints' OpenAPI description, generated from the settings schemas.

A policy body is documented as a ``oneOf`` discriminated by ``type``: one variant per policy
type whose ``threshold`` is that type's settings schema (``CostLimitSettings``, ...), so a
client or form generator knows each type's keys, defaults, enums and widgets. The settings'
JSON Schema comes from pydantic (2020-12 dialect) and is rewritten into OpenAPI 3.0's
(``nullable``, ``example``, ``enum`` for ``const``) as it is registered as a component.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_serializer
from rest_framework import serializers

from policies.evaluators import POLICY_TYPES, PolicySettings

_REF = "#/components/schemas/{model}"


def openapi30(schema: Any) -> Any:
    """A pydantic (JSON Schema 2020-12) fragment rewritten for OpenAPI 3.0."""
    if isinstance(schema, list):
        return [openapi30(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: openapi30(value) for key, value in schema.items()}
    for keyword in ("anyOf", "oneOf"):
        options = out.get(keyword)
        if options and any(o == {"type": "null"} for o in options):
            rest = [o for o in options if o != {"type": "null"}]
            del out[keyword]
            if len(rest) == 1:
                out = {**rest[0], **out}
            else:
                out[keyword] = rest
            out["nullable"] = True
    if "const" in out:
        out["enum"] = [out.pop("const")]
    if "examples" in out:
        examples = out.pop("examples")
        if isinstance(examples, list) and examples:
            out["example"] = examples[0]
    return out


def settings_component(auto_schema, model: type[PolicySettings]) -> dict[str, str]:
    """Register ``model``'s schema (and the models it nests) as components; return its $ref."""
    registry = auto_schema.registry
    name = model.__name__
    component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=model)
    if component not in registry:
        schema = model.model_json_schema(ref_template=_REF, mode="validation")
        for sub_name, sub_schema in schema.pop("$defs", {}).items():
            registry.register_on_missing(
                ResolvedComponent(
                    name=sub_name,
                    type=ResolvedComponent.SCHEMA,
                    object=sub_name,
                    schema=openapi30(sub_schema),
                )
            )
        component.schema = openapi30(schema)
        registry.register_on_missing(component)
    return component.ref


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
            return settings_component(auto_schema, model)
        refs = [settings_component(auto_schema, spec.settings) for spec in POLICY_TYPES.values()]
        return {
            "anyOf": refs,
            "description": "The settings of the policy's type (see each type's schema).",
        }


class PolicyTypeField(serializers.ChoiceField):
    """The discriminator of one variant: the one type it documents."""

    def __init__(self, policy_type: str, **kwargs):
        self.policy_type = policy_type
        spec = POLICY_TYPES[policy_type]
        super().__init__(choices=[(policy_type, spec.label)], help_text=spec.summary, **kwargs)


class PolicyTypeFieldExtension(OpenApiSerializerFieldExtension):
    target_class = PolicyTypeField

    def map_serializer_field(self, auto_schema, direction):
        # Wrapped in allOf so drf-spectacular's enum hook leaves the single value inline
        # instead of making twelve enum components named "type".
        return {
            "allOf": [{"type": "string", "enum": [self.target.policy_type]}],
            "description": self.target.help_text,
        }


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
            "type": PolicyTypeField(policy_type),
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
