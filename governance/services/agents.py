"""Agents: registration (by a person or on first use), changes, per-agent permissions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from guardian.shortcuts import assign_perm, remove_perm

from governance.audit import AuditAction
from governance.models import (
    Agent,
    ApiKey,
    Membership,
    Organisation,
    RiskClass,
)
from governance.retention import retention_conflict

from .audit_log import Actor, User, audit_log_write, require_capability, snapshot
from .organisations import retention_conflict_check

AGENT_FIELDS = ["name", "description", "owner_id", "is_active", "risk_class"]


# What _validate_agent_name accepts, for the API schema: no control characters, not blank.
AGENT_NAME_PATTERN = r"^[^\u0000-\u001f\u007f]*[^\s\u0000-\u001f\u007f][^\u0000-\u001f\u007f]*$"


def has_control_characters(value: str) -> bool:
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in value)


def _validate_agent_name(name: str, field: str = "name") -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({field: "An agent needs a name."})
    if len(name) > 120:
        raise ValidationError({field: "Agent names are at most 120 characters."})
    if has_control_characters(name):
        raise ValidationError({field: "Agent names cannot contain control characters."})
    return name


@transaction.atomic
def agent_create(
    *,
    organisation: Organisation,
    name: str,
    actor: Actor,
    description: str = "",
    owner=None,
    risk_class: str = RiskClass.MINIMAL,
    is_active: bool = True,
) -> Agent:
    require_capability(actor=actor, organisation=organisation, capability="agents.manage")
    name = _validate_agent_name(name)
    if risk_class not in RiskClass.values:
        raise ValidationError({"risk_class": f"Choose one of {', '.join(RiskClass.values)}."})
    if (
        owner is not None
        and not Membership.objects.filter(organisation=organisation, user=owner).exists()
    ):
        raise ValidationError({"owner": "The owner must be a member of the organisation."})
    if (
        owner is None
        and isinstance(actor, User)
        and Membership.objects.filter(organisation=organisation, user=actor).exists()
    ):
        owner = actor
    had_conflict = retention_conflict(organisation) is not None
    try:
        with transaction.atomic():
            agent = Agent.objects.create(
                organisation=organisation,
                name=name,
                description=description,
                owner=owner,
                risk_class=risk_class,
                is_active=is_active,
            )
    except IntegrityError:
        raise ValidationError({"name": f"An agent named {name!r} already exists."}) from None
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.AGENT_CREATED,
        obj=agent,
        after=snapshot(agent, AGENT_FIELDS),
    )
    if risk_class == RiskClass.HIGH:
        retention_conflict_check(
            organisation=organisation,
            had_conflict=had_conflict,
            cause=f"agent {agent.name} registered as high-risk",
            actor=actor,
        )
    return agent


@transaction.atomic
def agent_update(*, agent: Agent, actor: Actor, **changes) -> Agent:
    require_capability(
        actor=actor, organisation=agent.organisation, capability="agents.manage", agent=agent
    )
    agent = Agent.objects.select_for_update().get(pk=agent.pk)
    before = snapshot(agent, AGENT_FIELDS)
    had_conflict = retention_conflict(agent.organisation) is not None
    for field, value in changes.items():
        if field not in ("name", "description", "owner", "is_active", "risk_class"):
            raise ValidationError({field: "This field cannot be changed."})
        if field == "name":
            value = _validate_agent_name(value)
        if field == "risk_class" and value not in RiskClass.values:
            raise ValidationError({"risk_class": f"Choose one of {', '.join(RiskClass.values)}."})
        if (
            field == "owner"
            and value is not None
            and not Membership.objects.filter(organisation=agent.organisation, user=value).exists()
        ):
            raise ValidationError({"owner": "The owner must be a member of the organisation."})
        setattr(agent, field, value)
    try:
        with transaction.atomic():
            agent.save()
    except IntegrityError:
        raise ValidationError({"name": f"An agent named {agent.name!r} already exists."}) from None
    audit_log_write(
        organisation=agent.organisation,
        actor=actor,
        action=AuditAction.AGENT_UPDATED,
        obj=agent,
        before=before,
        after=snapshot(agent, AGENT_FIELDS),
    )
    if before["risk_class"] != agent.risk_class:
        retention_conflict_check(
            organisation=agent.organisation,
            had_conflict=had_conflict,
            cause=f"agent {agent.name} reclassified from {before['risk_class']} to {agent.risk_class}",
            actor=actor,
        )
    return agent


def agent_resolve(*, organisation: Organisation, name: str, api_key: ApiKey | None = None) -> Agent:
    """The agent a call or trace names, registering it on first sight when the organisation
    allows it. Raises ValidationError naming ``agent`` otherwise. An agent-bound key may only
    act as its own agent."""
    if not (name or "").strip():
        raise ValidationError({"agent": "This field is required."})
    name = _validate_agent_name(name, field="agent")
    if api_key is not None and api_key.agent_id is not None:
        if api_key.agent.name != name:
            raise PermissionDenied(
                f"This key is bound to agent {api_key.agent.name!r} and cannot act as {name!r}."
            )
        agent = api_key.agent
    else:
        agent = Agent.objects.filter(organisation=organisation, name=name).first()
    if agent is not None:
        if not agent.is_active:
            raise PermissionDenied(f"Agent {name!r} is deactivated; re-activate it to let it act.")
        return agent
    if not organisation.allow_agent_autocreate:
        raise ValidationError(
            {
                "agent": f"Unknown agent {name!r}; register it first (the organisation does not auto-register agents)."
            }
        )
    try:
        with transaction.atomic():
            agent = Agent.objects.create(
                organisation=organisation, name=name, description="Registered on first call."
            )
            audit_log_write(
                organisation=organisation,
                actor=api_key,
                action=AuditAction.AGENT_AUTOREGISTERED,
                obj=agent,
                after=snapshot(agent, AGENT_FIELDS),
            )
    except IntegrityError:  # registered concurrently by another request
        agent = Agent.objects.get(organisation=organisation, name=name)
    return agent


AGENT_PERMISSION_CODENAMES = ("decide_approvals", "manage_keys")


def _may_change_permission(*, agent: Agent, permission: str, actor: Actor) -> None:
    """What granting and revoking a right on an agent both check first."""
    require_capability(actor=actor, organisation=agent.organisation, capability="members.manage")
    if permission not in AGENT_PERMISSION_CODENAMES:
        raise ValidationError(
            {"permission": f"Choose one of {', '.join(AGENT_PERMISSION_CODENAMES)}."}
        )


@transaction.atomic
def agent_permission_grant(*, agent: Agent, user, permission: str, actor: Actor) -> None:
    _may_change_permission(agent=agent, permission=permission, actor=actor)
    if not Membership.objects.filter(organisation=agent.organisation, user=user).exists():
        raise ValidationError(
            {"user": "Only members of the agent's organisation can be given rights on it."}
        )
    assign_perm(f"governance.{permission}", user, agent)
    audit_log_write(
        organisation=agent.organisation,
        actor=actor,
        action=AuditAction.AGENT_PERMISSION_GRANTED,
        obj=agent,
        after={"user": user.get_username(), "permission": permission},
    )


@transaction.atomic
def agent_permission_revoke(*, agent: Agent, user, permission: str, actor: Actor) -> None:
    _may_change_permission(agent=agent, permission=permission, actor=actor)
    remove_perm(f"governance.{permission}", user, agent)
    audit_log_write(
        organisation=agent.organisation,
        actor=actor,
        action=AuditAction.AGENT_PERMISSION_REVOKED,
        obj=agent,
        before={"user": user.get_username(), "permission": permission},
    )
