import time

from django.core.management.base import BaseCommand

from teachnet.orgs.services import regions_load


class Command(BaseCommand):
    help = "Load every province, city and county of mainland China with its 6-digit division code (ORG-1)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        result = regions_load()
        self.stdout.write(
            f"regions: {result.created} created, {result.updated} updated, {result.unchanged} unchanged "
            f"in {time.perf_counter() - started:.2f} s ({result.source})"
        )
