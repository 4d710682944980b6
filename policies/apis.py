"""Policies as code (``/api/v1/policies``). ``POST /api/v1/check`` is ``checks.apis``."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.fields import StrictCharField
from governance.permissions import scope_required
from policies import selectors, services
from policies.api_schema import ThresholdField, per_type, polymorphic
from policies.types import Mode, Phase, PolicyType

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
    name = StrictCharField(max_length=200)
    description = StrictCharField(required=False, allow_blank=True, max_length=5000)
    type = serializers.ChoiceField(choices=PolicyType.choices)
    mode = serializers.ChoiceField(choices=Mode.choices, required=False)
    agents = serializers.ListField(
        child=StrictCharField(max_length=120), required=False, max_length=1000
    )
    tools = serializers.ListField(
        child=StrictCharField(max_length=200), required=False, max_length=100
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
