"""`teachnet qa notify-starting [--minutes N]` and `teachnet qa archive-ended`: the periodic work of Q&A
sessions by hand (`teachnet reminders` runs both with the other reminders, as Celery beat and the demo do)."""

from django.core.management.base import BaseCommand

from teachnet.qa.services import sessions_archive_due, sessions_notify_starting


class Command(BaseCommand):
    help = "Q&A sessions (ACT-5): tell learners a session is starting; archive sessions that have ended."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="notify-starting|archive-ended")
        notify = actions.add_parser("notify-starting", help="notify learners of sessions starting soon")
        notify.add_argument(
            "--minutes", type=int, default=None, help="how far ahead (default: QA_NOTIFY_MINUTES_BEFORE)"
        )
        actions.add_parser("archive-ended", help="archive sessions past their planned end")

    def handle(self, *args, **options):
        if options["action"] == "notify-starting":
            done = sessions_notify_starting(minutes=options["minutes"])
            self.stdout.write(
                f"{done['sessions']} sessions starting soon, {done['people']} learners notified"
            )
        else:
            self.stdout.write(f"{sessions_archive_due()} sessions archived")
