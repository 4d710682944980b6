"""One error shape for the whole API: ``{"errors": {field: [messages]}}`` (DESIGN.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.request import Empty
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request body too large."
    default_code = "payload_too_large"


class ConflictError(DjangoValidationError):
    """A change that conflicts with what is stored (a duplicate name). Services raise it; a
    form shows it like any validation error, the API answers 409 naming the field."""


def _flatten(key: str, detail, out: dict[str, list[str]]) -> None:
    if isinstance(detail, dict):
        for name, value in detail.items():
            if not key:
                sub = str(name)
            elif name == "non_field_errors":  # about the nested object as a whole
                sub = key
            elif str(name).isdigit():
                sub = f"{key}[{name}]"
            else:
                sub = f"{key}.{name}"
            _flatten(sub, value, out)
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for index, item in enumerate(detail):  # a list serializer: one entry per item
            if item:
                _flatten(f"{key}[{index}]", item, out)
    elif isinstance(detail, list):
        out.setdefault(key or "non_field_errors", []).extend(str(item) for item in detail)
    else:
        out.setdefault(key or "non_field_errors", []).append(str(detail))


def _as_field_errors(detail) -> dict[str, list[str]]:
    """``{field: [messages]}`` with nested errors named by path (``tools[3]``, ``a.b``)."""
    out: dict[str, list[str]] = {}
    _flatten("", detail, out)
    return out


def json_kind(value) -> str:
    """What a parsed JSON value is, in JSON's words (for messages about the wrong type)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object" if isinstance(value, dict) else type(value).__name__


def shown(value: str, limit: int = 60) -> str:
    """A value quoted for an error message, cut short: a client's bad value is named, not
    echoed whole (it may be megabytes)."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + "…"


def expected_object(value) -> str:
    return f"Expected a JSON object; got {json_kind(value)}."


def _name_the_whole(errors: dict[str, list[str]], request) -> dict[str, list[str]]:
    """DRF files an error about no single field under ``non_field_errors``, a name no client
    sent. The contract (docs/api.md) names ``body`` when the body itself is wrong (not a JSON
    object: DRF then says "Invalid data. Expected a dictionary, but got list.") and
    ``detail`` for a problem of several fields together."""
    messages = errors.pop("non_field_errors", None)
    if messages is None:
        return errors
    data = getattr(request, "_full_data", Empty)  # the parsed body, when it was read
    if data is not Empty and not isinstance(data, dict):
        return {"body": [expected_object(data)], **errors}
    return {"detail": messages, **errors}


def _too_large(request) -> PayloadTooLarge:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    size = request.META.get("CONTENT_LENGTH") if request is not None else None
    said = f"is {size} bytes" if str(size or "").isdigit() else "is too large"
    return PayloadTooLarge({"body": [f"The request body {said}; the limit is {limit} bytes."]})


def api_exception_handler(exc, context):
    if isinstance(exc, ConflictError):
        errors = _as_field_errors(as_serializer_error(exc))
        return Response({"errors": errors}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, RequestDataTooBig):
        exc = _too_large(context.get("request"))
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        # Bad input like any other (the contract's statuses have no 415): name the header.
        exc = exceptions.ValidationError(
            {"Content-Type": [f"{exc.detail} Send JSON: Content-Type: application/json."]}
        )
    elif isinstance(exc, exceptions.NotAcceptable):
        exc = exceptions.ValidationError(
            {"Accept": ["The API answers JSON only: accept application/json (or */*)."]}
        )
    elif isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied) and not isinstance(exc, exceptions.APIException):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _name_the_whole(_as_field_errors(response.data), context.get("request"))
    elif isinstance(exc, PayloadTooLarge) and isinstance(exc.detail, dict):
        errors = _as_field_errors(exc.detail)
    elif isinstance(exc, exceptions.ParseError):
        errors = {"body": [str(exc.detail)]}
    elif isinstance(exc, Http404 | exceptions.NotFound):
        errors = {"detail": ["Not found."]}
    else:
        detail = (
            response.data.get("detail", response.data)
            if isinstance(response.data, dict)
            else response.data
        )
        errors = {"detail": [str(detail)]}
    response.data = {"errors": errors}
    return response
