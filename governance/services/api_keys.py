"""API keys: created (shown once), revoked, last use recorded."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from governance import keys
from governance.audit import AuditAction
from governance.models import (
    Agent,
    ApiKey,
    Organisation,
    Scope,
)

from .agents import has_control_characters
from .audit_log import Actor, User, audit_log_write, require_capability, snapshot

API_KEY_FIELDS = ["name", "agent_id", "scopes", "prefix", "expires_at", "revoked_at"]
# How long a rotated key keeps working, so the agents using it can move to the new one.
ROTATION_GRACE = timedelta(hours=24)


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


@transaction.atomic
def api_key_rotate(
    *, api_key: ApiKey, actor: Actor, grace: timedelta = ROTATION_GRACE
) -> tuple[ApiKey, str]:
    """Replace a key's secret: a new key with the same name, organisation, agent, scopes and
    expiry (shown once), and the old one expires after ``grace`` (sooner if it already
    expired sooner) so the agents using it can be moved without an outage. Returns
    (new key, plaintext). Audited as ``api_key.created`` for the new key and
    ``api_key.rotated`` for the old one, naming its successor."""
    # The key's row alone: PostgreSQL refuses FOR UPDATE on the nullable side of the outer
    # join that select_related("agent") would add.
    old = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    now = timezone.now()
    if old.revoked_at is not None or old.is_expired(now):
        raise ValidationError(
            {"api_key": "The key is revoked or expired: create a new key instead."}
        )
    new, plaintext = api_key_create(
        organisation=old.organisation,
        name=old.name,
        actor=actor,  # the same rights as creating this key
        scopes=old.scopes,
        agent=old.agent,
        expires_at=old.expires_at,
    )
    before = snapshot(old, API_KEY_FIELDS)
    old.expires_at = min(old.expires_at or now + grace, now + grace)
    old.save(update_fields=["expires_at"])
    audit_log_write(
        organisation=old.organisation,
        actor=actor,
        action=AuditAction.API_KEY_ROTATED,
        obj=old,
        before=before,
        after={**snapshot(old, API_KEY_FIELDS), "replaced_by": new.prefix},
    )
    return new, plaintext


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
