"""The console's writes: ledger verification runs, self-service sign-up, onboarding steps."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from governance.audit import AuditAction
from governance.models import Organisation
from governance.services import audit_log_write
from traces.verification import ledger_verify

from .models import IntegrityCheck, IntegrityStatus

logger = logging.getLogger(__name__)
STALE_AFTER = timedelta(hours=1)


@transaction.atomic
def integrity_check_request(
    *, organisation: Organisation, actor, cause: str = "verify now on the dashboard"
) -> IntegrityCheck:
    """Record a verification request and run it in the task worker (after the commit).
    A run already in progress for the organisation is returned instead of starting another.

    ``actor`` is the person who asked, or None for the system (a command); ``cause`` says
    why, in the audit row (as a retention conflict's row does)."""
    running = (
        IntegrityCheck.objects.select_for_update()
        .filter(organisation=organisation, status=IntegrityStatus.RUNNING)
        .first()
    )
    if running is not None and timezone.now() - running.requested_at < STALE_AFTER:
        return running
    if running is not None:  # its worker died (a verification takes seconds, not an hour)
        IntegrityCheck.objects.filter(pk=running.pk, status=IntegrityStatus.RUNNING).update(
            status=IntegrityStatus.FAILED,
            finished_at=timezone.now(),
            detail={"error": "The task worker did not finish this verification."},
        )
    check = IntegrityCheck.objects.create(organisation=organisation, requested_by=actor)
    audit_log_write(
        organisation=organisation,
        actor=actor,
        action=AuditAction.LEDGER_VERIFICATION_REQUESTED,
        obj=check,
        object_repr=f"ledger verification #{check.pk}",  # not str(check): its status changes
        after={"integrity_check": check.pk, "cause": cause},
    )
    transaction.on_commit(lambda: async_task("console.tasks.integrity_check_run", check.pk))
    return check


def integrity_check_run(*, check_id: int) -> IntegrityCheck | None:
    """Verify the chain and record the outcome on the check (one conditional update)."""
    check = IntegrityCheck.objects.select_related("organisation").filter(pk=check_id).first()
    if check is None or check.status != IntegrityStatus.RUNNING:
        return check
    try:
        result = ledger_verify(organisation=check.organisation)
    except Exception as exc:  # recorded for the dashboard; the worker logs the traceback too
        logger.exception("ledger verification %s failed", check_id)
        IntegrityCheck.objects.filter(pk=check.pk, status=IntegrityStatus.RUNNING).update(
            status=IntegrityStatus.FAILED,
            finished_at=timezone.now(),
            detail={"error": f"{type(exc).__name__}: {exc}"[:500]},
        )
    else:
        detail = {}
        if result.first_break is not None:
            b = result.first_break
            detail = {"seq": b.seq, "kind": b.kind, "detail": b.detail}
        IntegrityCheck.objects.filter(pk=check.pk, status=IntegrityStatus.RUNNING).update(
            status=IntegrityStatus.INTACT if result.ok else IntegrityStatus.BROKEN,
            finished_at=timezone.now(),
            entries=result.entries,
            head_seq=result.head_seq,
            detail=detail,
        )
    check.refresh_from_db()
    return check


# --- self-service sign-up -------------------------------------------------------------------------
@transaction.atomic
def signup_create(*, email: str, password: str, organisation_name: str):
    """A new person and their new organisation, of which they are the owner. Refuses an
    e-mail already in use (that person signs in and is invited instead)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils.text import slugify

    from governance.models import Plan
    from governance.services import organisation_create

    User = get_user_model()
    email = (email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if "@" not in email or len(email) > 150:
        errors["email"] = ["Enter a valid e-mail address."]
    elif (
        User.objects.filter(username__iexact=email).exists()
        or User.objects.filter(email__iexact=email).exists()
    ):
        errors["email"] = ["This e-mail already has an account: sign in instead."]
    name = (organisation_name or "").strip()
    if not name:
        errors["organisation_name"] = ["Name your organisation."]
    elif len(name) > 200:
        errors["organisation_name"] = ["At most 200 characters."]
    user = User(username=email, email=email)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    base = slugify(name)[:50] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    organisation = organisation_create(name=name, slug=slug, plan=Plan.FREE, actor=user, owner=user)
    return user, organisation
