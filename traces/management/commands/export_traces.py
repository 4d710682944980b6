"""python manage.py export_traces --org SLUG [--since] [--until] [--format jsonl|csv] OUT"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from traces.export import ExportBroken, export_csv, export_jsonl, export_range

from ._args import moment, organisation_by_slug
from ._progress import progress_bar


class Command(BaseCommand):
    help = "Export an organisation's ledger (streaming). JSONL carries hashes and a signed seal for verify_export."

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT", help="file to write ('-' for standard output)")
        parser.add_argument("--org", metavar="SLUG", required=True)
        parser.add_argument(
            "--since", help="recorded at or after (ISO 8601 date or time with zone)"
        )
        parser.add_argument("--until", help="recorded before (ISO 8601 date or time with zone)")
        parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")

    def handle(self, *args, out, org, since=None, until=None, format="jsonl", **options):
        organisation = organisation_by_slug(org)
        since, until = moment(since, "--since"), moment(until, "--until")
        if since and until and since >= until:
            raise CommandError("--since must be before --until.")
        span = export_range(organisation=organisation, since=since, until=until)
        producer = export_jsonl if format == "jsonl" else export_csv
        newline = "\n" if format == "jsonl" else ""
        target = None if out == "-" else Path(out)
        temporary = None if target is None else target.with_name(target.name + ".partial")
        handle = (
            sys.stdout if target is None else open(temporary, "w", encoding="utf-8", newline="")  # noqa: SIM115
        )
        try:
            with progress_bar(
                f"exporting {organisation.slug}", span.count, stderr=self.stderr._out
            ) as advance:
                for text in producer(
                    organisation=organisation, since=since, until=until, progress=advance
                ):
                    handle.write(text + newline)
        except ExportBroken as exc:
            if temporary is not None:
                handle.close()
                temporary.unlink(missing_ok=True)
            raise CommandError(f"not exported: {exc}. Run verify_ledger --org {org}.") from None
        if target is not None:
            handle.close()
            os.replace(temporary, target)
            self.stderr.write(f"{span.count} entries of {organisation.slug} written to {target}")
