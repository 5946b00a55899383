"""Reads of the feedback app: scoped querysets with their joins, for views, exports and jobs;
never a query per row."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from salesite.models import Customer, Purchase

from .models import (
    OPEN_STATUSES,
    AmbassadorAssignment,
    AmbassadorPatrol,
    CallbackStatus,
    CallbackTask,
    Case,
    ClubEvent,
    ClubEventAttendee,
    CustomerStepRecord,
    DeadlineBreach,
    DefectCategory,
    QuarterlyAssessment,
    Referral,
    RepeatPurchase,
    WarrantyItem,
    WarrantyNotice,
    WarrantyReport,
    quarter_bounds,
)


def cases_visible(user):
    return (
        Case.objects.visible_to(user)
        .select_related("project", "customer", "building", "unit", "assignee")
        .annotate(
            breached=Exists(DeadlineBreach.objects.filter(case=OuterRef("pk"))),
        )
    )


def ambassador_scope_q(user) -> Q:
    """Cases of the buildings or areas the user follows as an ambassador, or assigned to them."""
    rows = list(
        AmbassadorAssignment.objects.filter(user=user, is_active=True).values_list(
            "project_id", "building_id", "area"
        )
    )
    q = Q(assignee=user)
    buildings = [b for _p, b, _a in rows if b]
    if buildings:
        q |= Q(building_id__in=buildings)
    for p, b, a in rows:
        if not b and a:
            q |= Q(project_id=p, area=a)
    return q


def my_cases(user):
    return cases_visible(user).filter(ambassador_scope_q(user))


def case_status_counts(user) -> dict:
    rows = (
        Case.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {r["status"]: r["n"] for r in rows}


def callbacks_visible(user):
    return CallbackTask.objects.visible_to(user).select_related(
        "project", "customer", "assigned_to", "case"
    )


def customer_search(user, *, project_id, q: str, limit: int = 15):
    """Customers of a visible project by name, phone (ending) or unit number; a short list."""
    q = (q or "").strip()
    if len(q) < 1 or not project_id:
        return Customer.objects.none()
    qs = Customer.objects.visible_to(user).filter(project_id=project_id)
    match = Q(name__icontains=q) | Q(phone__endswith=q)
    match |= Q(purchases__unit__number=q, purchases__is_active=True)
    return (
        qs.filter(match)
        .distinct()
        .order_by("name")
        .prefetch_related("purchases__unit__building")[:limit]
    )


# --- quarterly 6+2 assessment (R-FB-10) -----------------------------------------------------

A1_WEIGHT = Decimal("0.25")
A2_WEIGHT = Decimal("0.25")
A3_WEIGHT = Decimal("0.50")
HUNDRED = Decimal(100)


def _pct(part, whole):
    return (Decimal(part) * HUNDRED / whole) if whole else None


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _q2(value):
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP) if value is not None else None


def assessment_ranking(projects, *, year: int, quarter: int, today=None) -> list[dict]:
    """The 6+2 assessment of the given projects for one quarter, ranked (R-FB-10).

    Per project (all figures 0–100, two decimals):

    - **A1 perception (25 %)**: entered per quarter (``QuarterlyAssessment``): the mean of the
      site-check and mystery-visit scores that were entered.
    - **A2 process (25 %)**: the mean of the following rates that have a denominator:
      (a) callbacks made on time — tasks due in the quarter (up to today) that were completed
      (reached, or closed after the maximum of unreached attempts) on or before their due
      date, over all tasks due in that span;
      (b) case deadlines met — cases received in the quarter that carried a deadline
      (dispatch, answer, repair callbacks, survey) and have no ``DeadlineBreach``, over all
      such cases;
      (c) notices sent — customers with an active purchase signed by the quarter's end who have
      the 6+2 action "工程进度告知" (``progress_notice``) recorded by then, over those customers.
    - **A3 customer evaluation (50 %)**: the mean callback score (1–5) of the callbacks
      completed in the quarter, times 20 (5 → 100).
    - **Total** = 0.25·A1 + 0.25·A2 + 0.5·A3, only when all three are known; ranked by total
      (equal totals share a rank); projects with a missing part follow, unranked.

    A fixed number of grouped queries, whatever the number of projects.
    """
    today = today or timezone.localdate()
    projects = list(projects)
    ids = [p.pk for p in projects]
    start, end = quarter_bounds(year, quarter)
    tz = timezone.get_current_timezone()
    start_dt = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    end_dt = datetime.datetime.combine(end, datetime.time.min, tzinfo=tz)
    last_due = min(end - datetime.timedelta(days=1), today)

    a1 = {
        a.project_id: a
        for a in QuarterlyAssessment.objects.filter(project_id__in=ids, year=year, quarter=quarter)
    }
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
        parts = {
            "callbacks_on_time": _pct(cb.get("on_time", 0), cb.get("total", 0)),
            "cases_on_time": _pct(cs.get("met", 0), cs.get("total", 0)),
            "notices_sent": _pct(nt.get("sent", 0), nt.get("total", 0)),
        }
        a1_value = a1[p.pk].a1 if p.pk in a1 else None
        a2_value = _mean(parts.values())
        a3_value = Decimal(sc["mean"]) * 20 if sc and sc["mean"] is not None else None
        total = None
        if None not in (a1_value, a2_value, a3_value):
            total = A1_WEIGHT * a1_value + A2_WEIGHT * a2_value + A3_WEIGHT * a3_value
        rows.append(
            {
                "project": p,
                "assessment": a1.get(p.pk),
                "a1": _q2(a1_value),
                "a2": _q2(a2_value),
                "a3": _q2(a3_value),
                "total": _q2(total),
                "scored_callbacks": sc["n"] if sc else 0,
                **{k: _q2(v) for k, v in parts.items()},
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


def warranty_items_visible(user):
    """Ledger lines with their report and notice counts (subqueries: no join fan-out)."""
    reports = (
        WarrantyReport.objects.filter(item=OuterRef("pk"))
        .values("item")
        .annotate(n=Count("pk"))
        .values("n")
    )
    notices = (
        WarrantyNotice.objects.filter(item=OuterRef("pk"))
        .values("item")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        WarrantyItem.objects.visible_to(user)
        .select_related("project", "building")
        .annotate(
            report_count=Coalesce(Subquery(reports), 0),
            notice_count=Coalesce(Subquery(notices), 0),
        )
    )


def club_events_visible(user):
    counts = (
        ClubEventAttendee.objects.filter(event=OuterRef("pk"))
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        ClubEvent.objects.visible_to(user)
        .select_related("project")
        .annotate(attendee_count=Coalesce(Subquery(counts), 0))
    )


# --- defect report, contractor ranking (R-FB-11, R-FB-4) and loyalty rates (R-FB-12) --------

COMPLAINT_DEFECT_CATEGORY = {
    "design": DefectCategory.DESIGN,
    "build_quality": DefectCategory.ENGINEERING,
    "sales": DefectCategory.SALES,
    "service": DefectCategory.SERVICE,
    "other": DefectCategory.SERVICE,
}
CALLBACK_DEFECT_CATEGORY = {
    "sales": DefectCategory.SALES,
    "delivery": DefectCategory.ENGINEERING,
    "residence_3m": DefectCategory.SERVICE,
    "quality_1y": DefectCategory.ENGINEERING,
    "repair": DefectCategory.ENGINEERING,
    "repair_major": DefectCategory.ENGINEERING,
    "rectification": DefectCategory.ENGINEERING,
}


def _quarter_span(year, quarter):
    start, end = quarter_bounds(year, quarter)
    tz = timezone.get_current_timezone()
    return (
        start,
        end,
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end, datetime.time.min, tzinfo=tz),
    )


def defect_report(projects, *, year: int, quarter: int) -> list[dict]:
    """Defects of a quarter by category (design, engineering, sales, service) and source
    (R-FB-11): complaints received (by their category; "other" counts as service; follow-ups
    opened by a callback are counted once, as the callback), dissatisfied callbacks completed
    (by rule: sales → sales, the 3-month callback → service, the others → engineering) and the
    ambassadors' patrol findings. Three grouped queries, whatever the number of projects."""
    ids = [p.pk for p in projects]
    start, end, start_dt, end_dt = _quarter_span(year, quarter)
    table = {c: {"complaints": 0, "callbacks": 0, "patrols": 0} for c in DefectCategory.values}
    complaints = (
        Case.objects.filter(
            project_id__in=ids,
            kind="complaint",
            source_callback__isnull=True,
            received_at__gte=start_dt,
            received_at__lt=end_dt,
        )
        .values("complaint_category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in complaints:
        cat = COMPLAINT_DEFECT_CATEGORY.get(r["complaint_category"], DefectCategory.SERVICE)
        table[cat]["complaints"] += r["n"]
    callbacks = (
        CallbackTask.objects.filter(
            project_id__in=ids,
            dissatisfied=True,
            completed_at__gte=start_dt,
            completed_at__lt=end_dt,
        )
        .values("rule")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in callbacks:
        table[CALLBACK_DEFECT_CATEGORY.get(r["rule"], DefectCategory.SERVICE)]["callbacks"] += r[
            "n"
        ]
    patrols = (
        AmbassadorPatrol.objects.filter(
            project_id__in=ids, patrolled_on__gte=start, patrolled_on__lt=end
        )
        .values("category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in patrols:
        table[r["category"]]["patrols"] += r["n"]
    return [
        {"category": c, **v, "total": sum(v.values())}
        for c, v in ((DefectCategory(k), v) for k, v in table.items())
    ]


def contractor_ranking(projects, *, year: int, quarter: int) -> list[dict]:
    """Repair contractors ranked by the mean satisfaction of the repair callbacks completed in
    the quarter (R-FB-4): one aggregate query grouped by contractor."""
    ids = [p.pk for p in projects]
    _s, _e, start_dt, end_dt = _quarter_span(year, quarter)
    rows = list(
        CallbackTask.objects.filter(
            project_id__in=ids,
            rule__in=["repair", "repair_major"],
            score__isnull=False,
            completed_at__gte=start_dt,
            completed_at__lt=end_dt,
        )
        .exclude(case__repair_contractor="")
        .values("case__repair_contractor")
        .annotate(
            mean=Avg("score"),
            n=Count("pk"),
            dissatisfied_n=Count("pk", filter=Q(dissatisfied=True)),
        )
        .order_by("-mean", "-n", "case__repair_contractor")
    )
    rank, previous = 0, None
    out = []
    for i, r in enumerate(rows, start=1):
        mean = _q2(Decimal(r["mean"]))
        if mean != previous:
            rank, previous = i, mean
        out.append(
            {
                "rank": rank,
                "contractor": r["case__repair_contractor"],
                "mean": mean,
                "count": r["n"],
                "dissatisfied": r["dissatisfied_n"],
            }
        )
    return out


def loyalty_rates(projects, *, year: int, quarter: int) -> list[dict]:
    """Per project, of the purchases signed in the quarter: how many came from a referral that
    signed, how many were repeat purchases, and the two rates (R-FB-12). Three grouped
    queries."""
    ids = [p.pk for p in projects]
    start, end, _sd, _ed = _quarter_span(year, quarter)
    signed = Purchase.objects.filter(
        project_id__in=ids, is_active=True, signed_on__gte=start, signed_on__lt=end
    )
    totals = dict(
        signed.values("project_id")
        .annotate(n=Count("pk"))
        .values_list("project_id", "n")
        .order_by()
    )
    referred = dict(
        Referral.objects.filter(purchase__in=signed)
        .values("project_id")
        .annotate(n=Count("pk"))
        .values_list("project_id", "n")
        .order_by()
    )
    repeats = dict(
        RepeatPurchase.objects.filter(purchase__in=signed)
        .values("project_id")
        .annotate(n=Count("pk"))
        .values_list("project_id", "n")
        .order_by()
    )
    return [
        {
            "project": p,
            "signed": totals.get(p.pk, 0),
            "referred": referred.get(p.pk, 0),
            "repeat": repeats.get(p.pk, 0),
            "referral_rate": _q2(_pct(referred.get(p.pk, 0), totals.get(p.pk, 0))),
            "repeat_rate": _q2(_pct(repeats.get(p.pk, 0), totals.get(p.pk, 0))),
        }
        for p in projects
    ]


def half_month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The half month (1st–15th, 16th–end) containing ``day``: first day and the day after."""
    if day.day <= 15:
        return day.replace(day=1), day.replace(day=16)
    nxt = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return day.replace(day=16), nxt


def patrols_missing(user, *, today=None):
    """Active ambassador assignments (visible to the user) whose ambassador has recorded no
    patrol finding in the project this half month (R-FB-11). One query."""
    today = today or timezone.localdate()
    start, end = half_month_bounds(today)
    done = AmbassadorPatrol.objects.filter(
        project_id=OuterRef("project_id"),
        ambassador_id=OuterRef("user_id"),
        patrolled_on__gte=start,
        patrolled_on__lt=end,
    )
    return (
        AmbassadorAssignment.objects.visible_to(user)
        .filter(is_active=True)
        .exclude(Exists(done))
        .select_related("project", "user", "building")
        .order_by("project__name", "pk")
    )
