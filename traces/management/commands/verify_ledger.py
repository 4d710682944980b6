"""python manage.py verify_ledger [--org SLUG]: walk each chain; exit 1 on any break."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError

from governance.models import Organisation
from traces.models import LedgerChain
from traces.selectors import retention_base
from traces.verification import ledger_verify

from ._args import organisation_by_slug
from ._progress import progress_bar


class Command(BaseCommand):
    help = "Verify the hash chain of one organisation's ledger (or all), from the latest retention checkpoint to the head."

    def add_arguments(self, parser):
        parser.add_argument("--org", metavar="SLUG", help="only this organisation")
        parser.add_argument(
            "--workers",
            type=int,
            default=min(4, os.cpu_count() or 1),
            help="processes verifying segments of a long chain in parallel (default: cores, at most 4)",
        )

    def handle(self, *args, org=None, workers=1, **options):
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        organisations = (
            [organisation_by_slug(org)] if org else list(Organisation.objects.order_by("slug"))
        )
        broken = []
        for organisation in organisations:
            head = LedgerChain.objects.filter(organisation=organisation).first()
            base = retention_base(organisation=organisation)
            total = (head.length if head else 0) - (base.seq if base else 0)
            with progress_bar(
                f"verifying {organisation.slug}", max(total, 0), stderr=self.stderr._out
            ) as advance:
                result = ledger_verify(organisation=organisation, progress=advance, workers=workers)
            if result.ok:
                extra = f", {result.redacted} erased payload(s)" if result.redacted else ""
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{organisation.slug}: intact — {result.entries} entries (#{result.start_seq + 1}–#{result.head_seq}), "
                        f"{result.checkpoints_checked} signed checkpoint(s) matched{extra}; head {result.head_hash[:16]}…"
                    )
                )
            else:
                b = result.first_break
                self.stdout.write(
                    self.style.ERROR(
                        f"{organisation.slug}: BROKEN at entry #{b.seq} ({b.kind}): {b.detail}"
                        + (f" [trace {b.trace_id}]" if b.trace_id else "")
                    )
                )
                broken.append(organisation.slug)
        if broken:
            raise CommandError(f"ledger broken for: {', '.join(broken)}")
