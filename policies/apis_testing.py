"""``POST /api/v1/policies/test`` and ``/api/v1/policies/dry-run`` (+ its poll endpoint).

Thin: the body is validated by the serializers below and by the policy services' own checks
(``policies.testing``); nothing is recorded.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.permissions import scope_required
from policies import testing
from policies.api_schema import per_type, polymorphic
from policies.apis import PolicyInputSerializer


def _definition(values: dict) -> dict:
    keys = set(testing.DEFINITION_KEYS) | {"tools"}
    return {k: v for k, v in values.items() if k in keys}


# --- test one sample call ----------------------------------------------------------------------


class PolicyTestInputSerializer(PolicyInputSerializer):
    name = serializers.CharField(max_length=200, required=False)
    agent = serializers.CharField(max_length=120, help_text="The sample call's agent name.")
    tool = serializers.CharField(max_length=200, help_text="The sample call's tool.")
    input = serializers.JSONField(required=False, default=dict)
    output = serializers.JSONField(
        required=False, default=None, help_text="With an output, the call is an output check."
    )
    context = serializers.DictField(required=False, default=dict)


class TestViolationSerializer(serializers.Serializer):
    policy = serializers.IntegerField(
        allow_null=True, help_text="The policy's id; null for a draft."
    )
    name = serializers.CharField()
    type = serializers.CharField()
    mode = serializers.CharField()
    reason = serializers.CharField()


@extend_schema_serializer(component_name="PolicyTestResult")
class PolicyTestOutputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["allow", "warn", "block", "require_approval"])
    violations = TestViolationSerializer(many=True)
    applies = serializers.BooleanField(
        help_text="False when the call is outside the policy's agents, tools or phase."
    )
    outcome = serializers.JSONField(
        allow_null=True,
        help_text="The policy's outcome as the ledger would record it (reason, details), "
        "monitor violations included.",
    )


PolicyTestSchema = polymorphic(
    "PolicyTestRequest", per_type(PolicyTestInputSerializer, "PolicyTestRequest", output=False)
)


class PolicyTestApi(APIView):
    """What ``/api/v1/check`` would answer for a sample call with this policy alone."""

    permission_classes = [scope_required("policies")]

    @extend_schema(
        operation_id="policies_test",
        request=PolicyTestSchema,
        responses={200: PolicyTestOutputSerializer},
    )
    def post(self, request):
        data = PolicyTestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        call = {k: values.get(k) for k in ("agent", "tool", "input", "output", "context")}
        result = testing.policy_test(
            organisation=request.auth.organisation, definition=_definition(values), call=call
        )
        return Response(result)


# --- dry-run over the ledger -------------------------------------------------------------------


class PolicyDryRunInputSerializer(PolicyInputSerializer):
    name = serializers.CharField(max_length=200, required=False)
    type = serializers.ChoiceField(
        choices=PolicyInputSerializer().fields["type"].choices, required=False
    )
    days = serializers.IntegerField(
        required=False, default=30, min_value=1, max_value=testing.MAX_DAYS
    )
    policy = serializers.IntegerField(
        required=False,
        help_text="An existing policy's id: alone, replay it; with a definition, replay the "
        "definition and compare it with this policy (the 'diff').",
    )

    def validate(self, attrs):
        if "policy" not in attrs and not attrs.get("type"):
            raise serializers.ValidationError({"type": ["This field is required."]})
        return attrs


class DryRunGroupSerializer(serializers.Serializer):
    agent = serializers.CharField()
    tool = serializers.CharField()
    block = serializers.IntegerField()
    require_approval = serializers.IntegerField()
    warn = serializers.IntegerField()
    example_traces = serializers.ListField(
        child=serializers.DictField(), help_text="Up to 20: trace_id, seq, decision."
    )


class DryRunResultSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    since = serializers.DateTimeField()
    scanned = serializers.IntegerField(help_text="Recorded calls replayed.")
    totals = serializers.DictField(child=serializers.IntegerField())
    by_agent_tool = DryRunGroupSerializer(many=True)
    diff = serializers.DictField(
        required=False,
        help_text="With `policy` and a definition: newly / no_longer counts by decision, "
        "examples and a plain-English summary.",
    )


@extend_schema_serializer(component_name="DryRunTask")
class DryRunTaskSerializer(serializers.Serializer):
    task = serializers.UUIDField()
    status = serializers.ChoiceField(
        choices=["queued", "running", "done", "failed"],
        help_text="`failed` when a part raised or the run stopped (no progress for the task "
        "timeout + POLICY_DRY_RUN_STALL_MARGIN: a worker timed out or died); `error` says why.",
    )
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    progress = serializers.FloatField(help_text="0 to 1.")
    result = DryRunResultSerializer(allow_null=True)
    error = serializers.CharField(
        allow_blank=True, help_text="Why the run failed, in plain words; empty otherwise."
    )


PolicyDryRunSchema = polymorphic(
    "PolicyDryRunRequest",
    per_type(PolicyDryRunInputSerializer, "PolicyDryRunRequest", output=False),
)


class PolicyDryRunApi(APIView):
    """Replay a policy over the organisation's recorded calls of the last ``days`` days."""

    permission_classes = [scope_required("policies")]
    extra_error_statuses = (404,)  # ``policy`` names no policy of the key's organisation

    @extend_schema(
        operation_id="policies_dry_run",
        request=PolicyDryRunSchema,
        responses={
            200: DryRunResultSerializer,
            202: OpenApiResponse(
                DryRunTaskSerializer,
                description="Large: running as a task; poll GET /api/v1/policies/dry-run/{task}.",
            ),
        },
    )
    def post(self, request):
        data = PolicyDryRunInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        organisation = request.auth.organisation
        baseline = None
        if "policy" in values:
            baseline = testing.policy_existing(
                organisation=organisation, policy_id=values["policy"]
            )
            if baseline is None:  # another organisation's policy reads as missing too
                return Response(
                    {"errors": {"policy": [f"No policy {values['policy']} in your organisation."]}},
                    status=status.HTTP_404_NOT_FOUND,
                )
        if values.get("type"):
            policy = testing.policy_draft(
                organisation=organisation,
                definition=_definition(values),
                policy_id=baseline.id if baseline else None,
            )
        else:
            policy, baseline = baseline, None
        days = values["days"]
        size = testing.dry_run_size(organisation=organisation, policy=policy, days=days)
        if testing.runs_as_task(size):
            run = testing.dry_run_start(
                organisation=organisation,
                policy=policy,
                days=days,
                baseline_id=baseline.id if baseline else None,
            )
            return Response(testing.dry_run_wire(run), status=status.HTTP_202_ACCEPTED)
        result = testing.policy_dry_run(
            organisation=organisation, definition=policy, days=days, baseline=baseline
        )
        return Response(result)


class PolicyDryRunStatusApi(APIView):
    """A dry-run task's progress, then its result."""

    permission_classes = [scope_required("policies")]

    @extend_schema(
        operation_id="policies_dry_run_status",
        responses={200: DryRunTaskSerializer},
    )
    def get(self, request, task: str):
        run = testing.dry_run_get(organisation=request.auth.organisation, run_id=task)
        if run is None:
            raise Http404
        return Response(testing.dry_run_wire(run))
