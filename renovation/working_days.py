"""Working-day arithmetic on the editable calendar (R-REN-2, R-JOB-4).

A day is a working day when a CalendarDay row says so (make-up working day, 调休上班), is not
one when a CalendarDay row marks it a holiday, and otherwise when it is Monday to Friday.

``add_working_days(start, n)``: the deadline for "within n working days" of a moment.
Rule: take the local date (Asia/Shanghai) of ``start``; count n working days strictly after
that date (the day of submission itself never counts, whatever the hour, and whether or not
it is a working day); the deadline is the end of the n-th such day (23:59:59.999999 local).
So an application submitted on Friday 16:00 is due Monday 23:59:59; submitted on Saturday,
also Monday; submitted on 2026-09-30 (Wednesday) before the National Day holiday
(2026-10-01..07) it is due on 2026-10-08 — or on a make-up Saturday if one falls first.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from .models import CalendarDay


def overrides_between(first: datetime.date, last: datetime.date) -> dict[datetime.date, bool]:
    """{date: is_working} for the calendar rows in [first, last] (one query)."""
    return {
        day: kind == CalendarDay.Kind.WORKDAY
        for day, kind in CalendarDay.objects.filter(date__range=(first, last)).values_list(
            "date", "kind"
        )
    }


def is_working_day(day: datetime.date, overrides: dict | None = None) -> bool:
    if overrides is None:
        overrides = overrides_between(day, day)
    if day in overrides:
        return overrides[day]
    return day.weekday() < 5


def nth_working_day_after(day: datetime.date, n: int) -> datetime.date:
    """The n-th working day strictly after ``day`` (n >= 1)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    found = 0
    current = day
    window = max(31, n * 3)
    while True:
        first = current + datetime.timedelta(days=1)
        last = current + datetime.timedelta(days=window)
        overrides = overrides_between(first, last)
        probe = first
        while probe <= last:
            if is_working_day(probe, overrides):
                found += 1
                if found == n:
                    return probe
            probe += datetime.timedelta(days=1)
        current = last


def end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def add_working_days(start: datetime.datetime, n: int) -> datetime.datetime:
    """End (local time) of the n-th working day after the local date of ``start``."""
    local_date = timezone.localtime(start).date() if timezone.is_aware(start) else start.date()
    return end_of_day(nth_working_day_after(local_date, n))
