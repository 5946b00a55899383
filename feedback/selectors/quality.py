"""Reads of the defect report, contractor ranking (R-FB-11, R-FB-4), loyalty rates (R-FB-12) and
the ambassadors' patrols."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.utils import timezone

from salesite.models import Purchase

from ..models import (
    AmbassadorAssignment,
    AmbassadorPatrol,
    CallbackTask,
    Referral,
    RepeatPurchase,
    quarter_bounds,
)
from .assessment import _pct, _q2

# --- defect report, contractor ranking (R-FB-11, R-FB-4) and loyalty rates (R-FB-12) --------


def _quarter_span(year, quarter):
    start, end = quarter_bounds(year, quarter)
    tz = timezone.get_current_timezone()
    return (
        start,
        end,
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end, datetime.time.min, tzinfo=tz),
    )


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
