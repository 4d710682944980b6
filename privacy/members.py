"""The personal data of the people who use Execlave (GDPR Art. 15, 17, 20 for platform users).

* An Owner or Admin can export a member's data (profile, memberships, what they did: the audit
  rows naming them, agents they own, keys they created) or erase it;
* anyone can download their own data from their profile (/privacy/me/).

Erasure keeps the audit trail whole: rows are *pseudonymised* (the person's name, e-mail and
username become a stable pseudonym such as ``former-member-3f9a1c``, so one person's actions
still read as one person's) rather than deleted; the membership is removed and, when the person
belongs to no other organisation, the account is deleted.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from governance.audit import AuditAction
from governance.models import Agent, ApiKey, AuditLog, Membership, Organisation
from governance.services import audit_log_write, membership_remove, require_capability

User = get_user_model()


def pseudonym(user) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:member:{user.pk}".encode()).hexdigest()
    return f"former-member-{digest[:10]}"


def _names(user) -> list[str]:
    names = {user.get_username(), user.email, user.get_full_name()}
    return sorted((n for n in names if n and len(n) >= 3), key=len, reverse=True)


def _audit_rows(user, organisation: Organisation | None):
    names = _names(user)
    about = Q(actor_user=user) | Q(actor_label__in=names)
    for name in names:
        about |= Q(object_repr__icontains=name)
    memberships = Membership.objects.filter(user=user).values_list("pk", flat=True)
    about |= Q(object_type="governance.membership", object_id__in=[str(m) for m in memberships])
    rows = AuditLog.objects.filter(about)
    return rows if organisation is None else rows.filter(organisation=organisation)


def _profile(user) -> dict:
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def _member_data(user, organisation: Organisation | None) -> dict:
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    agents = Agent.objects.filter(owner=user)
    keys = ApiKey.objects.filter(created_by=user)
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
        agents = agents.filter(organisation=organisation)
        keys = keys.filter(organisation=organisation)
    data = {
        "format": "execlave-member-data",
        "generated_at": timezone.now(),
        "profile": _profile(user),
        "memberships": [
            {"organisation": m.organisation.name, "role": m.role, "since": m.created_at}
            for m in memberships
        ],
        "agents_owned": [{"organisation_id": a.organisation_id, "name": a.name} for a in agents],
        "api_keys_created": [
            {"name": k.name, "prefix": k.masked, "scopes": k.scopes, "created_at": k.created_at}
            for k in keys
        ],
        "audit_log": [
            {
                "at": row.created_at,
                "action": row.action,
                "object": row.object_repr,
                "organisation_id": row.organisation_id,
                "ip": row.ip,
            }
            for row in _audit_rows(user, organisation).order_by("created_at")[:50000]
        ],
    }
    return data


def _as_json(data: dict) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode()


@transaction.atomic
def member_data_export(*, organisation: Organisation, member, actor) -> bytes:
    """A member's personal data held for this organisation, as JSON; Owner/Admin; audited."""
    require_capability(actor=actor, organisation=organisation, capability="dsr.manage")
    if not Membership.objects.filter(user=member, organisation=organisation).exists():
        raise ValidationError({"member": ["Not a member of this organisation."]})
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.MEMBER_DATA_EXPORTED,
        object_type="auth.user",
        object_id=str(member.pk),
        object_repr=member.get_username(),
    )
    return _as_json(_member_data(member, organisation))


@transaction.atomic
def my_data_export(*, user) -> bytes:
    """Everything Execlave holds about the signed-in person, across their organisations."""
    for membership in Membership.objects.filter(user=user).select_related("organisation"):
        audit_log_write(
            organisation=membership.organisation,
            actor=user,
            action=AuditAction.MEMBER_DATA_EXPORTED,
            object_type="auth.user",
            object_id=str(user.pk),
            object_repr=user.get_username(),
        )
    return _as_json(_member_data(user, None))


_PSEUDONYMISE_SQL = {
    False: "UPDATE governance_auditlog SET actor_label = %s, object_repr = %s,"
    " before = %s, after = %s WHERE id = %s",
    True: "UPDATE governance_auditlog SET actor_label = %s, object_repr = %s,"
    " before = %s::jsonb, after = %s::jsonb WHERE id = %s",
}


def _pseudonymise_rows(rows, names: list[str], alias: str) -> int:
    changed = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('execlave.audit_maintenance', 'pseudonymise', true)")
        for row in rows:
            label, repr_, before, after = row.actor_label, row.object_repr, row.before, row.after
            for name in names:
                label = label.replace(name, alias)
                repr_ = repr_.replace(name, alias)
            before_text, after_text = json.dumps(before), json.dumps(after)
            for name in names:
                quoted = json.dumps(name)[1:-1]
                before_text = before_text.replace(quoted, alias)
                after_text = after_text.replace(quoted, alias)
            cursor.execute(
                _PSEUDONYMISE_SQL[connection.vendor == "postgresql"],
                [
                    label[:200],
                    repr_[:200],
                    None if before is None else before_text,
                    None if after is None else after_text,
                    row.pk,
                ],
            )
            changed += 1
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('execlave.audit_maintenance', '', true)")
    return changed


@transaction.atomic
def member_erase(*, organisation: Organisation, member, actor) -> dict:
    """Erase a member's personal data from this organisation: pseudonymise the audit rows that
    name them, remove the membership (never the last owner) and, when they belong to no other
    organisation, delete the account (their audit rows everywhere are pseudonymised first)."""
    require_capability(actor=actor, organisation=organisation, capability="dsr.manage")
    membership = Membership.objects.filter(user=member, organisation=organisation).first()
    if membership is None:
        raise ValidationError({"member": ["Not a member of this organisation."]})
    if member == actor:
        raise ValidationError({"member": ["Download your own data from your profile instead."]})
    alias = pseudonym(member)
    names = _names(member)
    membership_remove(membership=membership, actor=actor)  # audited; keeps an owner
    last = not Membership.objects.filter(user=member).exists()
    rows = list(_audit_rows(member, None if last else organisation))
    changed = _pseudonymise_rows(rows, names, alias)
    if last:
        member.delete()
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.MEMBER_ERASED,
        object_type="auth.user",
        object_id=str(alias),
        object_repr=alias,
        after={"audit_rows_pseudonymised": changed, "account_deleted": last},
    )
    return {"pseudonym": alias, "audit_rows_pseudonymised": changed, "account_deleted": last}
