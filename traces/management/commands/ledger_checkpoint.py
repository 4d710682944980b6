"""python manage.py ledger_checkpoint [--org SLUG]: sign chain heads now."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from traces.models import LedgerChain
from traces.services import checkpoint_create

from ._args import organisation_by_slug


class Command(BaseCommand):
    help = "Sign a checkpoint of the chain head of one organisation (or every organisation with a ledger)."

    def add_arguments(self, parser):
        parser.add_argument("--org", metavar="SLUG")

    def handle(self, *args, org=None, **options):
        organisations = (
            [organisation_by_slug(org)]
            if org
            else [h.organisation for h in LedgerChain.objects.select_related("organisation")]
        )
        for organisation in organisations:
            checkpoint = checkpoint_create(organisation=organisation)
            if checkpoint is None:
                self.stdout.write(f"{organisation.slug}: nothing new to sign")
            else:
                self.stdout.write(
                    f"{organisation.slug}: signed #{checkpoint.seq} {checkpoint.entry_hash[:16]}… (key {checkpoint.key_id})"
                )
