"""Ledger API: ingest traces, read them, verify the chain (thin views over services/selectors)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from drf_spectacular.utils import extend_schema, inline_serializer
from pydantic import ConfigDict, Field, RootModel
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.exceptions import PayloadTooLarge
from governance.fields import ZonedDateTimeField
from governance.permissions import scope_required
from governance.schema import DocumentedModel
from governance.services import AGENT_NAME_PATTERN

from . import chain, ingest, selectors, services
from .models import TraceStatus
from .verification import ledger_verify


def _errors(errors: dict, status: int) -> Response:
    return Response({"errors": errors}, status=status)


def _item_field(prefix: str, name: str) -> str:
    """``traces[3].tool``; an error about a trace as a whole names ``traces[3]`` (or ``body``
    for a lone trace), never ``non_field_errors``."""
    if name == "non_field_errors":
        return prefix.rstrip(".") or "body"
    return prefix + name


# --- output -------------------------------------------------------------------------------------


class EventOutputSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    kind = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    recorded_at = serializers.DateTimeField()
    status = serializers.CharField()
    decision = serializers.CharField()
    client = serializers.JSONField(source="client_data")
    server = serializers.JSONField(source="server_data")
    input = serializers.JSONField()
    output = serializers.JSONField()
    redacted = serializers.BooleanField()
    payload_hash = serializers.CharField()
    prev_hash = serializers.CharField()
    entry_hash = serializers.CharField()


class TraceOutputSerializer(serializers.Serializer):
    trace_id = serializers.UUIDField()
    agent = serializers.CharField(source="opening.agent_name", allow_null=True)
    tool = serializers.CharField(source="opening.tool")
    events = EventOutputSerializer(many=True)


# --- the documented request body (validated by traces.ingest) ----------------------------------


class TraceInput(DocumentedModel):
    """One completed tool execution. Idempotent on ``trace_id``: a retry is a duplicate."""

    model_config = ConfigDict(extra="forbid", title="TraceInput")

    trace_id: uuid.UUID = Field(description="The UUID the SDK made for the call (as in /check).")
    agent: str = Field(
        min_length=1,
        max_length=120,
        pattern=AGENT_NAME_PATTERN,
        description="The agent's name; a key bound to an agent may leave it out.",
    )
    tool: str = Field(
        max_length=200,
        pattern=ingest.TOOL_RE.pattern,
        description="Dot-separated, e.g. database.query.",
    )
    status: Literal[tuple(sorted(ingest.STATUSES))]  # type: ignore[valid-type]
    input: Any = Field(None, description="The call's arguments (any JSON).")
    output: Any = Field(None, description="What the tool returned (any JSON).")
    started_at: str | None = Field(
        None,
        json_schema_extra={"format": "date-time"},
        pattern=r"^[1-9][0-9]{3}-",
        description="ISO 8601 with a zone, years 1000 to 9999.",
    )
    duration_ms: float | None = Field(None, ge=0)
    tokens: dict[str, Annotated[int, Field(ge=0)]] | None = Field(
        None, description='Token counts, e.g. {"prompt": 10, "completion": 5}.'
    )
    cost: (
        Annotated[float, Field(ge=0)] | Annotated[str, Field(pattern=ingest.AMOUNT_TEXT)] | None
    ) = Field(None, description="A decimal amount in the organisation's currency.")
    metadata: dict[str, Any] | None = None
    context: dict[str, Any] | None = None


class TraceBatch(DocumentedModel):
    model_config = ConfigDict(extra="forbid", title="TraceBatch")

    traces: list[TraceInput] = Field(min_length=1, max_length=ingest.MAX_BATCH)


class TraceIngest(RootModel[TraceInput | TraceBatch]):
    """One trace, or ``{"traces": [...]}`` with up to 1,000."""


# --- views --------------------------------------------------------------------------------------


class TracesApi(APIView):
    """``POST``: record completed executions (scope ``ingest``). ``GET``: list traces (scope ``read``)."""

    # Mounted at /api/v1/traces by checks.apis.TracesApi, whose ``record`` also reconciles
    # budgets (they sit above the ledger).
    record = staticmethod(services.traces_ingest)

    def get_permissions(self):
        return [scope_required("ingest" if self.request.method == "POST" else "read")()]

    class FilterSerializer(serializers.Serializer):
        agent = serializers.CharField(required=False, max_length=120)
        tool = serializers.CharField(required=False, max_length=200)
        status = serializers.ChoiceField(choices=TraceStatus.values, required=False)
        decision = serializers.ChoiceField(
            choices=["allow", "warn", "block", "require_approval"], required=False
        )
        since = ZonedDateTimeField(required=False)
        until = ZonedDateTimeField(required=False)
        cursor = serializers.IntegerField(required=False, min_value=1)
        limit = serializers.IntegerField(
            required=False, min_value=1, max_value=selectors.MAX_PAGE, default=50
        )

        def validate(self, attrs):
            # DRF reads an empty query parameter as "not given" and a repeated one as its last
            # value; we refuse both, naming the parameter.
            given = self.initial_data
            errors = {
                name: ["May not be empty."]
                for name in self.fields
                if name in given and not str(given[name]).strip()
            }
            for name in self.fields:
                count = len(given.getlist(name)) if hasattr(given, "getlist") else 0
                if count > 1:
                    errors[name] = [f"Given {count} times; give it once."]
            since, until = attrs.get("since"), attrs.get("until")
            if since is not None and until is not None and until < since:
                errors["until"] = ["Must not be before since: the range would be empty."]
            if errors:
                raise serializers.ValidationError(errors)
            return attrs

    @extend_schema(
        parameters=[FilterSerializer],
        responses=inline_serializer(
            "TracePage",
            {
                "traces": TraceOutputSerializer(many=True),
                "next_cursor": serializers.IntegerField(allow_null=True),
            },
        ),
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = selectors.traces_list(
            organisation=request.auth.organisation, **filters.validated_data
        )
        return Response(
            {
                "traces": TraceOutputSerializer(page.traces, many=True).data,
                "next_cursor": page.next_cursor,
            }
        )

    @extend_schema(
        request=TraceIngest,
        responses=inline_serializer(
            "IngestResult",
            {
                "accepted": serializers.IntegerField(),
                "duplicates": serializers.IntegerField(),
            },
        ),
    )
    def post(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > ingest.max_body_bytes():
            raise PayloadTooLarge(
                {
                    "body": [
                        f"The request body is {length} bytes; "
                        f"the limit is {ingest.max_body_bytes()} bytes."
                    ]
                }
            )
        data = request.data
        if isinstance(data, dict) and "traces" in data:
            extra = sorted(set(data) - {"traces"})
            if extra:
                return _errors({name: ["Unknown field next to 'traces'."] for name in extra}, 400)
            items = data["traces"]
            if not isinstance(items, list) or not items:
                return _errors({"traces": ["Must be a non-empty list of traces."]}, 400)
            if len(items) > ingest.MAX_BATCH:
                return _errors(
                    {
                        "traces": [
                            f"At most {ingest.MAX_BATCH} traces per request; got {len(items)}."
                        ]
                    },
                    400,
                )

            def prefix(index: int) -> str:
                return f"traces[{index}]."
        elif isinstance(data, dict):
            items = [data]

            def prefix(index: int) -> str:
                return ""
        else:
            return _errors({"body": ['Send one trace (an object) or {"traces": [...]}.']}, 400)

        api_key = request.auth
        default_agent = api_key.agent.name if api_key.agent_id else None
        clean, errors = [], {}
        limits = ingest.Limits.from_settings()
        for index, raw in enumerate(items):
            try:
                trace, trace_errors = ingest.validate_trace(
                    raw, default_agent=default_agent, limits=limits
                )
            except ingest.TooLarge as exc:
                return _errors({_item_field(prefix(index), exc.field): [exc.message]}, 413)
            for name, messages in trace_errors.items():
                errors[_item_field(prefix(index), name)] = messages
            if trace is not None:
                clean.append(trace)
        if errors:
            return _errors(errors, 400)
        try:
            result = self.record(api_key=api_key, traces=clean, field_prefix=prefix)
        except services.IngestForbidden as exc:
            return _errors(exc.errors, 403)
        return Response({"accepted": result.accepted, "duplicates": result.duplicates})


class TraceDetailApi(APIView):
    """One trace with all its events (scope ``read``); 404 when not in your organisation."""

    permission_classes = [scope_required("read")]

    @extend_schema(operation_id="trace_detail", responses=TraceOutputSerializer)
    def get(self, request, trace_id: uuid.UUID):
        events = selectors.trace_events(organisation=request.auth.organisation, trace_id=trace_id)
        if not events:
            raise exceptions.NotFound()
        return Response(
            TraceOutputSerializer(selectors.Trace(trace_id=trace_id, events=events)).data
        )


class CheckpointOutputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    seq = serializers.IntegerField()
    entry_hash = serializers.CharField()
    removed = serializers.IntegerField()
    created_at = serializers.SerializerMethodField()
    key_id = serializers.CharField()
    signature = serializers.CharField()

    def get_created_at(self, obj) -> str:
        return chain.format_time(obj.created_at)


class LedgerVerifyApi(APIView):
    """Verify the organisation's chain now (scope ``read``)."""

    permission_classes = [scope_required("read")]

    @extend_schema(
        responses=inline_serializer(
            "LedgerVerification",
            {
                "ok": serializers.BooleanField(),
                "entries": serializers.IntegerField(),
                "first_break": serializers.DictField(allow_null=True),
                "checkpoint": CheckpointOutputSerializer(allow_null=True),
            },
        ),
    )
    def get(self, request):
        result = ledger_verify(organisation=request.auth.organisation)
        data = result.as_dict()
        checkpoint = result.latest_checkpoint
        data["checkpoint"] = CheckpointOutputSerializer(checkpoint).data if checkpoint else None
        return Response(data)
