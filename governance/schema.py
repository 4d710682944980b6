"""The API's OpenAPI description: our Bearer API-key authentication (imported in
GovernanceConfig.ready) and the error answers every operation documents."""

from typing import Any

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema_serializer
from pydantic import BaseModel
from rest_framework import serializers


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "governance.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An Execlave API key: `Authorization: Bearer exk_live_…`.",
        }


def openapi30(schema: Any) -> Any:
    """A pydantic (JSON Schema 2020-12) fragment rewritten for OpenAPI 3.0: ``nullable``
    instead of a ``null`` type, ``example`` for ``examples``, ``enum`` for ``const``."""
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
            out = {**rest[0], **out} if len(rest) == 1 else {**out, keyword: rest}
            out["nullable"] = True
    if "const" in out:
        out["enum"] = [out.pop("const")]
    if "examples" in out:
        examples = out.pop("examples")
        if isinstance(examples, list) and examples:
            out["example"] = examples[0]
    return out


def pydantic_component(auto_schema, model: type[BaseModel]) -> dict[str, str]:
    """Register ``model``'s validation schema (and the models it nests) as components, in
    OpenAPI 3.0 form; return its ``$ref``. Optional properties are ``nullable``: our models
    read ``null`` as "not given"."""
    registry = auto_schema.registry
    component = ResolvedComponent(name=model.__name__, type=ResolvedComponent.SCHEMA, object=model)
    if component not in registry:
        schema = model.model_json_schema(
            ref_template="#/components/schemas/{model}", mode="validation"
        )
        for name, sub_schema in schema.pop("$defs", {}).items():
            registry.register_on_missing(
                ResolvedComponent(
                    name=name,
                    type=ResolvedComponent.SCHEMA,
                    object=name,
                    schema=_nullable_optionals(openapi30(sub_schema)),
                )
            )
        component.schema = _nullable_optionals(openapi30(schema))
        registry.register_on_missing(component)
    return component.ref


def _nullable_optionals(schema: dict[str, Any]) -> dict[str, Any]:
    required = set(schema.get("required", ()))
    for name, prop in schema.get("properties", {}).items():
        if name not in required and "$ref" not in prop:
            prop["nullable"] = True
        elif name not in required:
            schema["properties"][name] = {"allOf": [prop], "nullable": True}
    return schema


class DocumentedModel(BaseModel):
    """A pydantic model used to document a request body (validated by its view)."""


class DocumentedModelExtension(OpenApiSerializerExtension):
    """Any pydantic model named as a request or answer (``DocumentedModel``s, and root models
    such as a union of them)."""

    target_class = BaseModel
    match_subclasses = True
    priority = 1  # ahead of drf-spectacular's own pydantic extension (serialization side)

    def get_name(self, auto_schema, direction):
        # the wrapper drf-spectacular registers only points at the model's own component
        return f"{self.target.__name__}Body"

    def map_serializer(self, auto_schema, direction):
        return pydantic_component(auto_schema, self.target)


class ErrorsSerializer(serializers.Serializer):
    """Every error answer of the API: ``{"errors": {field: [messages]}}``."""

    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Each key names the field at fault (a dotted path such as "
        "`threshold.rules[0].effect`, `traces[3].tool`, a query parameter such as `until`, or a "
        "header such as `Authorization` or `Content-Type`); `body` when the body as a whole is "
        "at fault (not JSON, not an object, too large); `detail` when no single field is.",
    )


ErrorsSerializer = extend_schema_serializer(component_name="Errors")(ErrorsSerializer)

_ERROR_DESCRIPTIONS = {
    400: "Bad input: each field at fault with its messages. Text fields refuse NUL and "
    "unpaired surrogates.",
    401: "No API key, or a malformed, unknown, revoked or expired one.",
    403: "The key lacks the operation's scope (or acts for another agent).",
    404: "Not found in the key's organisation.",
    409: "Conflicts with what exists (e.g. a policy with the same name).",
    413: "The request body is too large.",
    429: "Throttled: retry after the number of seconds in Retry-After.",
}
_ERROR_EXAMPLES = {
    400: {"errors": {"tool": ["This field is required."]}},
    401: {"errors": {"detail": ["Invalid API key."]}},
    403: {"errors": {"detail": ["This API key lacks the 'policies' scope."]}},
    404: {"errors": {"detail": ["Not found."]}},
    409: {"errors": {"name": ["A policy named 'No SSNs' already exists."]}},
    413: {"errors": {"body": ["The request body is 3000000 bytes; the limit is 2621440 bytes."]}},
    429: {"errors": {"detail": ["Request was throttled. Expected available in 1 second."]}},
}


class ExeclaveAutoSchema(AutoSchema):
    """drf-spectacular's schema, plus the error answers each operation can give.

    Which ones is read from the operation: 400 when it takes a body or query parameters, 401
    and 403 when it needs a key, 404 when its path names an object, 413 with a body, 429
    when throttled, and any a view declares in ``extra_error_statuses`` (409 on policies).
    """

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return operation
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        codes = set(getattr(self.view, "extra_error_statuses", ()))
        if has_body or any(p.get("in") == "query" for p in parameters):
            codes.add(400)
        if self.view.get_authenticators():
            codes |= {401, 403}
        if any(p.get("in") == "path" for p in parameters):
            codes.add(404)
        if has_body:
            codes.add(413)
        if self.view.get_throttles():
            codes.add(429)
        ref = self.resolve_serializer(ErrorsSerializer, "response").ref
        responses = operation.setdefault("responses", {})
        for code in sorted(codes):
            answer = {
                "description": _ERROR_DESCRIPTIONS[code],
                "content": {"application/json": {"schema": ref, "example": _ERROR_EXAMPLES[code]}},
            }
            if code == 429:
                answer["headers"] = {
                    "Retry-After": {
                        "schema": {"type": "integer"},
                        "description": "Seconds to wait before retrying.",
                    }
                }
            responses.setdefault(str(code), answer)
        return operation
