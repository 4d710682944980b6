"""Members: adding, inviting (with the e-mail), changing roles, removing."""

from __future__ import annotations

import logging
import secrets
import smtplib

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from guardian.shortcuts import remove_perm

from governance.audit import AuditAction
from governance.links import public_url
from governance.models import (
    Agent,
    ApiKey,
    Membership,
    Organisation,
)
from governance.roles import Role

from .audit_log import Actor, User, audit_log_write, require_capability

logger = logging.getLogger(__name__)


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
        raise PermissionDenied(
            f"Only an owner may grant or remove the owner role: ask an owner of {organisation}."
        )


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
    *, organisation: Organisation, email: str, role: str, actor: Actor, notify: bool = True
) -> Membership:
    """Add a member by email, creating the user (with no usable password) when new. The
    invitation e-mail goes out once the transaction commits; ``notify=False`` leaves sending it
    to the caller (``invite_owner`` sends it itself, to say whether it went)."""
    email = (email or "").strip().lower()
    if "@" not in email:
        raise ValidationError({"email": "Enter a valid email address."})
    user = (
        User.objects.filter(email__iexact=email).first()
        or User.objects.filter(username__iexact=email).first()
    )
    if user is None:
        user = User(username=email, email=email)
        user.set_unusable_password()
        user.save()
    membership = membership_add(organisation=organisation, user=user, role=role, actor=actor)
    # Everyone invited gets a link: whoever has no password yet (new, or invited before and
    # never set one) a link to choose it, the others a note of the role.
    if notify:
        needs_password = not user.has_usable_password()
        transaction.on_commit(
            lambda: send_invitation(membership_id=membership.pk, new_user=needs_password)
        )
    return membership


def invitation_link(user) -> str:
    """The link an invited person opens to choose a password (valid PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return public_url(reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}))


def send_invitation(*, membership_id: int, new_user: bool) -> str | None:
    """E-mail the invitation: None once the e-mail backend took it, else why it could not. The
    reason is logged too, so an invitation the console or the admin sent through a wrong SMTP
    setting reaches the server's log instead of vanishing (it never fails their request)."""
    membership = Membership.objects.select_related("user", "organisation").get(pk=membership_id)
    user = membership.user
    if new_user:
        action = f"Choose your password here: {invitation_link(user)}"
    else:
        action = f"Log in at {public_url('/')}"
    try:
        send_mail(
            subject=f"You have been added to {membership.organisation} on Execlave",
            message=(
                f"You are now {membership.get_role_display()} of {membership.organisation} on Execlave.\n\n"
                f"{action}\n"
            ),
            from_email=None,
            recipient_list=[user.email],
        )
    except (smtplib.SMTPException, OSError) as exc:
        reason = str(exc) or type(exc).__name__
        logger.warning("The invitation e-mail to %s could not be sent: %s", user.email, reason)
        return reason
    return None


def _ensure_an_owner_remains(membership: Membership, *, leaving: bool = False) -> None:
    # Lock the owners' rows so two owners demoting each other at once cannot leave none.
    others = (
        Membership.objects.select_for_update()
        .filter(organisation=membership.organisation, role=Role.OWNER)
        .exclude(pk=membership.pk)
    )
    if membership.role == Role.OWNER and not others.exists():
        # Says what to do, not only what is wrong: the owner who wanted to step down was stuck.
        if leaving:
            message = (
                f"You are the only owner of {membership.organisation}, which must keep one. "
                "Make another member an owner first (open their membership and choose "
                "Owner), then leave."
            )
        else:
            message = (
                f"{membership.user} is the only owner of {membership.organisation}, "
                "which must keep one. Make another member an owner first (open their "
                "membership and choose Owner), then change or remove this one."
            )
        raise ValidationError({"role": message})


def _is_own(membership: Membership, actor: Actor) -> bool:
    return isinstance(actor, User) and actor.pk == membership.user_id


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


def _end_membership(membership: Membership, *, actor: Actor, action: AuditAction) -> None:
    audit_log_write(
        organisation=membership.organisation,
        actor=actor,
        action=action,
        obj=membership,
        before={"user": membership.user.get_username(), "role": membership.role},
    )
    # Per-agent rights go with the membership.
    for agent in Agent.objects.filter(organisation=membership.organisation):
        for perm in ("decide_approvals", "manage_keys"):
            remove_perm(f"governance.{perm}", membership.user, agent)
    membership.delete()


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Actor) -> None:
    """Remove another member. One's own membership is left (membership_leave), on purpose:
    a ticked row of one's own among others, or the wrong page's button, removed the person
    acting from the organisation they were managing (session 24's walk)."""
    organisation = membership.organisation
    require_capability(actor=actor, organisation=organisation, capability="members.manage")
    if _is_own(membership, actor):
        raise ValidationError(
            {
                "user": f"This is your own membership. To leave {organisation}, open it and "
                "choose Leave the organisation."
            }
        )
    _guard_owner_rules(actor=actor, organisation=organisation, role=membership.role)
    _ensure_an_owner_remains(membership)
    _end_membership(membership, actor=actor, action=AuditAction.MEMBERSHIP_REMOVED)


@transaction.atomic
def membership_leave(*, membership: Membership, actor: Actor) -> None:
    """The member leaves the organisation: their own membership only, whatever their role;
    never its last owner. Audited as the member's own act."""
    if not _is_own(membership, actor):
        raise PermissionDenied(
            "Only the member may leave; to remove someone else, use Remove this member."
        )
    _ensure_an_owner_remains(membership, leaving=True)
    _end_membership(membership, actor=actor, action=AuditAction.MEMBERSHIP_LEFT)


def random_password() -> str:
    return secrets.token_urlsafe(12)
