"""Reads of the quarterly 6+2 assessment (R-FB-10)."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from salesite.models import Purchase

from ..models import (
    AssessmentChecklistLine,
    AssessmentStatus,
    CallbackStatus,
    CallbackTask,
    Case,
    CustomerStepRecord,
    DeadlineBreach,
    QuarterlyAssessment,
    quarter_bounds,
)

# --- quarterly 6+2 assessment (R-FB-10) -----------------------------------------------------

A1_WEIGHT = Decimal("0.25")
A2_WEIGHT = Decimal("0.25")
A3_WEIGHT = Decimal("0.50")
HUNDRED = Decimal(100)


def _pct(part, whole):
    return (Decimal(part) * HUNDRED / whole) if whole else None


def _q2(value):
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP) if value is not None else None


def _reference_counts(ids, start, end, start_dt, end_dt, last_due):
    """The counts behind the three reference rates, per project: callbacks due and done on
    time, cases with a deadline and those met, customers to notify and notified."""
    callbacks = {
        r["project_id"]: r
        for r in CallbackTask.objects.filter(
            project_id__in=ids, due_date__gte=start, due_date__lte=last_due
        )
        .values("project_id")
        .annotate(
            total=Count("pk"),
            on_time=Count(
                "pk",
                filter=Q(
                    status__in=[CallbackStatus.REACHED, CallbackStatus.DONE],
                    completed_at__date__lte=F("due_date"),
                ),
            ),
        )
        .order_by()
    }
    has_deadline = (
        Q(dispatch_due__isnull=False)
        | Q(answer_due__isnull=False)
        | Q(callback_due__isnull=False)
        | Q(survey_due__isnull=False)
    )
    cases = {
        r["project_id"]: r
        for r in Case.objects.filter(
            has_deadline, project_id__in=ids, received_at__gte=start_dt, received_at__lt=end_dt
        )
        .annotate(breached=Exists(DeadlineBreach.objects.filter(case=OuterRef("pk"))))
        .values("project_id")
        .annotate(total=Count("pk"), met=Count("pk", filter=Q(breached=False)))
        .order_by()
    }
    noticed = CustomerStepRecord.objects.filter(
        customer_id=OuterRef("customer_id"),
        action__code="progress_notice",
        done_on__lt=end,
    )
    notices = {
        r["project_id"]: r
        for r in Purchase.objects.filter(project_id__in=ids, is_active=True, signed_on__lt=end)
        .annotate(noticed=Exists(noticed))
        .values("project_id")
        .annotate(
            total=Count("customer_id", distinct=True),
            sent=Count("customer_id", distinct=True, filter=Q(noticed=True)),
        )
        .order_by()
    }
    return callbacks, cases, notices


def assessment_ranking(
    projects, *, year: int, quarter: int, today=None, parts: bool = True
) -> list[dict]:
    """The 6+2 assessment of the given projects for one quarter, ranked (R-FB-10).

    Per project (all figures 0–100, two decimals):

    - **A1 perceived execution (25 %)** and **A2 process (25 %)**: from the project's submitted
      checklist of the quarter (``QuarterlyAssessment`` and its lines): 100 × the sum of the
      indicator's item scores over the sum of their full scores. A draft counts for nothing.
    - For reference beside A2, three rates from the records: (a) callbacks made on time — tasks
      due in the quarter (up to today) completed (reached, or closed after the maximum of
      unreached attempts) on or before their due date, over all tasks due in that span;
      (b) case deadlines met — cases received in the quarter that carried a deadline and have
      no ``DeadlineBreach``, over all such cases; (c) notices sent — customers with an active
      purchase signed by the quarter's end who have the action "工程进度告知"
      (``progress_notice``) recorded by then, over those customers.
    - **A3 customer evaluation (50 %)**: the mean callback score (1–5) of the callbacks
      completed in the quarter, times 20 (5 → 100).
    - **Total** = 0.25·A1 + 0.25·A2 + 0.5·A3, only when all three are known; in the fourth
      quarter the group BSC result, when recorded, replaces it (``bsc`` is True, the computed
      figure stays in ``computed_total``). Ranked by total (equal totals share a rank);
      projects with a missing part follow, unranked.

    A fixed number of grouped queries, whatever the number of projects. ``parts=False`` leaves
    out the three reference rates (None), which the totals do not use (the dashboard's score).
    """
    today = today or timezone.localdate()
    projects = list(projects)
    ids = [p.pk for p in projects]
    start, end = quarter_bounds(year, quarter)
    tz = timezone.get_current_timezone()
    start_dt = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    end_dt = datetime.datetime.combine(end, datetime.time.min, tzinfo=tz)
    last_due = min(end - datetime.timedelta(days=1), today)

    checks = {
        a.project_id: a
        for a in QuarterlyAssessment.objects.filter(
            project_id__in=ids, year=year, quarter=quarter
        ).select_related("bsc_by")
    }
    checklist = {
        (r["assessment__project_id"], r["indicator"]): (r["score"], r["points"])
        for r in AssessmentChecklistLine.objects.filter(
            assessment__project_id__in=ids,
            assessment__year=year,
            assessment__quarter=quarter,
            assessment__status=AssessmentStatus.SUBMITTED,
        )
        .values("assessment__project_id", "indicator")
        .annotate(score=Sum("score"), points=Sum("points"))
        .order_by()
    }
    if not parts:
        callbacks = cases = notices = {}
    else:
        callbacks, cases, notices = _reference_counts(ids, start, end, start_dt, end_dt, last_due)
    scores = {
        r["project_id"]: r
        for r in CallbackTask.objects.filter(
            project_id__in=ids,
            score__isnull=False,
            completed_at__gte=start_dt,
            completed_at__lt=end_dt,
        )
        .values("project_id")
        .annotate(mean=Avg("score"), n=Count("pk"))
        .order_by()
    }

    rows = []
    for p in projects:
        cb = callbacks.get(p.pk, {})
        cs = cases.get(p.pk, {})
        nt = notices.get(p.pk, {})
        sc = scores.get(p.pk)
        rates = {
            "callbacks_on_time": _pct(cb.get("on_time", 0), cb.get("total", 0)),
            "cases_on_time": _pct(cs.get("met", 0), cs.get("total", 0)),
            "notices_sent": _pct(nt.get("sent", 0), nt.get("total", 0)),
        }
        a1_value = _pct(*checklist.get((p.pk, "a1"), (0, 0)))
        a2_value = _pct(*checklist.get((p.pk, "a2"), (0, 0)))
        a3_value = Decimal(sc["mean"]) * 20 if sc and sc["mean"] is not None else None
        computed = None
        if None not in (a1_value, a2_value, a3_value):
            computed = _q2(A1_WEIGHT * a1_value + A2_WEIGHT * a2_value + A3_WEIGHT * a3_value)
        check = checks.get(p.pk)
        bsc = check is not None and quarter == 4 and check.bsc_total is not None
        rows.append(
            {
                "project": p,
                "assessment": check,
                "a1": _q2(a1_value),
                "a2": _q2(a2_value),
                "a3": _q2(a3_value),
                "computed_total": computed,
                "total": check.bsc_total if bsc else computed,
                "bsc": bsc,
                "scored_callbacks": sc["n"] if sc else 0,
                **{k: _q2(v) for k, v in rates.items()},
            }
        )
    rows.sort(key=lambda r: (r["total"] is None, -(r["total"] or 0), r["project"].name))
    rank, previous = 0, None
    for i, r in enumerate(rows, start=1):
        if r["total"] is None:
            r["rank"] = None
            continue
        if r["total"] != previous:
            rank, previous = i, r["total"]
        r["rank"] = rank
    return rows
