"""Generate compliance reports now, in this process, with a progress bar.

    python manage.py generate_report ORGANISATION_SLUG [--framework soc2 --framework gdpr]
                                     [--start 2025-06-01 --end 2025-07-01]

Every framework unless --framework is given; last calendar month unless --start/--end are.
Reports are stored, hashed and audited exactly as when the task generates them.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from compliance.content import summary_line
from compliance.models import Framework, ReportStatus
from compliance.services import previous_month, report_generate, report_request
from governance.models import Organisation


def _date(value: str, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--{name}: {value!r} is not an ISO 8601 date.") from exc
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = "Generate compliance reports for an organisation now (default: every framework, last month)."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="Organisation slug")
        parser.add_argument(
            "--framework", action="append", default=[], help="Framework code (repeatable)"
        )
        parser.add_argument("--start", help="Period start (ISO 8601)")
        parser.add_argument("--end", help="Period end (ISO 8601, exclusive)")

    def handle(self, *args, organisation, framework, start=None, end=None, **options):
        org = Organisation.objects.filter(slug=organisation).first()
        if org is None:
            raise CommandError(f"No organisation with slug {organisation!r}.")
        frameworks = list(Framework.objects.filter(is_active=True).order_by("name"))
        unknown = set(framework) - {f.code for f in frameworks}
        if unknown:
            raise CommandError(
                f"Unknown framework(s): {', '.join(sorted(unknown))}. Run load_catalogs?"
            )
        if framework:
            frameworks = [f for f in frameworks if f.code in framework]
        if bool(start) != bool(end):
            raise CommandError("Give both --start and --end, or neither.")
        period = (
            (_date(start, "start"), _date(end, "end")) if start else previous_month(timezone.now())
        )
        console = Console(file=self.stdout, highlight=False)
        done = []
        with Progress(
            TextColumn("{task.description:<60}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            console=console,
        ) as bar:
            for fw in frameworks:
                try:
                    report = report_request(
                        organisation=org,
                        framework=fw,
                        period_start=period[0],
                        period_end=period[1],
                        actor=None,
                        enqueue=False,
                    )
                except ValidationError as exc:
                    raise CommandError("; ".join(exc.messages)) from exc
                task = bar.add_task(fw.name, total=100)

                def progress(percent, note, task=task, name=fw.name):
                    bar.update(task, completed=percent, description=f"{name}: {note}"[:60])

                try:
                    report = report_generate(report=report, on_progress=progress)
                except Exception as exc:
                    raise CommandError(f"{fw.name}: {exc}") from exc
                bar.update(task, completed=100, description=f"{fw.name}: done")
                done.append(report)
        for report in done:
            s = report.content["summary"]
            assert report.status == ReportStatus.DONE
            # Short lines: a long one wrapped at the terminal's width (80 columns off a terminal)
            # and left a "·" or a lone "tested" hanging.
            console.print(f"{report.framework.name}: report {report.pk}")
            console.print(f"  evidence {summary_line(s, ', ')}", soft_wrap=True)
            console.print(
                f"  view /reports/{report.pk}/   PDF /reports/{report.pk}/pdf   "
                f"sha256 {report.content_hash[:16]}…",
                soft_wrap=True,
            )
