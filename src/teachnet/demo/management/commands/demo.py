"""`teachnet demo`: the 国培计划(2011) demo world (teachnet.demo.world does the work)."""

from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from teachnet.demo.world import DEFAULT_LEARNERS, URL, demo_run


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
            "--url",
            default=URL,
            help=f"where the demo is served, for the addresses it prints (default {URL}; make demo passes "
            "its HOST and PORT)",
        )
        parser.add_argument(
            "--superuser",
            action="store_true",
            help="also create a Django superuser 'admin' with a random password",
        )

    def handle(self, *args, learners: int, reset_passwords: bool, superuser: bool, url: str, **options):
        if learners < 0:
            raise CommandError("--learners cannot be negative.")
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path.strip("/"):
            raise CommandError(f"--url {url}: give the address the demo is served on, e.g. {URL}")
        demo_run(
            learners=learners,
            reset_passwords=reset_passwords,
            superuser=superuser,
            log=self.stdout.write,
            url=url,
        )
