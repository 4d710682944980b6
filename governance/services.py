"""Every write to governance objects. Each service checks the actor's rights and writes its
AuditLog row in the same transaction (Zulip's ``do_*`` pattern)."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.text import slugify
from guardian.shortcuts import assign_perm, remove_perm

from . import deadlines, keys
from .audit import AuditAction
from .identifiers import clean_identifiers
from .models import (
    Agent,
    ApiKey,
    AuditLog,
    DataSubjectRequest,
    Jurisdiction,
    Membership,
    Organisation,
    Plan,
    RiskClass,
    Scope,
)
from .request_context import current_ip
from .roles import Role
from .selectors import can_on_agent, has_capability

User = get_user_model()
Actor = Any  # a User, an ApiKey, or None for the system itself (commands, schedules)

ORGANISATION_FIELDS = [
    "name",
    "slug",
    "plan",
    "custom_retention_days",
    "retention_unlimited",
    "currency",
    "allow_agent_autocreate",
    "webhook_url",
]
AGENT_FIELDS = ["name", "description", "owner_id", "is_active", "risk_class"]
API_KEY_FIELDS = ["name", "agent_id", "scopes", "prefix", "expires_at", "revoked_at"]


# --- audit ---------------------------------------------------------------------------------------


def snapshot(obj: Model | None, fields: list[str]) -> dict | None:
    """A JSON-safe picture of some fields of an object, for before/after audit columns."""
    if obj is None:
        return None
    raw = {field: getattr(obj, field) for field in fields}
    return json.loads(json.dumps(raw, cls=DjangoJSONEncoder))


def actor_label(actor: Actor) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, ApiKey):
        return f"api key {actor.name} ({actor.masked})"
    return getattr(actor, "email", "") or actor.get_username()


def audit_log_write(
    *,
    organisation: Organisation | None,
    actor: Actor,
    action: AuditAction,
    obj: Model | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    object_repr: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
    ip: str | None = None,
) -> AuditLog:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    return AuditLog.objects.create(
        organisation=organisation,
        actor_user=actor if isinstance(actor, User) else None,
        actor_api_key=actor if isinstance(actor, ApiKey) else None,
        actor_label=actor_label(actor)[:200],
        action=AuditAction(action).value,  # refuses a free string that is not a member
        object_type=object_type or "",
        object_id=object_id or "",
        object_repr=(object_repr or "")[:200],
        before=before,
        after=after,
        ip=ip or current_ip.get(),
    )


def require_capability(
    *, actor: Actor, organisation: Organisation, capability: str, agent: Agent | None = None
) -> None:
    """Raise PermissionDenied unless the actor may do this. The system (None) and superusers
    pass; an API key passes within its own organisation (the API layer checked its scopes)."""
    if isinstance(actor, ApiKey):
        if actor.organisation_id != organisation.id:
            raise PermissionDenied("This API key belongs to another organisation.")
        return
    if actor is None or getattr(actor, "is_superuser", False):
        return
    if agent is not None:
        allowed = can_on_agent(user=actor, agent=agent, capability=capability)
    else:
        allowed = has_capability(user=actor, organisation=organisation, capability=capability)
    if not allowed:
        raise PermissionDenied(f"You may not do this ({capability}) in {organisation}.")


# --- organisations -------------------------------------------------------------------------------


def _validate_retention(organisation: Organisation) -> None:
    if organisation.plan != Plan.ENTERPRISE and (
        organisation.custom_retention_days is not None or organisation.retention_unlimited
    ):
        raise ValidationError(
            {
                "custom_retention_days": "Custom or unlimited retention is only available on the enterprise plan."
            }
        )
    if organisation.custom_retention_days is not None and organisation.custom_retention_days < 1:
        raise ValidationError({"custom_retention_days": "Must be at least 1 day."})
    if organisation.custom_retention_days is not None and organisation.retention_unlimited:
        raise ValidationError(
            {
                "retention_unlimited": "Choose either unlimited retention or a number of days, not both."
            }
        )
    if not (
        len(organisation.currency) == 3
        and organisation.currency.isalpha()
        and organisation.currency.isupper()
    ):
        raise ValidationError({"currency": "Use an ISO 4217 code such as USD or EUR."})


@transaction.atomic
def organisation_create(
    *,
    name: str,
    actor: Actor = None,
    slug: str | None = None,
    plan: str = Plan.FREE,
    owner=None,
    **settings_fields,
) -> Organisation:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "An organisation needs a name."})
    slug = slug or slugify(name)[:60]
    if not slug:
        raise ValidationError({"slug": "Could not derive a slug from the name; give one."})
    if plan not in Plan.values:
        raise ValidationError(
            {"plan": f"Unknown plan {plan!r}; choose one of {', '.join(Plan.values)}."}
        )
    if Organisation.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"An organisation with slug {slug!r} already exists."})
    organisation = Organisation(name=name, slug=slug, plan=plan, **settings_fields)
    _validate_retention(organisation)
    organisation.full_clean()
    organisation.save()
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.ORGANISATION_CREATED,
        obj=organisation,
        after=snapshot(organisation, ORGANISATION_FIELDS),
    )
    if owner is not None:
        # The founding owner: no one can grant it yet, so no rights check.
        membership = Membership.objects.create(
            organisation=organisation, user=owner, role=Role.OWNER
        )
        audit_log_write(
            organisation=organisation,
            actor=actor,
            action=AuditAction.MEMBERSHIP_ADDED,
            obj=membership,
            after={"user": owner.get_username(), "role": Role.OWNER},
        )
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor: Actor, **changes) -> Organisation:
    require_capability(actor=actor, organisation=organisation, capability="organisation.manage")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = snapshot(organisation, ORGANISATION_FIELDS)
    operator = actor is None or getattr(actor, "is_superuser", False)
    for field, value in changes.items():
        if field not in ORGANISATION_FIELDS + ["webhook_secret"]:
            raise ValidationError({field: "This field cannot be changed."})
        if field == "plan" and value != organisation.plan and not operator:
            raise PermissionDenied(
                "The plan is changed by the operator (billing), not by the organisation."
            )
        setattr(organisation, field, value)
    _validate_retention(organisation)
    organisation.full_clean()
    organisation.save()
    after = snapshot(organisation, ORGANISATION_FIELDS)
    if "webhook_secret" in changes:
        after["webhook_secret_changed"] = True  # recorded, never the secret itself
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.ORGANISATION_UPDATED,
        obj=organisation,
        before=before,
        after=after,
    )
    return organisation


# --- members -------------------------------------------------------------------------------------


def _validate_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError(
            {"role": f"Unknown role {role!r}; choose one of {', '.join(Role.values)}."}
        )


def _guard_owner_rules(*, actor: Actor, organisation: Organisation, role: str) -> None:
    # Only an owner may make or unmake owners, so an admin cannot take over the organisation.
    is_person = actor is not None and not isinstance(actor, ApiKey) and not actor.is_superuser
    if (
        role == Role.OWNER
        and is_person
        and not Membership.objects.filter(
            organisation=organisation, user=actor, role=Role.OWNER
        ).exists()
    ):
        raise PermissionDenied("Only an owner may grant or remove the owner role.")


@transaction.atomic
def membership_add(*, organisation: Organisation, user, role: str, actor: Actor) -> Membership:
    require_capability(actor=actor, organisation=organisation, capability="members.manage")
    _validate_role(role)
    _guard_owner_rules(actor=actor, organisation=organisation, role=role)
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise ValidationError({"user": f"{user} is already a member of {organisation}."})
    membership = Membership.objects.create(organisation=organisation, user=user, role=role)
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.MEMBERSHIP_ADDED,
        obj=membership,
        after={"user": user.get_username(), "role": role},
    )
    return membership


@transaction.atomic
def membership_invite(
    *, organisation: Organisation, email: str, role: str, actor: Actor
) -> Membership:
    """Add a member by email, creating the user (with no usable password) when new."""
    email = (email or "").strip().lower()
    if "@" not in email:
        raise ValidationError({"email": "Enter a valid email address."})
    user = (
        User.objects.filter(email__iexact=email).first()
        or User.objects.filter(username__iexact=email).first()
    )
    created = user is None
    if created:
        user = User(username=email, email=email)
        user.set_unusable_password()
        user.save()
    membership = membership_add(organisation=organisation, user=user, role=role, actor=actor)
    # Everyone invited gets a link: new users set their password, existing ones learn of the role.
    transaction.on_commit(lambda: send_invitation(membership_id=membership.pk, new_user=created))
    return membership


def send_invitation(*, membership_id: int, new_user: bool) -> None:
    from django.conf import settings
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    membership = Membership.objects.select_related("user", "organisation").get(pk=membership_id)
    user = membership.user
    base = settings.EXECLAVE_PUBLIC_URL.rstrip("/")
    if new_user:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        link = base + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
        action = f"Choose your password here: {link}"
    else:
        action = f"Log in at {base}/"
    send_mail(
        subject=f"You have been added to {membership.organisation} on Execlave",
        message=(
            f"You are now {membership.get_role_display()} of {membership.organisation} on Execlave.\n\n"
            f"{action}\n"
        ),
        from_email=None,
        recipient_list=[user.email],
        fail_silently=True,
    )


def _ensure_an_owner_remains(membership: Membership) -> None:
    # Lock the owners' rows so two owners demoting each other at once cannot leave none.
    others = (
        Membership.objects.select_for_update()
        .filter(organisation=membership.organisation, role=Role.OWNER)
        .exclude(pk=membership.pk)
    )
    if membership.role == Role.OWNER and not others.exists():
        raise ValidationError({"role": "An organisation must keep at least one owner."})


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, actor: Actor) -> Membership:
    organisation = membership.organisation
    require_capability(actor=actor, organisation=organisation, capability="members.manage")
    _validate_role(role)
    if role == membership.role:
        return membership
    _guard_owner_rules(
        actor=actor,
        organisation=organisation,
        role=Role.OWNER if Role.OWNER in (role, membership.role) else role,
    )
    _ensure_an_owner_remains(membership)
    before = {"user": membership.user.get_username(), "role": membership.role}
    membership.role = role
    membership.save(update_fields=["role"])
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.MEMBERSHIP_ROLE_CHANGED,
        obj=membership,
        before=before,
        after={"user": membership.user.get_username(), "role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Actor) -> None:
    organisation = membership.organisation
    require_capability(actor=actor, organisation=organisation, capability="members.manage")
    _guard_owner_rules(actor=actor, organisation=organisation, role=membership.role)
    _ensure_an_owner_remains(membership)
    before = {"user": membership.user.get_username(), "role": membership.role}
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.MEMBERSHIP_REMOVED,
        obj=membership,
        before=before,
    )
    # Per-agent rights go with the membership.
    for agent in Agent.objects.filter(organisation=organisation):
        for perm in ("decide_approvals", "manage_keys"):
            remove_perm(f"governance.{perm}", membership.user, agent)
    membership.delete()


# --- agents --------------------------------------------------------------------------------------


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
    return agent


@transaction.atomic
def agent_update(*, agent: Agent, actor: Actor, **changes) -> Agent:
    require_capability(
        actor=actor, organisation=agent.organisation, capability="agents.manage", agent=agent
    )
    agent = Agent.objects.select_for_update().get(pk=agent.pk)
    before = snapshot(agent, AGENT_FIELDS)
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


@transaction.atomic
def agent_permission_grant(*, agent: Agent, user, permission: str, actor: Actor) -> None:
    require_capability(actor=actor, organisation=agent.organisation, capability="members.manage")
    if permission not in AGENT_PERMISSION_CODENAMES:
        raise ValidationError(
            {"permission": f"Choose one of {', '.join(AGENT_PERMISSION_CODENAMES)}."}
        )
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
    require_capability(actor=actor, organisation=agent.organisation, capability="members.manage")
    if permission not in AGENT_PERMISSION_CODENAMES:
        raise ValidationError(
            {"permission": f"Choose one of {', '.join(AGENT_PERMISSION_CODENAMES)}."}
        )
    remove_perm(f"governance.{permission}", user, agent)
    audit_log_write(
        organisation=agent.organisation,
        actor=actor,
        action=AuditAction.AGENT_PERMISSION_REVOKED,
        obj=agent,
        before={"user": user.get_username(), "permission": permission},
    )


# --- API keys ------------------------------------------------------------------------------------


def _validate_scopes(scopes) -> list[str]:
    if not isinstance(scopes, (list, tuple)) or not scopes:
        raise ValidationError({"scopes": "Give at least one scope."})
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise ValidationError(
            {
                "scopes": f"Unknown scope(s) {', '.join(unknown)}; choose among {', '.join(Scope.values)}."
            }
        )
    return sorted(set(scopes))


@transaction.atomic
def api_key_create(
    *,
    organisation: Organisation,
    name: str,
    actor: Actor,
    scopes=("check", "ingest"),
    agent: Agent | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Create a key; returns (key, plaintext). The plaintext is never stored: show it once."""
    if agent is not None and agent.organisation_id != organisation.id:
        raise ValidationError({"agent": "The agent belongs to another organisation."})
    if agent is not None:
        require_capability(
            actor=actor, organisation=organisation, capability="keys.manage_agent", agent=agent
        )
    else:
        require_capability(actor=actor, organisation=organisation, capability="keys.manage")
    scopes = _validate_scopes(list(scopes))
    if "policies" in scopes:
        require_capability(actor=actor, organisation=organisation, capability="policies.manage")
    if "privacy" in scopes:
        if agent is not None:
            raise ValidationError({"scopes": "A privacy key cannot be bound to an agent."})
        require_capability(actor=actor, organisation=organisation, capability="dsr.manage")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "A key needs a name."})
    if has_control_characters(name):
        raise ValidationError({"name": "Key names cannot contain control characters."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    for _attempt in range(5):  # a prefix collision (32 random bits) is rare; draw again
        plaintext, prefix, hashed = keys.generate()
        if not ApiKey.objects.filter(prefix=prefix).exists():
            break
    api_key = ApiKey.objects.create(
        organisation=organisation,
        agent=agent,
        name=name[:120],
        scopes=scopes,
        prefix=prefix,
        hashed_secret=hashed,
        created_by=actor if isinstance(actor, User) else None,
        expires_at=expires_at,
    )
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.API_KEY_CREATED,
        obj=api_key,
        after=snapshot(api_key, API_KEY_FIELDS),
    )
    return api_key, plaintext


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey, actor: Actor) -> ApiKey:
    organisation = api_key.organisation
    if api_key.agent_id is not None:
        require_capability(
            actor=actor,
            organisation=organisation,
            capability="keys.manage_agent",
            agent=api_key.agent,
        )
    else:
        require_capability(actor=actor, organisation=organisation, capability="keys.manage")
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if api_key.revoked_at is not None:
        return api_key
    before = snapshot(api_key, API_KEY_FIELDS)
    api_key.revoked_at = timezone.now()
    api_key.save(update_fields=["revoked_at"])
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.API_KEY_REVOKED,
        obj=api_key,
        before=before,
        after=snapshot(api_key, API_KEY_FIELDS),
    )
    return api_key


def api_key_touch(*, api_key: ApiKey, interval_seconds: int) -> None:
    """Record use at most every ``interval_seconds`` (a conditional UPDATE; not audited)."""
    now = timezone.now()
    if not api_key.last_used_is_stale(interval_seconds, now):
        return
    # Conditional, so concurrent requests of one key write at most once per interval.
    stale = Q(last_used_at__isnull=True) | Q(
        last_used_at__lte=now - timedelta(seconds=interval_seconds)
    )
    ApiKey.objects.filter(stale, pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now


# --- data-subject requests --------------------------------------------------------------------------


DSR_FIELDS = [
    "kind",
    "jurisdiction",
    "subject",
    "identifiers",
    "status",
    "received_at",
    "due_at",
    "extended_at",
    "extension_reason",
    "completed_at",
    "rejection_reason",
    "notes",
    "handled_by_id",
]


@transaction.atomic
def data_subject_request_create(
    *,
    organisation: Organisation,
    kind: str,
    actor: Actor,
    subject: str = "",
    identifiers: list[dict] | None = None,
    jurisdiction: str = Jurisdiction.GDPR,
    notes: str = "",
    received_at: datetime | None = None,
    handled_by: User | None = None,
) -> DataSubjectRequest:
    """Record a request; its due date follows its jurisdiction (governance.deadlines).
    ``identifiers`` (see ``identifiers.clean_identifiers``) default to one guessed from
    ``subject``; ``subject`` defaults to the first identifier."""
    require_capability(actor=actor, organisation=organisation, capability="dsr.manage")
    errors = {}
    if kind not in DataSubjectRequest.Kind.values:
        errors["kind"] = [f"Choose one of {', '.join(DataSubjectRequest.Kind.values)}."]
    if jurisdiction not in Jurisdiction.values:
        errors["jurisdiction"] = [f"Choose one of {', '.join(Jurisdiction.values)}."]
    subject = (subject or "").strip()
    if identifiers is None:
        if not subject:
            errors["subject"] = ["Name the data subject (an email or identifier)."]
        identifiers = [{"value": subject}] if subject else []
        try:  # a subject alone: its guessed type, else searched exactly as written
            clean_identifiers(identifiers)
        except ValidationError:
            identifiers = [{"type": "customer_id", "value": subject}]
    try:
        cleaned = clean_identifiers(identifiers) if identifiers or not errors else []
    except ValidationError as exc:
        errors.update(exc.message_dict)
        cleaned = []
    if received_at is not None and received_at > timezone.now() + timedelta(minutes=5):
        errors["received_at"] = ["The request cannot be received in the future."]
    if errors:
        raise ValidationError(errors)
    received_at = received_at or timezone.now()
    request = DataSubjectRequest.objects.create(
        organisation=organisation,
        kind=kind,
        jurisdiction=jurisdiction,
        subject=(subject or cleaned[0]["value"])[:254],
        identifiers=cleaned,
        notes=notes,
        received_at=received_at,
        due_at=deadlines.due_date(jurisdiction=jurisdiction, received_at=received_at),
        handled_by=handled_by,
        filed_by=actor_label(actor)[:200],
    )
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.DSR_RECEIVED,
        obj=request,
        after=snapshot(request, DSR_FIELDS),
    )
    return request


DSR_CLOSED = {
    DataSubjectRequest.Status.COMPLETED: AuditAction.DSR_COMPLETED,
    DataSubjectRequest.Status.REJECTED: AuditAction.DSR_REJECTED,
}


@transaction.atomic
def data_subject_request_close(
    *,
    request: DataSubjectRequest,
    actor: Actor,
    status: str,
    result: dict | None = None,
    notes: str = "",
    rejection_reason: str = "",
) -> DataSubjectRequest:
    require_capability(actor=actor, organisation=request.organisation, capability="dsr.manage")
    if status not in (DataSubjectRequest.Status.COMPLETED, DataSubjectRequest.Status.REJECTED):
        raise ValidationError({"status": "Close a request as completed or rejected."})
    request = DataSubjectRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise ValidationError({"status": "This request is already closed."})
    before = snapshot(request, DSR_FIELDS)
    request.rejection_reason = rejection_reason.strip()
    request.status = status
    request.completed_at = timezone.now()
    request.result = result or {}
    request.notes = (request.notes + "\n" + notes).strip() if notes else request.notes
    if request.handled_by_id is None and isinstance(actor, User):
        request.handled_by = actor
    request.save()
    audit_log_write(
        organisation=request.organisation,
        actor=actor,
        action=DSR_CLOSED[status],
        obj=request,
        before=before,
        after=snapshot(request, DSR_FIELDS),
    )
    return request


def random_password() -> str:
    return secrets.token_urlsafe(12)
