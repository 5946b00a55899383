"""The official working-day calendar (issue #20 item 5): China's public holidays and make-up
working days (调休上班) as the State Council publishes them, from the ``chinesecalendar``
package (pinned in requirements.txt; it carries the make-up days explicitly, which
``holidays`` only hints at in holiday names, and its data is the official schedule, not a
projection). Upgrade the package when the next year's schedule is published (November).

``official_calendar_load(years)`` makes the CalendarDay rows of those years match the package:
creates the missing official rows, updates changed ones and deletes official rows the package
no longer lists. A row entered in admin (source=manual) always wins: it is never overwritten
or deleted, and the official day on its date is skipped. Running it twice changes nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from ..models import CalendarDay

# The package's holiday names (English) → the names shown in the calendar.
OFFICIAL_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def official_years() -> range:
    """The years the installed package has the official schedule of."""
    from chinese_calendar import constants

    return range(min(constants.holidays).year, max(constants.holidays).year + 1)


def official_days(year: int) -> dict[datetime.date, tuple[str, str]] | None:
    """{date: (kind, name)} of the official holidays and make-up working days of ``year``;
    None when the installed package does not have that year's schedule yet."""
    from chinese_calendar import constants

    if year not in official_years():
        return None
    days = {}
    for table, kind, suffix in (
        (constants.holidays, CalendarDay.Kind.HOLIDAY, ""),
        (constants.workdays, CalendarDay.Kind.WORKDAY, "调休上班"),
    ):
        for day, holiday in table.items():
            if day.year == year:
                english = str(getattr(holiday, "value", holiday))
                name = OFFICIAL_NAMES.get(english, english)
                days[day] = (kind, f"{name}{suffix}"[:50])
    return days


@transaction.atomic
def official_calendar_load(years) -> dict:
    """Load the official calendar of ``years`` (idempotent; manual rows win)."""
    counts = {"created": 0, "updated": 0, "deleted": 0, "manual_kept": 0, "years_missing": 0}
    for year in sorted(set(years)):
        days = official_days(year)
        if days is None:
            counts["years_missing"] += 1
            continue
        rows = {
            row.date: row for row in CalendarDay.objects.select_for_update().filter(date__year=year)
        }
        for day, (kind, name) in sorted(days.items()):
            row = rows.get(day)
            if row is None:
                CalendarDay.objects.create(
                    date=day, kind=kind, name=name, source=CalendarDay.Source.OFFICIAL
                )
                counts["created"] += 1
            elif row.source == CalendarDay.Source.MANUAL:
                counts["manual_kept"] += 1
            elif (row.kind, row.name) != (kind, name):
                row.kind, row.name = kind, name
                row.save(update_fields=["kind", "name"])
                counts["updated"] += 1
        stale = [
            row.pk
            for day, row in rows.items()
            if row.source == CalendarDay.Source.OFFICIAL and day not in days
        ]
        if stale:
            counts["deleted"] += CalendarDay.objects.filter(pk__in=stale).delete()[0]
    return counts


def default_years(today: datetime.date | None = None) -> list[int]:
    """The current and the next year (what the command, the job and seed_demo load)."""
    from django.utils import timezone

    year = (today or timezone.localdate()).year
    return [year, year + 1]
