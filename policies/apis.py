"""``POST /api/v1/check`` and policies as code (``/api/v1/policies``)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.permissions import scope_required
from policies import selectors, services
from policies.api_schema import ThresholdField, per_type, polymorphic
from policies.call import to_decimal
from policies.check_request import parse_check_request
from policies.decision import decide
from policies.types import Mode, Phase, PolicyType


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
        trace_id = serializers.UUIDField()
        agent = serializers.CharField(max_length=120, required=False)
        tool = serializers.CharField(max_length=200)
        input = serializers.JSONField(required=False, default=dict)
        output = serializers.JSONField(required=False, default=None)
        context = serializers.DictField(required=False, default=dict)
        phase = serializers.ChoiceField(choices=["input", "output"], default="input")

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
        # this is the hot path, see policies/check_request.py.
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
        result = decide(
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
                    "expires_at": approval.expires_at.isoformat(),
                },
                "output_check": result.output_check,
            }
        )


# --- policies as code ---------------------------------------------------------------------------


class PolicyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    type = serializers.CharField()
    mode = serializers.CharField()
    agents = serializers.SerializerMethodField()
    tools = serializers.ListField(source="tool_patterns", child=serializers.CharField())
    phase = serializers.CharField()
    threshold = ThresholdField()
    enabled = serializers.BooleanField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_agents(self, policy) -> list[str]:
        return sorted(a.name for a in policy.agents.all())


class PolicyInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    type = serializers.ChoiceField(choices=PolicyType.choices)
    mode = serializers.ChoiceField(choices=Mode.choices, required=False)
    agents = serializers.ListField(
        child=serializers.CharField(max_length=120), required=False, max_length=1000
    )
    tools = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=100
    )
    phase = serializers.ChoiceField(choices=Phase.choices, required=False)
    threshold = ThresholdField(required=False, allow_null=True)
    enabled = serializers.BooleanField(required=False)


# The documented shapes: a oneOf by ``type``, each variant with its type's settings schema.
PolicySchema = polymorphic("Policy", per_type(PolicyOutputSerializer, "Policy", output=True))
PolicyCreateSchema = polymorphic(
    "PolicyCreate", per_type(PolicyInputSerializer, "PolicyCreate", output=False)
)


@extend_schema_field({"type": "array", "items": {"$ref": "#/components/schemas/Policy"}})
class PolicyListField(serializers.ListField):
    pass


class PolicyListSerializer(serializers.Serializer):
    policies = PolicyListField()


def _service_kwargs(values: dict) -> dict:
    kwargs = dict(values)
    if "tools" in kwargs:
        kwargs["tool_patterns"] = kwargs.pop("tools")
    return kwargs


class PolicyListApi(APIView):
    permission_classes = [scope_required("policies")]
    extra_error_statuses = (409,)

    @extend_schema(operation_id="policies_list", responses=PolicyListSerializer)
    def get(self, request):
        policies = selectors.policies_for(organisation=request.auth.organisation)
        return Response({"policies": PolicyOutputSerializer(policies, many=True).data})

    @extend_schema(request=PolicyCreateSchema, responses={201: PolicySchema})
    def post(self, request):
        data = PolicyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services.policy_create(
            organisation=request.auth.organisation,
            actor=request.auth,
            **_service_kwargs(data.validated_data),
        )
        return Response(PolicyOutputSerializer(policy).data, status=status.HTTP_201_CREATED)


class PolicyDetailApi(APIView):
    permission_classes = [scope_required("policies")]
    extra_error_statuses = (409,)

    def _get(self, request, policy_id):
        policy = selectors.policy_get(organisation=request.auth.organisation, policy_id=policy_id)
        if policy is None:
            raise Http404
        return policy

    @extend_schema(responses=PolicySchema)
    def get(self, request, policy_id: int):
        return Response(PolicyOutputSerializer(self._get(request, policy_id)).data)

    @extend_schema(request=PolicyInputSerializer, responses=PolicySchema)
    def patch(self, request, policy_id: int):
        policy = self._get(request, policy_id)
        data = PolicyInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        policy = services.policy_update(
            policy=policy, actor=request.auth, **_service_kwargs(data.validated_data)
        )
        return Response(PolicyOutputSerializer(policy).data)

    @extend_schema(responses={204: None})
    def delete(self, request, policy_id: int):
        services.policy_delete(policy=self._get(request, policy_id), actor=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
