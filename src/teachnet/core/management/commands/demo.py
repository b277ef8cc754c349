"""`teachnet demo`: the 国培计划(2011) demo world (core.demo does the work)."""

from django.core.management.base import BaseCommand, CommandError

from teachnet.core.demo import DEFAULT_LEARNERS, demo_run


class Command(BaseCommand):
    help = (
        "Create the 国培计划(2011) demo world: organizations, the project, one login per role and "
        "learners. Safe to run again: it creates only what is missing and keeps existing passwords."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--learners",
            type=int,
            default=DEFAULT_LEARNERS,
            help=f"how many learner accounts the project should have (default {DEFAULT_LEARNERS})",
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="set and print new random passwords for the demo logins (and admin with --superuser)",
        )
        parser.add_argument(
            "--superuser",
            action="store_true",
            help="also create a Django superuser 'admin' with a random password",
        )

    def handle(self, *args, learners: int, reset_passwords: bool, superuser: bool, **options):
        if learners < 0:
            raise CommandError("--learners cannot be negative.")
        demo_run(
            learners=learners,
            reset_passwords=reset_passwords,
            superuser=superuser,
            log=self.stdout.write,
        )
