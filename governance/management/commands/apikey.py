"""``apikey create|revoke|list`` — manage API keys from the shell. ``create`` prints the key alone."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from governance import services
from governance.models import Agent, ApiKey, Organisation, Scope


def _organisation(slug: str) -> Organisation:
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise CommandError(f"No organisation with slug {slug!r}.")
    return org


class Command(BaseCommand):
    help = "Create, revoke or list API keys."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a key and print it (only) on stdout.")
        create.add_argument("--org", required=True, help="Organisation slug")
        create.add_argument("--name", required=True)
        create.add_argument("--agent", help="Bind the key to this agent (by name)")
        create.add_argument(
            "--scopes",
            default="check,ingest,read",
            help=f"Comma-separated, of: {','.join(Scope.values)} (default: check,ingest,read)",
        )
        create.add_argument(
            "--expires-in-days", type=int, help="Expire the key after this many days"
        )
        revoke = sub.add_parser("revoke", help="Revoke a key by its prefix.")
        revoke.add_argument("prefix", help="The 8 characters after exk_live_")
        listing = sub.add_parser("list", help="List an organisation's keys (masked).")
        listing.add_argument("--org", required=True)

    def handle(self, *args, action: str, **options):
        for name, value in options.items():
            if isinstance(value, str) and any(ord(ch) < 32 for ch in value):
                raise CommandError(f"--{name.replace('_', '-')} contains control characters.")
        return getattr(self, f"handle_{action}")(**options)

    def handle_create(
        self,
        *,
        org: str,
        name: str,
        agent: str | None,
        scopes: str,
        expires_in_days: int | None,
        **_,
    ):
        organisation = _organisation(org)
        bound = None
        if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
            raise CommandError("--expires-in-days must be between 1 and 3650.")
        expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
        scope_list = [s.strip() for s in scopes.split(",") if s.strip()]
        registered = False
        try:
            with transaction.atomic():  # a key refused leaves no agent registered for it
                if agent:
                    # The docs' first step (`--agent billing-bot` on a new organisation) used to
                    # stop at "No agent named …", and no command registers one: register it
                    # here, as the onboarding page does (stdout stays the key alone).
                    bound = Agent.objects.filter(organisation=organisation, name=agent).first()
                    if bound is None:
                        bound = services.agent_create(
                            organisation=organisation, name=agent, actor=None
                        )
                        registered = True
                _, plaintext = services.api_key_create(
                    organisation=organisation,
                    name=name,
                    actor=None,
                    scopes=scope_list,
                    agent=bound,
                    expires_at=expires_at,
                )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from None
        if registered:
            self.stderr.write(f"Registered agent {agent!r} in {organisation.slug}.")
        self.stdout.write(plaintext)

    def handle_revoke(self, *, prefix: str, **_):
        api_key = ApiKey.objects.filter(prefix=prefix.removeprefix("exk_live_")[:8]).first()
        if api_key is None:
            raise CommandError(f"No key with prefix {prefix!r}.")
        if api_key.revoked_at is not None:
            self.stderr.write(
                f"{api_key} was already revoked on {api_key.revoked_at:%Y-%m-%d %H:%M} UTC."
            )
            return
        services.api_key_revoke(api_key=api_key, actor=None)
        self.stderr.write(f"Revoked {api_key}.")

    def handle_list(self, *, org: str, **_):
        for api_key in _organisation(org).api_keys.select_related("agent"):
            state = (
                "revoked"
                if api_key.revoked_at
                else ("expired" if api_key.is_expired() else "active")
            )
            agent = api_key.agent.name if api_key.agent else "-"
            self.stdout.write(
                f"{api_key.masked}\t{api_key.name}\t{agent}\t{','.join(api_key.scopes)}\t{state}"
            )
