"""The festivals of the official calendar as greeting holidays (issue #20 item 5).

From the ``holidays`` package (pinned in requirements.txt; its China calendar computes the
lunar festivals): for each year, each festival greeted (Spring Festival, Mid-Autumn, Dragon
Boat, New Year, Labour Day, National Day) gets a Holiday row of that year (source=official) on
the festival day itself (春节 2026 on 17 February, not on the first day off) — so the lunar
festivals follow their Gregorian date every year. The working-day calendar and its make-up
days come from ``chinesecalendar`` (renovation). A
manual row of the same festival that applies to the year (every year or that year) wins: the
official row is then not created, and manual rows are never changed or deleted. Idempotent.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q

from ..models import Holiday

# The festivals greeted, by their name in the package's zh_CN calendar → the default greeting.
# Tomb-sweeping Day is a day of remembrance: not greeted.
GREETED = {
    "元旦": "新年快乐，万事如意！",
    "春节": "新春快乐，阖家幸福！",
    "劳动节": "劳动节快乐！",
    "端午节": "端午安康！",
    "中秋节": "中秋快乐，花好月圆！",
    "国庆节": "国庆快乐，阖家幸福！",
}
FIRST_YEAR, LAST_YEAR = 1950, 2099  # the years the package's China calendar covers


def official_festivals(year: int) -> dict[str, datetime.date] | None:
    """{festival name: the festival day} of ``year`` (the first day the package names exactly
    so: a make-up day off is named "春节（补假）"); None for a year it does not cover."""
    import holidays

    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    found: dict[str, datetime.date] = {}
    for day, name in sorted(holidays.China(years=year, language="zh_CN").items()):
        if name in GREETED:
            found.setdefault(name, day)
    return found


@transaction.atomic
def official_holidays_load(years) -> dict:
    counts = {"created": 0, "updated": 0, "manual_kept": 0, "years_missing": 0}
    greetings = GREETED
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
