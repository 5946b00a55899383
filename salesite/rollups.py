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

A metric whose totals of a day keep changing for a while after the day (the first-time fix
rate: a repair counts once its repeat window has passed) registers ``settle_days()``: a day is
stored only once it is that many days older than yesterday; the newer days are counted live.

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
_settle_days: dict[str, Callable[[], int]] = {}


def register(name: str, fn: Metric, *, first_day=None, settle_days=None) -> None:
    """Register a daily metric; registering the same name again replaces it. ``first_day()``
    gives the first day with data (where a full recompute starts); ``settle_days()`` how many
    days after yesterday a day's totals may still change (0 when not given)."""
    _metrics[name] = fn
    _first_days.pop(name, None)
    _settle_days.pop(name, None)
    if first_day is not None:
        _first_days[name] = first_day
    if settle_days is not None:
        _settle_days[name] = settle_days


def last_final_day(metric: str, today: datetime.date, *, settle_days=None) -> datetime.date:
    """The last day whose totals of ``metric`` are final (stored by the nightly job): yesterday,
    or earlier for a metric that settles later (``settle_days``: the caller knows it)."""
    if settle_days is None:
        settle = _settle_days.get(metric)
        settle_days = settle() if settle else 0
    return today - ONE_DAY - datetime.timedelta(days=settle_days)


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


def split_days(metric: str, first, last, *, today, settle_days=None) -> tuple[list, list]:
    """The days of [first, last] whose totals are stored (closed, computed) and the others,
    both sorted: one query."""
    closed_last = min(last, last_final_day(metric, today, settle_days=settle_days))
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


def daily_values(metric: str, project_ids, first, last, *, today=None, settle_days=None) -> dict:
    """{(project_id, day, key): value} over [first, last]: stored for the computed closed days,
    live for the others. Two queries, plus the live computation (usually today only)."""
    today = today or timezone.localdate()
    if first > last:
        return {}
    marked, unmarked = split_days(metric, first, last, today=today, settle_days=settle_days)
    out: dict = {
        (project_id, day, key): value
        for project_id, day, key, value in stored(metric, project_ids, marked).values_list(
            "project_id", "day", "key", "value"
        )
    }
    out.update(_live(metric, project_ids, unmarked))
    return out


def monthly_values(metric: str, project_ids, first, last, *, today=None, settle_days=None) -> dict:
    """{(first day of the month, key): value} over [first, last], every project in scope
    summed: the stored days grouped by month in SQL (a few rows, however many projects and
    days), the others live. Three queries, plus the live computation."""
    from django.db.models import Sum
    from django.db.models.functions import TruncMonth

    today = today or timezone.localdate()
    if first > last:
        return {}
    marked, unmarked = split_days(metric, first, last, today=today, settle_days=settle_days)
    out: dict = {}
    rows = (
        stored(metric, project_ids, marked)
        .annotate(month=TruncMonth("day"))
        .values("month", "key")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for r in rows:
        month = r["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        k = (month, r["key"])
        out[k] = out.get(k, 0) + r["total"]
    for (_project_id, day, key), value in _live(metric, project_ids, unmarked).items():
        k = (day.replace(day=1), key)
        out[k] = out.get(k, 0) + value
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
    counts = {"days": 0, "rows": 0}
    now = timezone.now()
    asked_last = last
    for name in sorted(names or _metrics):
        # Today and later, and the days that have not settled, are always counted live.
        last = min(asked_last, last_final_day(name, today))
        if first > last:
            continue
        days = _days(first, last)
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


def invalidate_all(metric: str) -> None:
    """Every stored day of the metric is out of date (a setting it depends on changed)."""
    DailyFigureDay.objects.filter(metric=metric).delete()


def invalidate(metric: str | list[str], days: Iterable[datetime.date | None]) -> None:
    """An edit changed the totals of these days (of one metric or several): count them live
    until they are recomputed (the nightly job recomputes the invalidated days). Today and
    later days need nothing."""
    today = timezone.localdate()
    closed = {d for d in days if d is not None and d < today}
    if closed:
        names = [metric] if isinstance(metric, str) else list(metric)
        DailyFigureDay.objects.filter(metric__in=names, day__in=closed).delete()


def days_to_refresh(today=None) -> dict[str, list[datetime.date]]:
    """The nightly job's days, per metric: its last ``REFRESH_DAYS`` final days, and the final
    days since the first computed day that it lacks (invalidated, or a new metric), at most
    ``REPAIR_DAYS`` of those a night."""
    today = today or timezone.localdate()
    yesterday = today - ONE_DAY
    finals = {name: last_final_day(name, today) for name in _metrics}
    todo = {
        name: set(_days(last - datetime.timedelta(days=REFRESH_DAYS - 1), last))
        for name, last in finals.items()
    }
    marked: dict[str, set[datetime.date]] = {}
    for metric, day in DailyFigureDay.objects.filter(day__lte=yesterday).values_list(
        "metric", "day"
    ):
        marked.setdefault(metric, set()).add(day)
    if marked:
        # A metric's gaps since its own first computed day; a new metric's since the first day
        # any metric was computed.
        first_any = min(min(days) for days in marked.values())
        for name, last in finals.items():
            have = marked.get(name, set())
            first = min(have) if have else first_any
            missing = [d for d in _days(first, last) if d not in have]
            todo[name].update(sorted(missing, reverse=True)[:REPAIR_DAYS])
    return {name: sorted(days) for name, days in todo.items()}


def refresh_days(todo: dict[str, list[datetime.date]], *, today=None) -> dict:
    """Refresh the given days of each metric, span by span."""
    counts = {"days": 0, "rows": 0}
    for name, days in sorted(todo.items()):
        for first, last in _spans(sorted(set(days))):
            for k, v in refresh(first, last, names=[name], today=today).items():
                counts[k] += v
    return counts
