"""The festivals of the official calendar as greeting holidays (issue #20 item 5).

From the ``chinesecalendar`` package (the State Council schedule, pinned in requirements.txt):
for each year, each festival greeted (Spring Festival, Mid-Autumn, Dragon Boat, New Year,
Labour Day, National Day) gets a Holiday row of that year (source=official) on the first day
of its official holiday — so the lunar festivals follow their Gregorian date every year. A
manual row of the same festival that applies to the year (every year or that year) wins: the
official row is then not created, and manual rows are never changed or deleted. Idempotent.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q

from ..models import Holiday

# The package's festival names → (the name shown, the default greeting). Tomb-sweeping Day is
# a day of remembrance: not greeted.
GREETED = {
    "New Year's Day": ("元旦", "新年快乐，万事如意！"),
    "Spring Festival": ("春节", "新春快乐，阖家幸福！"),
    "Labour Day": ("劳动节", "劳动节快乐！"),
    "Dragon Boat Festival": ("端午节", "端午安康！"),
    "Mid-autumn Festival": ("中秋节", "中秋快乐，花好月圆！"),
    "National Day": ("国庆节", "国庆快乐，阖家幸福！"),
}


def official_festivals(year: int) -> dict[str, datetime.date] | None:
    """{festival name: first day of its official holiday} of ``year``; None when the
    installed package does not have that year's schedule."""
    from chinese_calendar import constants

    if not min(constants.holidays).year <= year <= max(constants.holidays).year:
        return None
    found: dict[str, datetime.date] = {}
    for day, holiday in sorted(constants.holidays.items()):
        english = str(getattr(holiday, "value", holiday))
        if day.year == year and english in GREETED:
            name = GREETED[english][0]
            found.setdefault(name, day)
    return found


@transaction.atomic
def official_holidays_load(years) -> dict:
    counts = {"created": 0, "updated": 0, "manual_kept": 0, "years_missing": 0}
    greetings = dict(GREETED.values())
    for year in sorted(set(years)):
        festivals = official_festivals(year)
        if festivals is None:
            counts["years_missing"] += 1
            continue
        for name, day in festivals.items():
            applies = Holiday.objects.filter(Q(year__isnull=True) | Q(year=year), name=name)
            if applies.filter(source=Holiday.Source.MANUAL).exists():
                counts["manual_kept"] += 1
                continue
            row = applies.filter(source=Holiday.Source.OFFICIAL, year=year).first()
            if row is None:
                Holiday.objects.create(
                    name=name,
                    year=year,
                    month=day.month,
                    day=day.day,
                    greeting=greetings[name],
                    source=Holiday.Source.OFFICIAL,
                )
                counts["created"] += 1
            elif (row.month, row.day) != (day.month, day.day):
                row.month, row.day = day.month, day.day
                row.save(update_fields=["month", "day"])
                counts["updated"] += 1
    return counts
