"""The privacy API for privacy platforms that automate requests (scope ``privacy``, granted to a
key explicitly by an Owner or Admin): file a request and read its status, due date, matches and
bundle link. Acting on a request stays with people in the console (/privacy/)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.fields import StrictCharField, ZonedDateTimeField
from governance.models import DataSubjectRequest, IdentifierType, Jurisdiction
from governance.permissions import scope_required
from governance.services import data_subject_request_create

from . import selectors
from .models import Bundle

ERRORS = inline_serializer(
    "PrivacyErrors",
    {"errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField()))},
)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ERRORS, description=description)


COMMON_ERRORS = {
    401: _error("Missing or invalid API key."),
    403: _error("The key lacks the 'privacy' scope."),
    429: _error("Throttled; see Retry-After."),
}


class IdentifierSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=IdentifierType.choices)
    value = StrictCharField(max_length=254)
    key = StrictCharField(
        max_length=100, required=False, allow_blank=True, help_text="Names an 'other' identifier."
    )


class RequestOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField()
    kind = serializers.CharField()
    jurisdiction = serializers.CharField()
    status = serializers.CharField()
    identifiers = serializers.SerializerMethodField()
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    days_left = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    extended = serializers.SerializerMethodField()
    completed_at = serializers.DateTimeField(allow_null=True)
    rejection_reason = serializers.CharField()
    matches = serializers.SerializerMethodField()
    bundle = serializers.SerializerMethodField()
    certificate_url = serializers.SerializerMethodField()

    def get_identifiers(self, obj) -> list[dict]:
        return [
            {"type": i["type"], "value": i["value"], "key": i.get("key", "")}
            for i in selectors.request_identifiers(obj)
        ]

    def get_days_left(self, obj) -> int:
        return obj.days_left()

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()

    def get_extended(self, obj) -> bool:
        return obj.extended_at is not None

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_matches(self, obj) -> dict:
        """Entries holding the identifiers: live while open; as found when the request closed."""
        found = (obj.result or {}).get("found")
        if found is None and obj.is_open:
            found = selectors.summarise(
                selectors.ledger_matches(
                    organisation=obj.organisation, needles=selectors.needles_for(obj)
                )
            )
        return found or {}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_bundle(self, obj) -> dict | None:
        bundle = Bundle.objects.filter(request=obj).first()
        if bundle is None:
            return None
        request = self.context.get("request")
        path = reverse("privacy:bundle-download", args=[bundle.pk])
        return {
            "filename": bundle.filename,
            "sha256": bundle.sha256,
            "size": bundle.size,
            "expires_at": bundle.expires_at,
            "available": bundle.available,
            # Downloads happen in the console, by an Owner or Admin (each one audited).
            "url": request.build_absolute_uri(path) if request else path,
        }

    def get_certificate_url(self, obj) -> str | None:
        if obj.is_open:
            return None
        request = self.context.get("request")
        path = reverse("privacy:certificate", args=[obj.pk])
        return request.build_absolute_uri(path) if request else path


class PrivacyRequestCreateApi(APIView):
    """File a data-subject request (scope ``privacy``). Its due date follows the law: GDPR
    one month from receipt, CCPA/CPRA 45 days."""

    permission_classes = [scope_required("privacy")]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=DataSubjectRequest.Kind.choices)
        jurisdiction = serializers.ChoiceField(
            choices=Jurisdiction.choices, default=Jurisdiction.GDPR
        )
        identifiers = IdentifierSerializer(many=True, allow_empty=False, max_length=20)
        received_at = ZonedDateTimeField(required=False)
        notes = StrictCharField(required=False, allow_blank=True, max_length=4000)

    @extend_schema(
        operation_id="privacy_requests_create",
        request=InputSerializer,
        responses={
            201: RequestOutputSerializer,
            400: _error("Invalid request: the fields at fault name the problem."),
            **COMMON_ERRORS,
        },
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        dsr = data_subject_request_create(
            organisation=request.auth.organisation,
            kind=values["kind"],
            jurisdiction=values["jurisdiction"],
            identifiers=[dict(i) for i in values["identifiers"]],
            received_at=values.get("received_at"),
            notes=values.get("notes", ""),
            actor=request.auth,
        )
        return Response(RequestOutputSerializer(dsr, context={"request": request}).data, status=201)


class PrivacyRequestDetailApi(APIView):
    """A data-subject request of the key's organisation: status, due date, matches, bundle."""

    permission_classes = [scope_required("privacy")]

    @extend_schema(
        operation_id="privacy_requests_retrieve",
        responses={
            200: RequestOutputSerializer,
            404: _error("No such request in your organisation."),
            **COMMON_ERRORS,
        },
    )
    def get(self, request, request_id: int):
        dsr = DataSubjectRequest.objects.select_related("organisation").get(
            pk=request_id, organisation=request.auth.organisation
        )
        return Response(RequestOutputSerializer(dsr, context={"request": request}).data)
