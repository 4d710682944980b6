"""Audit rows and the checks every service makes first: who acts, may they, what changed."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model

from governance.audit import AuditAction
from governance.models import (
    Agent,
    ApiKey,
    AuditLog,
    Organisation,
)
from governance.request_context import current_ip
from governance.selectors import can_on_agent, has_capability

User = get_user_model()
Actor = Any  # a User, an ApiKey, or None for the system itself (commands, schedules)


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
