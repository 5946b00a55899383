"""Reads of repair quality (issue #16, items 5, 7, 8): the first-time fix rate with its repeat
cases, the supervisors' monthly library compliance, the libraries' search, and the yearly
targets' actuals from the callbacks. Every read is a fixed number of queries.

First-time fix (维修一次成功率)
-------------------------------
A *repair* is a case of kind "repair", closed (``closed_at`` set), with a unit. Its *category*
is the case's ``complaint_category`` (blank is a category of its own). Let N be the window of
``RepairQualitySetting`` (30 days by default) and t the repair's ``closed_at``.

The repair R (unit U, category C) is **not fixed first time** when

- R was reopened: its history has a move "replied → in progress" (the reply or the repair was
  found insufficient), or the owner's last answer on the portal is "not fixed" (which reopens
  the work; a closed case is final, so a reopen always happens before the closing), or
- another repair case for U and C was received in (t, t + N days] (a repeat; day 29 and day 30
  after closing are repeats, day 31 is not).

Otherwise it is **fixed first time**. Only repairs whose window has elapsed (t + N days <= now)
count, in the numerator and in the denominator: a repair that already failed but whose window
is still open is listed among the repeat cases but counted once its window has elapsed, so that
the recent months are not biased towards failures. rate = fixed first time / counted.

Cost (issue #17): every figure is a grouped SQL aggregate whose cost does not depend on Python
per row: the window end is computed by SQLite's own ``date()`` (``_PlusDays``; Django's
``+ timedelta`` and ``TruncMonth`` are Python functions on SQLite), the months are ``CASE``
buckets between precomputed local month starts, and the repeat check is a correlated
``EXISTS`` on the unit's cases (index ``case_repeat_lookup``).

Contractor: grouped by ``_contractor_key()`` — today the case's free-text ``repair_contractor``
(blank: "unspecified"); switch that one function to the contractor register's foreign key.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
)
from django.utils import timezone

from ..models import (
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    ComplaintCategoryOption,
    OwnerConfirmation,
    RepairQualitySetting,
    SupervisorProfile,
)
from ..models.repair_quality import (
    EXPERIENCE_DIMENSIONS,
    PRODUCT_DIMENSIONS,
)
from .target_actuals import (  # the yearly targets' reads, kept importable as rq.*
    _answer_value,
    _month_bucket,
    actuals_from_cells,
    dimension_actuals,
    dimension_day_totals,
    scope_targets,
)

MAX_REPEAT_ROWS = 200  # the drill-down list is a page, not a report


def _contractor_key():
    """The expression cases are grouped by as "contractor" (the merge switches it to the
    contractor register: ``F("contractor__name")``)."""
    return F("repair_contractor")


def _pct(part: int, whole: int):
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


class _PlusDays(Func):
    """``expression + days`` (a datetime column plus whole days) without Python: on SQLite
    ``date(x, '+N days') || substr(x, 11)`` — the stored text "YYYY-MM-DD HH:MM:SS[.ffffff]"
    (UTC, so a day is always 24 hours) with its date moved, exactly the string Django's
    ``django_format_dtdelta`` would return; elsewhere ``x + interval``."""

    output_field = DateTimeField()

    def __init__(self, expression, days: int):
        super().__init__(expression)
        self.days = int(days)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(date({sql}, %s) || substr({sql}, 11))",
            (*params, f"+{self.days} days", *params),
        )

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} + %s)", (*params, datetime.timedelta(days=self.days))


def _month_starts(first: datetime.datetime, last: datetime.datetime) -> list[datetime.datetime]:
    """The local month starts from the month of ``first`` to the month of ``last``."""
    tz = timezone.get_current_timezone()
    day = timezone.localtime(first, tz).date().replace(day=1)
    end = timezone.localtime(last, tz).date()
    starts = []
    while day <= end:
        starts.append(datetime.datetime(day.year, day.month, 1, tzinfo=tz))
        day = next_month(day)
    return starts


def repairs(project_ids, *, now=None, days: int | None = None, repeat_id=True):
    """Closed repair cases with a unit in ``project_ids`` (None: every project), annotated with
    ``reopened``, ``repeated`` (a repeat case exists), ``repeat_id`` (the first repeat case),
    ``failed`` and ``elapsed`` (window over by ``now``). Counting reads ``failed`` (an
    ``EXISTS``); ``repeat_id=False`` leaves out the listing's ``repeat_id``."""
    now = now or timezone.now()
    days = days or RepairQualitySetting.window_days()
    window = datetime.timedelta(days=days)
    qs = Case.objects.filter(
        kind=CaseKind.REPAIR, status=CaseStatus.CLOSED, closed_at__isnull=False, unit__isnull=False
    )
    if project_ids is not None:
        qs = qs.filter(project_id__in=project_ids)
    repeat = Case.objects.filter(
        unit_id=OuterRef("unit_id"),
        kind=CaseKind.REPAIR,
        complaint_category=OuterRef("complaint_category"),
        received_at__gt=OuterRef("closed_at"),
        received_at__lte=_PlusDays(OuterRef("closed_at"), days),
    ).filter(received_at__lte=now)
    reopened = CaseEvent.objects.filter(
        case_id=OuterRef("pk"),
        from_status=CaseStatus.REPLIED,
        to_status=CaseStatus.IN_PROGRESS,
    )
    qs = qs.annotate(
        reopened=ExpressionWrapper(
            Exists(reopened) | Q(owner_confirmation=OwnerConfirmation.NOT_FIXED),
            output_field=BooleanField(),
        ),
        repeated=Exists(repeat),
        contractor_key=_contractor_key(),
    ).annotate(
        failed=ExpressionWrapper(Q(reopened=True) | Q(repeated=True), output_field=BooleanField()),
        elapsed=ExpressionWrapper(Q(closed_at__lte=now - window), output_field=BooleanField()),
    )
    if repeat_id:
        qs = qs.annotate(repeat_id=Subquery(repeat.order_by("received_at", "pk").values("pk")[:1]))
    return qs


def counts(rows) -> dict:
    """Counted, fixed, failed and the rate from {"total", "failed_n"}."""
    total = rows["total"]
    fixed = total - rows["failed_n"]
    return {
        "counted": total,
        "fixed": fixed,
        "failed": rows["failed_n"],
        "rate": _pct(fixed, total),
    }


COUNTS = _AGG = {
    "total": Count("pk"),
    "failed_n": Count("pk", filter=Q(failed=True)),
}


def fix_rate(
    project_ids,
    *,
    closed_from=None,
    closed_to=None,
    now=None,
    days=None,
    by_project=True,
    by_contractor=True,
) -> dict:
    """The first-time fix rate of the counted repairs closed in [closed_from, closed_to):
    totals, by project, by contractor and by month of closing — one grouped query each, the
    totals summed from the months when both bounds are given (the dashboard's single query:
    it leaves out the project and contractor rows)."""
    days = days or RepairQualitySetting.window_days()
    qs = repairs(project_ids, now=now, days=days, repeat_id=False).filter(elapsed=True)
    if closed_from:
        qs = qs.filter(closed_at__gte=closed_from)
    if closed_to:
        qs = qs.filter(closed_at__lt=closed_to)
    if isinstance(closed_from, datetime.datetime) and isinstance(closed_to, datetime.datetime):
        # The months are known: the totals are their sums (one query for both).
        starts = _month_starts(closed_from, closed_to - datetime.timedelta(microseconds=1))
        totals = None
    else:
        totals = qs.aggregate(**_AGG, first=Min("closed_at"), last=Max("closed_at"))
        starts = _month_starts(totals["first"], totals["last"]) if totals["total"] else []
    rows = qs.values("project_id", "project__name").annotate(**_AGG).order_by("project__name")
    by_project_rows = [
        {"project_id": r["project_id"], "project": r["project__name"], **counts(r)}
        for r in (rows if by_project else ())
    ]
    by_contractor_rows = sorted(
        (
            {"contractor": r["contractor_key"] or "", **counts(r)}
            for r in (
                qs.values("contractor_key").annotate(**_AGG).order_by() if by_contractor else ()
            )
        ),
        key=lambda r: (-(r["rate"] or 0), -r["counted"], r["contractor"]),
    )
    by_month = []
    if starts:
        month_rows = list(
            qs.annotate(month_i=_month_bucket("closed_at", starts))
            .values("month_i")
            .annotate(**_AGG)
            .order_by("month_i")
        )
        by_month = [
            {"month": starts[r["month_i"]].strftime("%Y-%m"), **counts(r)} for r in month_rows
        ]
        if totals is None:  # every counted repair is in one month
            totals = {k: sum(r[k] for r in month_rows) for k in _AGG}
    if totals is None:  # an empty range
        totals = {k: 0 for k in _AGG}
    return {
        "days": days,
        **counts(totals),
        "by_project": by_project_rows,
        "by_contractor": by_contractor_rows,
        "by_month": by_month,
    }


def repeat_pairs(project_ids, *, contractor=None, now=None, days=None, limit=MAX_REPEAT_ROWS):
    """The failed repairs, newest first, each with its first repeat case (None when only
    reopened): [(original, repeat)] in two queries."""
    qs = repairs(project_ids, now=now, days=days).filter(failed=True)
    if contractor is not None:
        qs = qs.filter(contractor_key=contractor)
    originals = list(
        qs.select_related("project", "unit__building")
        .annotate(
            complaint_category_label=ComplaintCategoryOption.label_subquery("complaint_category")
        )
        .order_by("-closed_at", "-pk")[:limit]
    )
    ids = [c.repeat_id for c in originals if c.repeat_id]
    repeats = Case.objects.select_related("unit__building").in_bulk(ids) if ids else {}
    return [(c, repeats.get(c.repeat_id)) for c in originals]


# --- supervisors and the case library ---------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def supervisors_without_entry(project_ids, month: datetime.date):
    """Active supervisors of the projects who submitted no repair library case in their
    project in ``month`` (每人每月至少提交一份案例素材); one query."""
    from ..models import RepairCaseEntry

    start = month_start(month)
    tz = timezone.get_current_timezone()
    start_dt = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    end_dt = datetime.datetime.combine(next_month(start), datetime.time.min, tzinfo=tz)
    submitted = RepairCaseEntry.objects.filter(
        author_id=OuterRef("user_id"),
        project_id=OuterRef("project_id"),
        submitted_at__gte=start_dt,
        submitted_at__lt=end_dt,
    )
    qs = SupervisorProfile.objects.filter(is_active=True)
    if project_ids is not None:
        qs = qs.filter(project_id__in=project_ids)
    return (
        qs.filter(~Exists(submitted))
        .select_related("project", "user")
        .order_by("project__name", "user__username")
    )


SEARCH_FIELDS = ("title", "problem", "cause", "fix", "tags")


def library_search(qs, query: str):
    """Entries whose title, problem, cause, fix or tags contain every word of ``query``
    (case-insensitive ``icontains``: the same on SQLite and PostgreSQL)."""
    for word in query.split()[:8]:
        match = Q()
        for field in SEARCH_FIELDS:
            match |= Q(**{f"{field}__icontains": word})
        qs = qs.filter(match)
    return qs


__all__ = [
    "EXPERIENCE_DIMENSIONS",
    "PRODUCT_DIMENSIONS",
    "_answer_value",
    "actuals_from_cells",
    "dimension_actuals",
    "dimension_day_totals",
    "fix_rate",
    "library_search",
    "repairs",
    "repeat_pairs",
    "scope_targets",
    "supervisors_without_entry",
]
