"""One error shape for the whole API: ``{"errors": {field: [messages]}}`` (DESIGN.md)."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
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


def api_exception_handler(exc, context):
    if isinstance(exc, ConflictError):
        errors = _as_field_errors(as_serializer_error(exc))
        return Response({"errors": errors}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(str(exc) or None)
    elif isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied) and not isinstance(exc, exceptions.APIException):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _as_field_errors(response.data)
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
