"""The repair-quality figures as issue #16 first computed them (before issue #17 moved them to SQL
aggregates): kept verbatim as the reference the SQL versions must equal, row for row. Not used
by the application."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from feedback.models import (
    CallbackStatus,
    CallbackTask,
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    OwnerConfirmation,
    Question,
    RepairQualitySetting,
)
from feedback.models.repair_quality import (
    TARGET_GROUPS,
    TARGET_KEYS,
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


def repairs(project_ids, *, now=None, days: int | None = None):
    """Closed repair cases with a unit in ``project_ids`` (None: every project), annotated with
    ``reopened``, ``repeat_id`` (the first repeat case), ``failed`` and ``elapsed`` (window
    over by ``now``)."""
    now = now or timezone.now()
    days = days or RepairQualitySetting.window_days()
    window = datetime.timedelta(days=days)
    qs = Case.objects.filter(
        kind=CaseKind.REPAIR, status=CaseStatus.CLOSED, closed_at__isnull=False, unit__isnull=False
    )
    if project_ids is not None:
        qs = qs.filter(project_id__in=project_ids)
    window_end = ExpressionWrapper(OuterRef("closed_at") + window, output_field=DateTimeField())
    repeat = (
        Case.objects.filter(
            kind=CaseKind.REPAIR,
            unit_id=OuterRef("unit_id"),
            complaint_category=OuterRef("complaint_category"),
            received_at__gt=OuterRef("closed_at"),
            received_at__lte=window_end,
        )
        .filter(received_at__lte=now)
        .order_by("received_at", "pk")
        .values("pk")[:1]
    )
    reopened = CaseEvent.objects.filter(
        case_id=OuterRef("pk"),
        from_status=CaseStatus.REPLIED,
        to_status=CaseStatus.IN_PROGRESS,
    )
    return qs.annotate(
        reopened=ExpressionWrapper(
            Exists(reopened) | Q(owner_confirmation=OwnerConfirmation.NOT_FIXED),
            output_field=BooleanField(),
        ),
        repeat_id=Subquery(repeat),
        contractor_key=_contractor_key(),
    ).annotate(
        failed=ExpressionWrapper(
            Q(reopened=True) | Q(repeat_id__isnull=False), output_field=BooleanField()
        ),
        elapsed=ExpressionWrapper(Q(closed_at__lte=now - window), output_field=BooleanField()),
    )


def _counts(rows) -> dict:
    total = rows["total"]
    fixed = total - rows["failed_n"]
    return {
        "counted": total,
        "fixed": fixed,
        "failed": rows["failed_n"],
        "rate": _pct(fixed, total),
    }


_AGG = {
    "total": Count("pk"),
    "failed_n": Count("pk", filter=Q(reopened=True) | Q(repeat_id__isnull=False)),
}


def fix_rate(project_ids, *, closed_from=None, closed_to=None, now=None, days=None) -> dict:
    """The first-time fix rate of the counted repairs closed in [closed_from, closed_to):
    totals, by project, by contractor and by month of closing (four queries)."""
    days = days or RepairQualitySetting.window_days()
    qs = repairs(project_ids, now=now, days=days).filter(elapsed=True)
    if closed_from:
        qs = qs.filter(closed_at__gte=closed_from)
    if closed_to:
        qs = qs.filter(closed_at__lt=closed_to)
    totals = qs.aggregate(**_AGG)
    by_project = [
        {"project_id": r["project_id"], "project": r["project__name"], **_counts(r)}
        for r in qs.values("project_id", "project__name").annotate(**_AGG).order_by("project__name")
    ]
    by_contractor = sorted(
        (
            {"contractor": r["contractor_key"] or "", **_counts(r)}
            for r in qs.values("contractor_key").annotate(**_AGG).order_by()
        ),
        key=lambda r: (-(r["rate"] or 0), -r["counted"], r["contractor"]),
    )
    by_month = []
    for r in (
        qs.annotate(month=TruncMonth("closed_at"))
        .values("month")
        .annotate(**_AGG)
        .order_by("month")
    ):
        month = r["month"]
        if isinstance(month, datetime.datetime):
            month = timezone.localdate(month)
        by_month.append({"month": month.strftime("%Y-%m"), **_counts(r)})
    return {
        "days": days,
        **_counts(totals),
        "by_project": by_project,
        "by_contractor": by_contractor,
        "by_month": by_month,
    }


# --- yearly targets: the actuals from the callbacks -------------------------------------------


def _answer_value(kind: str, raw):
    """An answer on the 1–5 scale as ``score_answers`` counts it (yes = 5, no = 1)."""
    if raw in (None, ""):
        return None
    if kind == Question.Kind.SCALE:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            return None
        return value if 1 <= value <= 5 else None
    if kind == Question.Kind.YES_NO:
        return 5 if raw in (True, "yes", "true", "1", 1) else 1
    return None


def _mean(total_n) -> Decimal | None:
    total, n = total_n
    if not n:
        return None
    return (Decimal(total) / n).quantize(Decimal("0.01"), ROUND_HALF_UP)


def dimension_actuals(project_ids, year: int, *, today=None) -> dict:
    """The mean 1–5 answer per target key (the five dimensions and the product and experience
    groups, each a mean of all its dimensions' answers), from the callbacks reached in ``year``
    up to ``today``: {"year": {key: mean}, "months": [(YYYY-MM, {key: mean})],
    "projects": {project id: {key: mean}}}. Two queries."""
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    end = min(
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min, tz),
    )
    questions = {
        str(pk): (dimension, kind)
        for pk, dimension, kind in Question.objects.exclude(dimension="").values_list(
            "pk", "dimension", "kind"
        )
    }
    tasks = CallbackTask.objects.filter(
        status__in=[CallbackStatus.REACHED, CallbackStatus.DONE],
        completed_at__gte=start,
        completed_at__lt=end,
    ).exclude(answers={})
    if project_ids is not None:
        tasks = tasks.filter(project_id__in=project_ids)
    year_sums = defaultdict(lambda: [0, 0])
    month_sums = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    project_sums = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    groups = {d: g for g, dims in TARGET_GROUPS.items() for d in dims}
    for project_id, completed_at, answers in tasks.values_list(
        "project_id", "completed_at", "answers"
    ).iterator(chunk_size=2000):
        month = timezone.localtime(completed_at).strftime("%Y-%m")
        for qid, raw in (answers or {}).items():
            dimension, kind = questions.get(qid, (None, None))
            value = _answer_value(kind, raw) if dimension else None
            if value is None:
                continue
            for key in (dimension, groups[dimension]):
                for sums in (year_sums, month_sums[month], project_sums[project_id]):
                    sums[key][0] += value
                    sums[key][1] += 1
    return {
        "year": {key: _mean(year_sums[key]) for key in TARGET_KEYS},
        "months": [
            (month, {key: _mean(month_sums[month][key]) for key in TARGET_KEYS})
            for month in sorted(month_sums)
        ],
        "projects": {
            pid: {key: _mean(sums[key]) for key in TARGET_KEYS}
            for pid, sums in project_sums.items()
        },
    }
