"""Reads shared by views, admin, API and tasks. Tenancy is applied here, not in callers."""

from __future__ import annotations

from django.db.models import QuerySet
from guardian.shortcuts import get_objects_for_user

from .models import Agent, ApiKey, AuditLog, Membership, Organisation
from .roles import AGENT_PERMISSIONS, ORGANISATION_WIDE_ROLES, roles_with


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
    return ApiKey.objects.select_related("organisation", "agent").filter(prefix=prefix).first()


def audit_logs_for(*, organisation: Organisation) -> QuerySet[AuditLog]:
    return AuditLog.objects.filter(organisation=organisation)


def agent_get(*, organisation: Organisation, name: str) -> Agent | None:
    return Agent.objects.filter(organisation=organisation, name=name).first()
