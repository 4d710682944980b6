from __future__ import annotations

from django.db import connection
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Agent
from .permissions import scope_required

_fully_migrated = False  # once true it stays true for the life of the process


def _unapplied_migrations() -> int:
    """How many of the code's migrations the database lacks. A fresh database answers
    ``SELECT 1`` but every request that reads a table fails: health must say so (and name the
    fix) instead of "ok". Building the migration graph costs ~0.1 s, so a database found fully
    migrated is not asked again by this process."""
    global _fully_migrated
    if _fully_migrated:
        return 0
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _fully_migrated = pending == 0
    return pending


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        pending = _unapplied_migrations()
    except Exception as exc:  # noqa: BLE001 — health reports any failure as "down"
        return False, f"{connection.vendor}: {exc.__class__.__name__}"
    if pending:
        return (
            False,
            f"{connection.vendor}: {pending} migrations not applied (run manage.py migrate)",
        )
    return True, connection.vendor


def _broker_ok() -> tuple[bool, str]:
    try:
        from django_q.brokers import get_broker

        broker = get_broker()
        ok = bool(broker.ping())
        if ok and broker.__class__.__name__ == "ORM":
            # The ORM broker's ping is always true: prove its table answers.
            from django_q.models import OrmQ

            OrmQ.objects.exists()
        return ok, broker.info()
    except Exception as exc:  # noqa: BLE001
        return False, exc.__class__.__name__


HEALTH = inline_serializer(
    "Health",
    {
        "status": serializers.ChoiceField(choices=["ok", "degraded"]),
        "database": serializers.DictField(),
        "broker": serializers.DictField(),
    },
)


class HealthApi(APIView):
    """Liveness of the app, its database and its task broker. No authentication."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: HEALTH, 503: HEALTH})
    def get(self, request):
        db_ok, db_info = _database_ok()
        broker_ok, broker_info = _broker_ok()
        ok = db_ok and broker_ok
        return Response(
            {
                "status": "ok" if ok else "degraded",
                "database": {"ok": db_ok, "info": db_info},
                "broker": {"ok": broker_ok, "info": broker_info},
            },
            status=200 if ok else 503,
        )


class WhoAmIApi(APIView):
    """The organisation, agent and scopes of the calling key. Needs any valid key."""

    @extend_schema_serializer(component_name="WhoAmI")
    class OutputSerializer(serializers.Serializer):
        organisation = serializers.CharField(source="organisation.slug")
        organisation_name = serializers.CharField(source="organisation.name")
        agent = serializers.CharField(source="agent.name", allow_null=True, default=None)
        key = serializers.CharField(source="masked")
        scopes = serializers.ListField(child=serializers.CharField())
        expires_at = serializers.DateTimeField(allow_null=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request):
        return Response(self.OutputSerializer(request.auth).data)


class AgentListApi(APIView):
    """The organisation's agents (scope ``read``)."""

    permission_classes = [scope_required("read")]

    @extend_schema_serializer(component_name="Agent")
    class OutputSerializer(serializers.Serializer):
        name = serializers.CharField()
        description = serializers.CharField()
        risk_class = serializers.CharField()
        is_active = serializers.BooleanField()
        created_at = serializers.DateTimeField()

    @extend_schema(
        responses=inline_serializer("AgentList", {"agents": OutputSerializer(many=True)})
    )
    def get(self, request):
        agents = Agent.objects.filter(organisation=request.auth.organisation).order_by("name")
        return Response({"agents": self.OutputSerializer(agents, many=True).data})
