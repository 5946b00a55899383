"""Compliance periods (R-COM-6): days, ISO weeks, calendar months and quarters, always in
local (Asia/Shanghai) dates. ``period_of`` gives the period containing a date; the SQL side
uses ``trunc_expression`` so that grouping in the database matches ``period_of`` exactly."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models.functions import TruncDay, TruncMonth, TruncQuarter, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Period(models.TextChoices):
    DAY = "day", _("日")
    WEEK = "week", _("周")
    MONTH = "month", _("月")
    QUARTER = "quarter", _("季度")


def local_date(moment: datetime.datetime) -> datetime.date:
    """The Asia/Shanghai calendar date of an aware datetime."""
    return timezone.localtime(moment).date()


def _month_end(year: int, month: int) -> datetime.date:
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def period_of(period: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last local date (both inclusive) of the period that contains ``day``."""
    if period == Period.DAY:
        return day, day
    if period == Period.WEEK:
        start = day - datetime.timedelta(days=day.isoweekday() - 1)  # ISO weeks start Monday
        return start, start + datetime.timedelta(days=6)
    if period == Period.MONTH:
        return day.replace(day=1), _month_end(day.year, day.month)
    if period == Period.QUARTER:
        first_month = 3 * ((day.month - 1) // 3) + 1
        return datetime.date(day.year, first_month, 1), _month_end(day.year, first_month + 2)
    raise ValueError(f"unknown period {period!r}")


def next_period_start(period: str, start: datetime.date) -> datetime.date:
    return period_of(period, start)[1] + datetime.timedelta(days=1)


def periods_between(
    period: str, first: datetime.date, last: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    """Every period that overlaps the date range [first, last], in order."""
    out = []
    start, end = period_of(period, first)
    while start <= last:
        out.append((start, end))
        start, end = period_of(period, end + datetime.timedelta(days=1))
    return out


def period_label(period: str, start: datetime.date) -> str:
    """A short, sortable name of a period: 2026-12-31, 2026-W53, 2026-12, 2026-Q4."""
    if period == Period.DAY:
        return start.isoformat()
    if period == Period.WEEK:
        year, week, _weekday = start.isocalendar()
        return f"{year}-W{week:02d}"
    if period == Period.MONTH:
        return f"{start:%Y-%m}"
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


_TRUNC = {
    Period.DAY: TruncDay,
    Period.WEEK: TruncWeek,
    Period.MONTH: TruncMonth,
    Period.QUARTER: TruncQuarter,
}


def trunc_expression(period: str, field: str = "held_on"):
    """The SQL expression giving the period start of a local-date column."""
    return _TRUNC[Period(period)](field, output_field=models.DateField())


def reminder_moment(level, start: datetime.date, end: datetime.date) -> datetime.datetime:
    """When, inside the period [start, end], the level's reminder is due (aware, local).

    Daily: the day at ``reminder_time``. Weekly: the ISO weekday ``reminder_weekday``.
    Monthly: day ``reminder_monthday`` of the month (capped at its last day). Quarterly: that
    day in the last month of the quarter.
    """
    if level.period == Period.DAY:
        day = start
    elif level.period == Period.WEEK:
        day = start + datetime.timedelta(days=max(1, min(7, level.reminder_weekday)) - 1)
    else:
        month_start = end.replace(day=1)  # the month itself, or the quarter's last month
        day = min(
            month_start.replace(day=1) + datetime.timedelta(days=level.reminder_monthday - 1), end
        )
    naive = datetime.datetime.combine(day, level.reminder_time)
    return timezone.make_aware(naive, timezone.get_default_timezone())
