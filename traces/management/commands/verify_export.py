"""python manage.py verify_export FILE: verify a JSONL export offline (no database needed)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from traces.export import verify_export_lines

from ._progress import progress_bar


class Command(BaseCommand):
    help = "Verify a JSONL ledger export without the database: hashes, links, checkpoints and the signed seal."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        with (
            path.open("r", encoding="utf-8", newline="") as lines,
            progress_bar("verifying export", None, stderr=self.stderr._out) as advance,
        ):
            result = verify_export_lines(lines, progress=advance)
        if not result.ok:
            raise CommandError(f"{file}: NOT VERIFIED at line {result.line}: {result.error}")
        seal = result.seal
        self.stdout.write(
            self.style.SUCCESS(
                f"{file}: intact — {result.entries} entries of organisation {result.slug} (#{result.first_seq}–#{result.last_seq}), "
                f"{result.checkpoints} stored checkpoint(s) matched, {result.redacted} erased payload(s); "
                f"sealed {seal['created_at']} with key {seal['key_id']}"
            )
        )
