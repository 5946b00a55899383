"""Daily rollups of the dashboard's range figures (issue #17 item 3).

An app registers a *daily metric* (from its ``AppConfig.ready()``): a name and a function
``fn(project_ids, first, last) -> iterable of (project_id, day, key, value)`` that computes
live, from the app's own tables, the per-project, per-local-day totals of the metric over
[first, last] (``project_ids`` None: every project). Only figures that are sums of such daily
totals belong here (records held, breaches detected per day…), never a current state.

``refresh(first, last)`` stores those totals for closed days (before today) in
``DailyFigure`` and marks each day computed with ``DailyFigureDay``; it replaces what was
there in one transaction, so running it twice changes nothing. The beat job
(``salesite.tasks.refresh_daily_figures``) refreshes the last closed days every night, and
the days an edit invalidated; the command ``recompute_daily_figures`` refreshes any range.

``daily_values(metric, project_ids, first, last, today=…)`` is what the dashboard reads: the
stored totals of the marked days, and for every other day (today, the future, a day not
computed yet or invalidated by a late edit) the live computation. The figures are therefore
those of the live computation, whatever the beat did.

The core registers and reads metrics but knows no app.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from salesite.models import DailyFigure, DailyFigureDay

ONE_DAY = datetime.timedelta(days=1)
# Closed days the nightly job recomputes besides yesterday (late edits, a missed night).
REFRESH_DAYS = 3
# Invalidated or missing days the nightly job fills at most per run (the rest next night).
REPAIR_DAYS = 62
# Gaps in the marked days over which the live part is still computed span by span; beyond,
# one live computation covers them all (a fixed number of queries whatever the gaps).
MAX_LIVE_SPANS = 3

Metric = Callable[..., Iterable[tuple[int, datetime.date, str, object]]]

_metrics: dict[str, Metric] = {}
_first_days: dict[str, Callable[[], datetime.date | None]] = {}


def register(name: str, fn: Metric, *, first_day=None) -> None:
    """Register a daily metric; registering the same name again replaces it. ``first_day()``
    gives the first day with data (where a full recompute starts)."""
    _metrics[name] = fn
    if first_day is not None:
        _first_days[name] = first_day


def first_day() -> datetime.date | None:
    """The first day any metric has data (one query per metric), or None."""
    days = [d for d in (fn() for fn in _first_days.values()) if d is not None]
    return min(days) if days else None


def metrics() -> dict[str, Metric]:
    return dict(_metrics)


def _days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]


def _spans(days: list[datetime.date]) -> list[tuple[datetime.date, datetime.date]]:
    """Contiguous [first, last] spans of the sorted days."""
    spans: list[list[datetime.date]] = []
    for day in days:
        if spans and spans[-1][1] + ONE_DAY == day:
            spans[-1][1] = day
        else:
            spans.append([day, day])
    return [(a, b) for a, b in spans]


def _live(metric: str, project_ids, days: list[datetime.date]) -> dict:
    """Live totals of the given days: {(project_id, day, key): value}."""
    if not days:
        return {}
    fn = _metrics[metric]
    spans = _spans(days)
    if len(spans) > MAX_LIVE_SPANS:
        spans = [(days[0], days[-1])]
    wanted = set(days)
    out: dict = {}
    for first, last in spans:
        for project_id, day, key, value in fn(project_ids, first, last):
            if day in wanted and value:
                k = (project_id, day, str(key))
                out[k] = out.get(k, 0) + value
    return out


def split_days(metric: str, first, last, *, today) -> tuple[list, list]:
    """The days of [first, last] whose totals are stored (closed, computed) and the others,
    both sorted: one query."""
    closed_last = min(last, today - ONE_DAY)
    marked: set[datetime.date] = set()
    if first <= closed_last:
        marked = set(
            DailyFigureDay.objects.filter(
                metric=metric, day__gte=first, day__lte=closed_last
            ).values_list("day", flat=True)
        )
    return sorted(marked), [d for d in _days(first, last) if d not in marked]


def stored(metric: str, project_ids, days):
    """The stored rows of the given (computed) days, for grouping in SQL."""
    if not days:
        return DailyFigure.objects.none()
    rows = DailyFigure.objects.filter(metric=metric, day__gte=days[0], day__lte=days[-1])
    if len(days) != (days[-1] - days[0]).days + 1:  # gaps: name the days
        rows = rows.filter(day__in=days)
    if project_ids is not None:
        rows = rows.filter(project_id__in=project_ids)
    return rows


def live_values(metric: str, project_ids, days) -> dict:
    """Live totals of the given days (sorted): {(project_id, day, key): value}."""
    return _live(metric, project_ids, list(days))


def daily_values(metric: str, project_ids, first, last, *, today=None) -> dict:
    """{(project_id, day, key): value} over [first, last]: stored for the computed closed days,
    live for the others. Two queries, plus the live computation (usually today only)."""
    today = today or timezone.localdate()
    if first > last:
        return {}
    marked, unmarked = split_days(metric, first, last, today=today)
    out: dict = {
        (project_id, day, key): value
        for project_id, day, key, value in stored(metric, project_ids, marked).values_list(
            "project_id", "day", "key", "value"
        )
    }
    out.update(_live(metric, project_ids, unmarked))
    return out


def as_number(value):
    """A stored total as the live computation gives it: an int when it is whole."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


@transaction.atomic
def refresh(first: datetime.date, last: datetime.date, *, names=None, today=None) -> dict:
    """Recompute and store the metrics for the closed days of [first, last]; idempotent.
    Returns {"days": …, "rows": …}."""
    today = today or timezone.localdate()
    last = min(last, today - ONE_DAY)  # today and later are always counted live
    counts = {"days": 0, "rows": 0}
    if first > last:
        return counts
    now = timezone.now()
    days = _days(first, last)
    for name in sorted(names or _metrics):
        fn = _metrics[name]
        totals: dict = {}
        for project_id, day, key, value in fn(None, first, last):
            if value and first <= day <= last:
                k = (project_id, day, str(key))
                totals[k] = totals.get(k, 0) + value
        DailyFigure.objects.filter(metric=name, day__gte=first, day__lte=last).delete()
        DailyFigureDay.objects.filter(metric=name, day__gte=first, day__lte=last).delete()
        DailyFigure.objects.bulk_create(
            [
                DailyFigure(metric=name, project_id=p, day=d, key=k, value=v)
                for (p, d, k), v in totals.items()
            ],
            batch_size=1000,
        )
        DailyFigureDay.objects.bulk_create(
            [DailyFigureDay(metric=name, day=d, computed_at=now) for d in days], batch_size=1000
        )
        counts["days"] += len(days)
        counts["rows"] += len(totals)
    return counts


def invalidate(metric: str, days: Iterable[datetime.date | None]) -> None:
    """An edit changed the totals of these days: count them live until they are recomputed
    (the nightly job recomputes the invalidated days). Today and later days need nothing."""
    today = timezone.localdate()
    closed = {d for d in days if d is not None and d < today}
    if closed:
        DailyFigureDay.objects.filter(metric=metric, day__in=closed).delete()


def days_to_refresh(today=None) -> list[datetime.date]:
    """The nightly job's days: the last ``REFRESH_DAYS`` closed days, and the closed days
    since the first computed day that some metric lacks (invalidated, or a new metric)."""
    today = today or timezone.localdate()
    yesterday = today - ONE_DAY
    days = set(_days(today - datetime.timedelta(days=REFRESH_DAYS), yesterday))
    first = DailyFigureDay.objects.order_by("day").values_list("day", flat=True).first()
    if first is not None and first < yesterday:
        marked: dict[datetime.date, set[str]] = {}
        for metric, day in DailyFigureDay.objects.filter(day__lte=yesterday).values_list(
            "metric", "day"
        ):
            marked.setdefault(day, set()).add(metric)
        names = set(_metrics)
        missing = [d for d in _days(first, yesterday) if not names <= marked.get(d, set())]
        days.update(sorted(missing, reverse=True)[:REPAIR_DAYS])
    return sorted(days)


def refresh_days(days: list[datetime.date], *, today=None) -> dict:
    """Refresh the given days, span by span."""
    counts = {"days": 0, "rows": 0}
    for first, last in _spans(sorted(set(days))):
        for k, v in refresh(first, last, today=today).items():
            counts[k] += v
    return counts
