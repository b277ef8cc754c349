"""`teachnet reminders [--loop SECONDS] [--job NAME]`: send the reminders that are due
(notifications.periodic)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from teachnet.notifications import periodic


class Command(BaseCommand):
    help = (
        "Send the reminders that are due (deadlines, Q&A sessions starting); once, or every --loop seconds."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS", help="run again every SECONDS")
        parser.add_argument("--job", action="append", dest="jobs", metavar="NAME", help="only this job")

    def handle(self, *args, loop: int, jobs: list[str] | None, **options):
        known = periodic.jobs()
        unknown = sorted(set(jobs or ()) - set(known))
        if unknown:
            raise CommandError(f"unknown job(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        if loop < 0:
            raise CommandError("--loop must be a number of seconds (0 runs once)")
        while True:
            for name, sent in periodic.run_due(names=jobs).items():
                status = "failed (see the log)" if sent < 0 else f"{sent} sent"
                self.stdout.write(f"{name}: {status}")
            if not loop:
                return
            close_old_connections()  # a loop of days must not keep a connection the database dropped
            time.sleep(loop)
