"""``manage.py timekeeper``: expire and escalate approvals on time, beside the task workers."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from approvals import timekeeper


class Command(BaseCommand):
    help = (
        "Expire and escalate approvals within about a second of their deadlines, independently "
        "of the task queue. Safe to run on several machines at once. Stops on Ctrl-C / SIGTERM."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between passes (default 1)"
        )
        parser.add_argument(
            "--once", action="store_true", help="run one pass, print what it did and exit"
        )

    def handle(self, *args, interval: float, once: bool, verbosity: int = 1, **options):
        if not 0.05 <= interval <= 60:
            raise CommandError("--interval must be between 0.05 and 60 seconds.")
        if once:
            result = timekeeper.tick()
            self.stdout.write(f"expired {result.expired}, escalated {result.escalated}")
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())

        started = False

        def report(result: timekeeper.Tick) -> None:
            nonlocal started
            if verbosity < 1:  # make run: the supervisor's banner is what people read
                return
            if not started:
                started = True
                self.stdout.write(f"timekeeper running: a pass every {interval:g} s", ending="\n")
                self.stdout.flush()
            if result.expired or result.escalated:
                self.stdout.write(
                    f"timekeeper: expired {result.expired}, escalated {result.escalated}"
                )

        ticks = timekeeper.run(interval=interval, stop=stop, on_tick=report)
        if verbosity >= 1:
            self.stdout.write(f"timekeeper stopped after {ticks} passes.")
