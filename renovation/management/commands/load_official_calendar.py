"""``manage.py load_official_calendar [--year Y ...]``: load China's official public holidays
and make-up working days into the working-day calendar (default: the current and next year).
Idempotent; days entered in admin are never overwritten or deleted."""

from django.core.management.base import BaseCommand

from renovation.services.calendar import default_years, official_calendar_load, official_years


class Command(BaseCommand):
    help = "Load the official holidays and make-up working days (调休) into the calendar."

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            dest="years",
            help="Year to load (repeatable; default: the current and next year).",
        )

    def handle(self, *args, years=None, **options):
        years = years or default_years()
        counts = official_calendar_load(years)
        available = official_years()
        for year in years:
            if year not in available:
                self.stderr.write(
                    f"{year}: the installed chinesecalendar has no official schedule for this "
                    "year yet (upgrade the package once it is published)."
                )
        self.stdout.write(", ".join(f"{k}={v}" for k, v in counts.items()))
