"""Operator invite: create an organisation (unless it exists) and invite its first owner by
e-mail (with self-service sign-up off, this is how a new organisation starts)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from governance.models import Membership, Organisation, Plan
from governance.roles import Role
from governance.services import (
    invitation_link,
    membership_invite,
    organisation_create,
    send_invitation,
)


def _existing(organisation: str) -> Organisation | None:
    """The organisation named by its slug, or by its name (any case) when one has that name:
    the docs' second invite for "Acme Corp" finds the one the first created."""
    by_slug = Organisation.objects.filter(slug=organisation).first()
    if by_slug is not None:
        return by_slug
    named = list(Organisation.objects.filter(name__iexact=organisation.strip()))
    if len(named) > 1:
        slugs = ", ".join(o.slug for o in named)
        raise CommandError(
            f"Several organisations are named {organisation!r}: give the slug ({slugs})."
        )
    return named[0] if named else None


class Command(BaseCommand):
    help = "Create an organisation and invite its owner by e-mail (a link to set a password)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation",
            required=True,
            help="Its name or slug: an existing organisation of that slug or name is used.",
        )
        parser.add_argument("--email", required=True, help="The owner's e-mail address.")
        parser.add_argument("--plan", default=Plan.FREE, choices=Plan.values)

    def handle(self, *args, organisation: str, email: str, plan: str, **options):
        try:
            with transaction.atomic():
                org = _existing(organisation)
                created = org is None
                if created:
                    org = organisation_create(name=organisation, plan=plan, actor=None)
                email = email.strip().lower()
                if Membership.objects.filter(
                    organisation=org, user__username__iexact=email
                ).exists():
                    raise CommandError(f"{email} is already a member of {org}.")
                membership = membership_invite(
                    organisation=org, email=email, role=Role.OWNER, actor=None, notify=False
                )
        except ValidationError as exc:
            messages = (
                "; ".join(
                    f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items()
                )
                if hasattr(exc, "error_dict")
                else " ".join(exc.messages)
            )
            raise CommandError(messages) from None
        verb = "Created" if created else "Using"
        invited = f"{verb} organisation {org.name} (slug {org.slug}); invited {email} as its owner"
        new_user = not membership.user.has_usable_password()
        # Sent here, not on commit, to say whether it went: with a wrong SMTP setting the
        # operator used to read "they receive a link" while nothing was sent.
        problem = send_invitation(membership_id=membership.pk, new_user=new_user)
        if problem is None:
            self.stdout.write(
                f"{invited}: they receive a link to choose a password."
                if new_user
                else f"{invited}: they have a password already and receive a note of the role."
            )
            return
        days = round(settings.PASSWORD_RESET_TIMEOUT / 86400)
        hand_over = (
            f"give them this link to choose a password (valid for {days} days): "
            f"{invitation_link(membership.user)}"
            if new_user
            else "they sign in with the password they have"
        )
        raise CommandError(
            f"{invited}, but the invitation e-mail could not be sent ({problem}). Check the "
            f"e-mail settings (EMAIL_BACKEND, EMAIL_HOST, docs/configuration.md) and {hand_over}"
        )
