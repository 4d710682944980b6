"""Reads shared by views, admin, API and tasks. Tenancy is applied here, not in callers."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import Col
from guardian.shortcuts import get_objects_for_user

from .models import Agent, ApiKey, AuditLog, Membership, Organisation
from .roles import AGENT_PERMISSIONS, ORGANISATION_WIDE_ROLES, Role, roles_with


def membership_get(*, user, organisation: Organisation) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def role_of(*, user, organisation: Organisation) -> str | None:
    membership = membership_get(user=user, organisation=organisation)
    return membership.role if membership else None


def organisations_for(*, user, capability: str | None = None) -> QuerySet[Organisation]:
    """Organisations where the user holds a role (with the capability, when given)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    memberships = Membership.objects.filter(user=user)
    if capability is not None:
        memberships = memberships.filter(role__in=roles_with(capability))
    return Organisation.objects.filter(id__in=memberships.values("organisation_id"))


def is_sole_owner(membership: Membership) -> bool:
    """Whether ``membership`` is its organisation's only owner, who may neither leave nor be
    removed or demoted (the services refuse; pages say so before anyone tries)."""
    return (
        membership.role == Role.OWNER
        and not Membership.objects.filter(
            organisation_id=membership.organisation_id, role=Role.OWNER
        )
        .exclude(pk=membership.pk)
        .exists()
    )


def has_capability(*, user, organisation: Organisation, capability: str) -> bool:
    role = role_of(user=user, organisation=organisation)
    return role is not None and role in roles_with(capability)


def agents_for(
    *, user, capability: str, organisation: Organisation | None = None
) -> QuerySet[Agent]:
    """Agents on which the user may exercise the capability.

    Owners and admins: every agent of their organisations. Other roles holding the capability:
    only agents on which they hold the matching django-guardian permission (or, for
    developers managing agents, the agents they own).
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return Agent.objects.none()
    memberships = Membership.objects.filter(user=user, role__in=roles_with(capability))
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    wide_orgs = memberships.filter(role__in=ORGANISATION_WIDE_ROLES).values("organisation_id")
    narrow_orgs = memberships.exclude(role__in=ORGANISATION_WIDE_ROLES).values("organisation_id")
    wide = Agent.objects.filter(organisation_id__in=wide_orgs)
    perm = AGENT_PERMISSIONS.get(capability)
    if perm is None:
        return Agent.objects.filter(organisation_id__in=memberships.values("organisation_id"))
    granted = get_objects_for_user(
        user,
        f"governance.{perm}",
        klass=Agent.objects.filter(organisation_id__in=narrow_orgs),
        accept_global_perms=False,
    )
    owned = Agent.objects.filter(organisation_id__in=narrow_orgs, owner=user)
    ids = set(wide.values_list("id", flat=True)) | set(granted.values_list("id", flat=True))
    if capability in ("agents.manage", "keys.manage_agent"):
        ids |= set(owned.values_list("id", flat=True))
    return Agent.objects.filter(id__in=ids)


def can_on_agent(*, user, agent: Agent, capability: str) -> bool:
    return (
        agents_for(user=user, capability=capability, organisation=agent.organisation)
        .filter(id=agent.id)
        .exists()
    )


def api_key_lookup(*, prefix: str) -> ApiKey | None:
    """The key with this prefix, its organisation and agent loaded: every API request's first
    query. Hand-written SQL built once per database vendor, because compiling the equivalent
    ``select_related`` queryset costs more than running it (0.36 ms against 0.4 ms)."""
    query = _key_query()
    # PostgreSQL plans it once per connection (a prepared statement: 0.17 against 0.31 ms).
    with getattr(connection, "prepared_cursor", connection.cursor)() as cursor:
        cursor.execute(query.sql, [prefix])
        row = cursor.fetchone()
    return None if row is None else query.load(row)


class _KeyQuery:
    MODELS = ((ApiKey, "k"), (Organisation, "o"), (Agent, "a"))

    def __init__(self) -> None:
        quote = connection.ops.quote_name
        # Per joined table: (model, its attnames, [(converters, col)] per field, start, end).
        self.parts = []
        columns = []
        for model, alias in self.MODELS:
            fields = []
            for f in model._meta.concrete_fields:
                col = Col(alias, f)
                converters = connection.ops.get_db_converters(col) + f.get_db_converters(connection)
                fields.append((converters, col))
                columns.append(f"{alias}.{quote(f.column)}")
            attnames = [f.attname for f in model._meta.concrete_fields]
            self.parts.append((model, attnames, fields, len(columns) - len(fields), len(columns)))
        self.sql = (
            f"SELECT {', '.join(columns)} FROM {quote(ApiKey._meta.db_table)} k "  # noqa: S608 — no user input
            f"JOIN {quote(Organisation._meta.db_table)} o ON o.id = k.organisation_id "
            f"LEFT JOIN {quote(Agent._meta.db_table)} a ON a.id = k.agent_id "
            "WHERE k.prefix = %s"
        )

    def load(self, row):
        objects = []
        for model, attnames, fields, start, end in self.parts:
            values = list(row[start:end])
            for i, (converters, col) in enumerate(fields):
                for converter in converters:
                    values[i] = converter(values[i], col, connection)
            objects.append(
                None if values[0] is None else model.from_db(connection.alias, attnames, values)
            )
        api_key, organisation, agent = objects
        ApiKey._meta.get_field("organisation").set_cached_value(api_key, organisation)
        ApiKey._meta.get_field("agent").set_cached_value(api_key, agent)
        return api_key


_key_queries: dict[str, _KeyQuery] = {}


def _key_query() -> _KeyQuery:
    query = _key_queries.get(connection.vendor)
    if query is None:
        query = _key_queries[connection.vendor] = _KeyQuery()
    return query


def audit_logs_for(*, organisation: Organisation) -> QuerySet[AuditLog]:
    return AuditLog.objects.filter(organisation=organisation)


def audit_entries_about(*, organisation: Organisation | None, obj) -> QuerySet[AuditLog]:
    """The audit log's entries about ``obj`` (services write its model's label and its key),
    of ``obj``'s organisation only, newest first: an object's History."""
    return AuditLog.objects.filter(
        organisation=organisation, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("-created_at", "-id")


def organisation_elsewhere(
    rows: QuerySet,
    *,
    user,
    organisation: Organisation | None,
    pk,
    opens: Callable[..., QuerySet],
) -> Organisation | None:
    """The organisation, other than ``organisation``, of row ``pk`` of ``rows`` when the user
    may open it there: a link (an e-mail's, a reminder's, Slack's) opened while working in
    another of their organisations. ``opens(user=, organisation=)`` gives the rows the user may
    open in an organisation (the approvals a reviewer decides, the requests a member reads).
    None for a missing row and for one the user may not open, so that the answer tells nobody
    else anything."""
    found = (
        rows.exclude(organisation=organisation).filter(pk=pk).select_related("organisation").first()
    )
    if (
        found is None
        or not opens(user=user, organisation=found.organisation).filter(pk=pk).exists()
    ):
        return None
    return found.organisation
