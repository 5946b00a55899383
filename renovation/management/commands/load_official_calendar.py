"""``manage.py load_official_calendar [--year Y ...]``: load China's official public holidays
and make-up working days into the working-day calendar (default: the current and next year)
and, when the feedback app is installed, its festivals into the greeting holidays (through
``feedback.services.official_holidays_load``). Idempotent; rows entered in admin are never
overwritten or deleted."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

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
        self.stdout.write("calendar: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
        if apps.is_installed("feedback"):
            load_holidays = import_string("feedback.services.official_holidays_load")
            counts = load_holidays(years)
            self.stdout.write("holidays: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
