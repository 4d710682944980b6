"""``POST /api/v1/check`` and ``/api/v1/traces``: the calls whose handling spans policies,
approvals and the ledger, so they are mounted from here, above all three."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.fields import StrictRegexField
from governance.permissions import scope_required
from governance.services import AGENT_NAME_PATTERN
from governance.wire import wire_time
from policies.call import to_decimal
from traces import apis as traces_apis

from . import services
from .check_request import parse_check_request


class ApprovalSerializer(serializers.Serializer):
    id = serializers.CharField(source="pk")
    status = serializers.CharField()
    expires_at = serializers.DateTimeField()


class ViolationSerializer(serializers.Serializer):
    policy = serializers.IntegerField(help_text="The policy's id.")
    name = serializers.CharField()
    type = serializers.CharField()
    mode = serializers.CharField()
    reason = serializers.CharField()


class CheckApi(APIView):
    """Decide a tool call before it runs (``phase=input``) or on its result (``phase=output``)."""

    permission_classes = [scope_required("check")]

    @extend_schema_serializer(component_name="CheckRequest")
    class InputSerializer(serializers.Serializer):
        trace_id = serializers.UUIDField(help_text="A UUID the SDK makes for the call.")
        agent = StrictRegexField(
            AGENT_NAME_PATTERN,
            max_length=120,
            help_text="The agent's name. A key bound to an agent may leave it out: the bound "
            "agent is used.",
        )
        tool = StrictRegexField(
            r"^\s*\S+\s*$", max_length=200, help_text="Dot-separated, e.g. database.query."
        )
        input = serializers.JSONField(
            required=False, default=dict, allow_null=True, help_text="null is {}."
        )
        output = serializers.JSONField(required=False, default=None, allow_null=True)
        context = serializers.DictField(required=False, default=dict)
        phase = serializers.ChoiceField(choices=["input", "output"], default="input")

        def validate_input(self, value):
            return {} if value is None else value

        def validate_tool(self, value: str) -> str:
            value = value.strip()
            if not value or any(c.isspace() for c in value):
                raise serializers.ValidationError(
                    "A tool name without spaces, e.g. database.query."
                )
            return value

        def validate(self, attrs):
            errors = {}
            context = attrs.get("context") or {}
            for key in ("estimated_cost", "cost"):
                if key in context and context[key] is not None:
                    amount = to_decimal(context[key])
                    if amount is None or amount < 0 or isinstance(context[key], bool):
                        errors[f"context.{key}"] = ["Must be a non-negative decimal amount."]
            if "environment" in context and not isinstance(
                context["environment"], str | type(None)
            ):
                errors["context.environment"] = ["Must be a string."]
            if attrs.get("phase") == "output" and "output" not in self.initial_data:
                errors["output"] = ["Required when phase is output."]
            if errors:
                raise serializers.ValidationError(errors)
            return attrs

    @extend_schema_serializer(component_name="CheckResponse")
    class OutputSerializer(serializers.Serializer):
        trace_id = serializers.UUIDField()
        decision = serializers.ChoiceField(choices=["allow", "warn", "block", "require_approval"])
        violations = ViolationSerializer(many=True)
        approval = ApprovalSerializer(allow_null=True)
        output_check = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request):
        # Validated and answered by hand (the serializers above are the documented schema):
        # this is the hot path, see checks/check_request.py.
        values = parse_check_request(request.data)
        api_key = request.auth
        agent_name = values.agent
        if not agent_name:
            if api_key.agent_id is None:
                raise serializers.ValidationError({"agent": ["This field is required."]})
            agent_name = api_key.agent.name
        client = {"phase": values.phase}
        if values.has_context:
            client["context"] = values.context
        result = services.decide(
            organisation=api_key.organisation,
            api_key=api_key,
            agent_name=agent_name,
            tool=values.tool,
            phase=values.phase,
            input=values.input,
            output=values.output,
            context=values.context,
            trace_id=values.trace_id,
            client=client,
        )
        approval = result.approval
        return Response(
            {
                "trace_id": str(result.trace_id),
                "decision": result.decision,
                "violations": result.violations,
                "approval": None
                if approval is None
                else {
                    "id": str(approval.pk),
                    "status": approval.status,
                    "expires_at": wire_time(approval.expires_at),
                },
                "output_check": result.output_check,
            }
        )


# Listing is the ledger's own view; recording also counts reported costs against the budgets,
# which sit above the ledger (``services.traces_record``). The docstring is the API's.
class TracesApi(traces_apis.TracesApi):
    """``POST``: record completed executions (scope ``ingest``). ``GET``: list traces (scope ``read``)."""

    record = staticmethod(services.traces_record)
