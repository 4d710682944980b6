"""``GET /api/v1/approvals/<id>?wait=<seconds>``: agents wait here for a human decision.

The view is a native async Django view (DRF views are synchronous): under an ASGI server a
waiting agent is a parked coroutine, not a thread, and holds no database connection while it
waits (see ``approvals.waiting``). Authentication, scoping and errors are the API's usual
ones: the same ``ApiKeyAuthentication``, ``{"errors": {...}}`` bodies, 401/403/404/400.

``ApprovalWaitApi`` exists for the OpenAPI schema (drf-spectacular documents DRF views); its
``as_view`` hands out the async view, so the schema and the served endpoint cannot diverge
in path or parameters.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import exceptions, serializers
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from governance.auth import ApiKeyAuthentication
from governance.exceptions import shown

from .models import ApprovalStatus, OnTimeout
from .selectors import approval_status, approval_status_for_api_key, approval_wire
from .waiting import db_call, watcher

MAX_WAIT_SECONDS = 60
SCOPES = frozenset({"check", "read"})
# Wake a hair after the deadline so the expiry a waiter was waiting for has happened.
EXPIRY_SLACK_SECONDS = 0.05


CHALLENGE = {"WWW-Authenticate": 'Bearer realm="execlave"'}


def _error(status: int, field: str, message: str, headers: dict | None = None) -> JsonResponse:
    return JsonResponse({"errors": {field: [message]}}, status=status, headers=headers)


def _parse_wait(raw: str | None) -> float | JsonResponse:
    if raw is None:
        return 0.0
    if not raw.strip():  # as every query parameter of the API: empty is refused (docs/api.md)
        return _error(400, "wait", "May not be empty.")
    try:
        wait = float(raw)
    except ValueError:
        wait = math.nan
    if not math.isfinite(wait) or not 0 <= wait <= MAX_WAIT_SECONDS:
        return _error(
            400, "wait", f"{shown(raw)} is not a number of seconds from 0 to {MAX_WAIT_SECONDS}."
        )
    return wait


def _throttled(request: HttpRequest, api_key) -> JsonResponse | None:
    """The API's configured throttles (keyed by API key), as a DRF view would apply them."""
    caller = SimpleNamespace(auth=api_key, META=request.META)
    for throttle_class in api_settings.DEFAULT_THROTTLE_CLASSES:
        throttle = throttle_class()
        if not throttle.allow_request(caller, None):
            retry_after = max(1, math.ceil(throttle.wait() or 1))
            return _error(
                429,
                "detail",
                f"Request was throttled; retry in {retry_after} s.",
                {"Retry-After": str(retry_after)},
            )
    return None


def _authorised_status(request: HttpRequest, approval_id) -> dict | JsonResponse:
    """Authenticate the key and read the request's status within its scope (sync: ORM)."""
    try:
        authenticated = ApiKeyAuthentication().authenticate(request)
    except exceptions.AuthenticationFailed as exc:
        return _error(401, "detail", str(exc.detail), CHALLENGE)
    if authenticated is None:
        return _error(
            401, "detail", "Authenticate with 'Authorization: Bearer <api key>'.", CHALLENGE
        )
    api_key = authenticated[1]
    if not SCOPES & set(api_key.scopes):
        return _error(403, "detail", "This API key lacks the 'check' or 'read' scope.")
    throttled = _throttled(request, api_key)
    if throttled is not None:
        return throttled
    row = approval_status_for_api_key(api_key=api_key, approval_id=approval_id)
    return row if row is not None else _error(404, "detail", "Not found.")


def _status(approval_id) -> dict | None:
    return approval_status(approval_id=approval_id)


@csrf_exempt
@require_GET
async def approval_wait(request: HttpRequest, approval_id) -> JsonResponse:
    wait = _parse_wait(request.GET.get("wait"))
    if isinstance(wait, JsonResponse):
        return wait
    read_at = timezone.now()
    row = await db_call(_authorised_status, request, approval_id)
    if isinstance(row, JsonResponse):
        return row
    if row["status"] == ApprovalStatus.PENDING and wait > 0:
        until_expiry = (row["expires_at"] - timezone.now()).total_seconds() + EXPIRY_SLACK_SECONDS
        settled = await watcher().wait(str(row["id"]), min(wait, max(until_expiry, 0)), read_at)
        if settled or until_expiry <= wait:
            row = await db_call(_status, row["id"])
            if row is None:
                return _error(404, "detail", "Not found.")
    return JsonResponse(approval_wire(row))


# --- schema -------------------------------------------------------------------------------------


class ApprovalWaitApi(APIView):
    @extend_schema_serializer(component_name="ApprovalStatus")
    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField()
        trace_id = serializers.UUIDField()
        status = serializers.ChoiceField(choices=ApprovalStatus.choices)
        decided_by = serializers.CharField(
            allow_null=True, help_text="Who made the final decision."
        )
        comment = serializers.CharField(
            allow_null=True, help_text="The decider's comment (always set on a denial)."
        )
        decided_at = serializers.DateTimeField(allow_null=True)
        expires_at = serializers.DateTimeField()
        on_timeout = serializers.ChoiceField(
            choices=OnTimeout.choices,
            help_text="What the agent should do when the status is `expired`.",
        )
        approvals = serializers.IntegerField(help_text="Distinct approvals so far.")
        approvers_required = serializers.IntegerField()

    @extend_schema(
        operation_id="approval_wait",
        summary="Wait for a human decision on a paused call",
        description=(
            "Answers as soon as the request is decided or expires, or when `wait` seconds pass "
            "(then with status `pending`; ask again). Expiry is a final state distinct from denial."
        ),
        parameters=[
            OpenApiParameter(
                "wait",
                {"type": "number", "minimum": 0, "maximum": MAX_WAIT_SECONDS},
                description=f"Seconds to wait for a change, 0 to {MAX_WAIT_SECONDS} (default 0).",
                required=False,
            )
        ],
        responses={200: OutputSerializer},
    )
    def get(self, request, approval_id):  # pragma: no cover - served by approval_wait
        raise NotImplementedError

    @classmethod
    def as_view(cls, **initkwargs):
        view = approval_wait

        async def served(request, *args, **kwargs):
            return await view(request, *args, **kwargs)

        served.cls = cls
        served.initkwargs = initkwargs
        served.csrf_exempt = True
        return served
