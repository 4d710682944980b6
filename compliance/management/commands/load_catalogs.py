"""Load (or reload) the framework catalogs and validate the mapping rules.

    python manage.py load_catalogs [--check]

Also runs on every ``migrate``. With ``--check`` nothing is written: the files are only
validated, and any problem is listed on stderr with a non-zero exit.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from compliance.catalog import CatalogError, load_catalog
from compliance.services import catalog_sync, ensure_schedule_task


class Command(BaseCommand):
    help = (
        "Load the compliance framework catalogs into the database and validate the mapping rules."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Only validate the files; write nothing."
        )

    def handle(self, *args, check: bool = False, **options):
        console = Console(file=self.stdout, highlight=False)
        try:
            catalog = load_catalog()
        except CatalogError as exc:
            for error in exc.errors:
                self.stderr.write(f"  {error}")
            raise CommandError(
                f"{len(exc.errors)} problem(s) in the catalog or mapping files."
            ) from exc
        table = Table(title="Compliance catalogs", show_lines=False)
        for column in ("Framework", "Version", "Controls", "With Execlave evidence"):
            table.add_column(column)
        for fw in catalog.frameworks.values():
            mapped = sum(1 for c in fw.controls if catalog.links_for_control(fw.code, c.id))
            table.add_row(fw.name, fw.version, str(len(fw.controls)), str(mapped))
        console.print(table)
        console.print(f"{len(catalog.rules)} mapping rules valid.")
        if check:
            return
        counts = catalog_sync(catalog=catalog)
        ensure_schedule_task()
        console.print(
            f"Synced {counts['frameworks']} frameworks: {counts['created']} controls created, "
            f"{counts['updated']} updated, {counts['deactivated']} deactivated."
        )
