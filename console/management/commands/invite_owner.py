"""Operator invite: create an organisation (unless it exists) and invite its first owner by
e-mail (with self-service sign-up off, this is how a new organisation starts)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from governance.models import Membership, Organisation, Plan
from governance.roles import Role
from governance.services import membership_invite, organisation_create


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
                membership_invite(organisation=org, email=email, role=Role.OWNER, actor=None)
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
        self.stdout.write(
            f"{verb} organisation {org.name} (slug {org.slug}); invited {email} as its owner: "
            "they receive a link to choose a password."
        )
