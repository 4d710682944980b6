"""Organisations: creation with their first owner, settings, the retention conflict check."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from governance.audit import AuditAction
from governance.models import (
    Membership,
    Organisation,
    Plan,
)
from governance.retention import RetentionConflict, notify_owners, retention_conflict
from governance.roles import Role

from .audit_log import Actor, audit_log_write, require_capability, snapshot

ORGANISATION_FIELDS = [
    "name",
    "slug",
    "plan",
    "custom_retention_days",
    "retention_unlimited",
    "currency",
    "ai_act_role",
    "retention_purpose",
    "allow_agent_autocreate",
    "webhook_url",
]


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
    had_conflict = retention_conflict(organisation) is not None
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
    if before["retention_unlimited"] != after["retention_unlimited"] or any(
        before[f] != after[f] for f in ("plan", "custom_retention_days")
    ):
        retention_conflict_check(
            organisation=organisation,
            had_conflict=had_conflict,
            cause=f"retention changed to {organisation.retention_days or 'unlimited'} days "
            f"({organisation.get_plan_display()} plan)",
            actor=actor,
        )
    return organisation


# --- retention conflict (EU AI Act six-month logs) ---


def retention_conflict_check(
    *, organisation: Organisation, had_conflict: bool, cause: str, actor: Actor
) -> RetentionConflict | None:
    """Call after a change of plan or risk class, in the change's transaction, with whether
    the conflict existed before it (``governance.retention``). A newly created conflict is
    audited and e-mailed to the owners once the change commits. Returns the conflict as it
    now stands."""
    conflict = retention_conflict(organisation)
    if conflict is None or had_conflict:
        return conflict
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.ORGANISATION_RETENTION_CONFLICT,
        obj=organisation,
        after={
            "cause": cause,
            "retention_days": conflict.retention_days,
            "agents": list(conflict.agents),
        },
    )
    organisation_id = organisation.pk
    transaction.on_commit(lambda: notify_owners(organisation_id=organisation_id, cause=cause))
    return conflict
