"""The forced ranking of the repair contractors (强制排序，末位淘汰; issue #16 item 4), for a
quarter or a year, over one project or a whole property company. A fixed number of queries.

Which rows count (the period is [start, end) in local time; the scope's projects are the
project, or every project of the company):

- *repairs*: repair cases of the scope dispatched to a registered contractor (the ``contractor``
  foreign key — old cases with only the free-text ``repair_contractor`` are left out), closed in
  the period.
- **satisfaction**: the answers to the callback questions flagged ``rates_contractor``
  (施工单位满意度, 1–5; yes = 5, no = 1) of the callbacks reached in the period whose case went
  to the contractor; score = mean × 20 (5 → 100).
- **on time** (及时率): of the repairs, those dispatched by their dispatch deadline and
  answered by their answer deadline (a deadline that is not set is met); score = the rate, %.
- **first-time fix** (一次成功率): the repairs' rate as ``selectors.repair_quality`` computes
  it (only repairs whose repeat window is over by ``now`` count), per contractor.
- **complaints**: complaint cases of the scope received in the period and linked to the
  contractor (the case's ``contractor``); score = 100 − penalty × complaints, at least 0; the
  part is present when the contractor has repairs or complaints in the period.
- **competition**: the mean score of the company's skill competitions held in the period.
- **evaluation**: the mean score of the quarterly lead evaluations of the period (in the
  project, or in any project of the company).

Total = Σ weight × part / Σ weight over the parts the contractor has (a part without data
does not count for or against it: its weight is spread over the others); every part and the
total are rounded to 0.1. Forced order: total (highest first), then first-time fix rate, then
name; contractors without any part come last, unranked. The *proposal*: the last ranked
contractor with at least ``min_repairs`` repairs in the period (an eliminated contractor is
not proposed again).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.utils import timezone

from salesite.models import CompetitionScore, Contractor, LeadEvaluation, Project

from ..models import CallbackStatus, CallbackTask, Case, CaseKind, CaseStatus, Question
from ..models.assessment import quarter_bounds
from ..models.ranking import RANKING_PARTS, RankingWeights
from . import repair_quality as rq

TENTH = Decimal("0.1")


def _q(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(TENTH, ROUND_HALF_UP)


def period_bounds(year: int, quarter: int | None) -> tuple[datetime.date, datetime.date]:
    if quarter:
        return quarter_bounds(year, quarter)
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


def _aware(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def scope_project_ids(company, project=None) -> list[int]:
    if project is not None:
        return [project.pk]
    return list(Project.objects.filter(property_company=company).values_list("pk", flat=True))


def _contractors(company, project):
    qs = Contractor.objects.filter(company=company)
    if project is not None:
        qs = qs.for_project(project)
    return {c.pk: c for c in qs.order_by("name")}


def _satisfaction(ids, project_ids, start, end) -> dict[int, list[int]]:
    questions = dict(
        Question.objects.filter(rates_contractor=True).values_list("pk", "kind").order_by()
    )
    out: dict[int, list[int]] = defaultdict(list)
    if not questions:
        return out
    tasks = CallbackTask.objects.filter(
        status__in=[CallbackStatus.REACHED, CallbackStatus.DONE],
        completed_at__gte=start,
        completed_at__lt=end,
        project_id__in=project_ids,
        case__contractor_id__in=ids,
    ).exclude(answers={})
    for contractor_id, answers in tasks.values_list("case__contractor_id", "answers"):
        for qid, kind in questions.items():
            value = rq._answer_value(kind, (answers or {}).get(str(qid)))
            if value is not None:
                out[contractor_id].append(value)
    return out


def contractor_forced_ranking(company, *, project=None, year: int, quarter=None, now=None):
    """The ranking of the company's (or the project's) contractors in the period:
    ``{"rows": [...], "proposal": row or None, "weights": {...}, "start", "end"}``; each row
    has the contractor, the raw figures, the six 0–100 parts, the total and the rank."""
    now = now or timezone.now()
    start_day, end_day = period_bounds(year, quarter)
    start, end = _aware(start_day), _aware(end_day)
    setting = RankingWeights.current()
    weights = setting.weights()
    contractors = _contractors(company, project)
    ids = list(contractors)
    project_ids = scope_project_ids(company, project)

    repairs = (
        Case.objects.filter(
            kind=CaseKind.REPAIR,
            status=CaseStatus.CLOSED,
            project_id__in=project_ids,
            contractor_id__in=ids,
            closed_at__gte=start,
            closed_at__lt=end,
        )
        .values("contractor_id")
        .annotate(
            n=Count("pk"),
            late=Count(
                "pk",
                filter=Q(dispatch_due__isnull=False)
                & (Q(dispatched_at__isnull=True) | Q(dispatched_at__gt=F("dispatch_due")))
                | Q(answer_due__isnull=False)
                & (Q(replied_at__isnull=True) | Q(replied_at__gt=F("answer_due"))),
            ),
        )
        .order_by()
    )
    repair_counts = {r["contractor_id"]: (r["n"], r["n"] - r["late"]) for r in repairs}
    fix = {
        r["contractor_id"]: (r["n"], r["failed_n"])
        for r in rq.repairs(project_ids, now=now)
        .filter(elapsed=True, contractor_id__in=ids, closed_at__gte=start, closed_at__lt=end)
        .values("contractor_id")
        .annotate(n=Count("pk"), failed_n=Count("pk", filter=Q(failed=True)))
        .order_by()
    }
    complaints = dict(
        Case.objects.filter(
            kind=CaseKind.COMPLAINT,
            project_id__in=project_ids,
            contractor_id__in=ids,
            received_at__gte=start,
            received_at__lt=end,
        )
        .values("contractor_id")
        .annotate(n=Count("pk"))
        .values_list("contractor_id", "n")
        .order_by()
    )
    competition = defaultdict(list)
    for cid, score in CompetitionScore.objects.filter(
        contractor_id__in=ids,
        competition__company=company,
        competition__held_on__gte=start_day,
        competition__held_on__lt=end_day,
    ).values_list("contractor_id", "score"):
        competition[cid].append(score)
    evaluations = defaultdict(list)
    lead = LeadEvaluation.objects.filter(
        contractor_id__in=ids, year=year, project_id__in=project_ids
    )
    if quarter:
        lead = lead.filter(quarter=quarter)
    for cid, score in lead.values_list("contractor_id", "score"):
        evaluations[cid].append(score)
    answers = _satisfaction(ids, project_ids, start, end)

    rows = []
    for cid, contractor in contractors.items():
        n_repairs, n_on_time = repair_counts.get(cid, (0, 0))
        fix_n, fix_failed = fix.get(cid, (0, 0))
        n_complaints = complaints.get(cid, 0)
        values = answers.get(cid, [])
        row = {
            "contractor": contractor,
            "repairs": n_repairs,
            "on_time_count": n_on_time,
            "fix_counted": fix_n,
            "fix_fixed": fix_n - fix_failed,
            "complaint_count": n_complaints,
            "answer_count": len(values),
            "satisfaction_mean": _q(Decimal(sum(values)) / len(values)) if values else None,
            "competition_scores": competition.get(cid, []),
            "evaluation_scores": evaluations.get(cid, []),
        }
        parts = {
            "satisfaction": _q(Decimal(sum(values)) * 20 / len(values)) if values else None,
            "on_time": _q(Decimal(100 * n_on_time) / n_repairs) if n_repairs else None,
            "first_fix": _q(Decimal(100 * (fix_n - fix_failed)) / fix_n) if fix_n else None,
            "complaints": (
                _q(max(0, 100 - setting.complaint_penalty * n_complaints))
                if n_repairs or n_complaints
                else None
            ),
            "competition": _mean(row["competition_scores"]),
            "evaluation": _mean(row["evaluation_scores"]),
        }
        present = [key for key, _f in RANKING_PARTS if parts[key] is not None]
        weight_sum = sum(weights[key] for key in present)
        row["parts"] = parts
        row["part_list"] = [(key, parts[key]) for key, _f in RANKING_PARTS]
        row["total"] = (
            _q(sum(weights[key] * parts[key] for key in present) / weight_sum)
            if weight_sum
            else None
        )
        rows.append(row)

    def order(row):
        fix_rate = row["parts"]["first_fix"]
        return (
            row["total"] is None,
            -(row["total"] or 0),
            fix_rate is None,
            -(fix_rate or 0),
            row["contractor"].name,
        )

    rows.sort(key=order)
    proposal = None
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["total"] is not None else None
        row["proposed"] = False
        if (
            row["total"] is not None
            and row["repairs"] >= setting.min_repairs
            and row["contractor"].status != "eliminated"
        ):
            proposal = row
    if proposal is not None:
        proposal["proposed"] = True
    return {
        "rows": rows,
        "proposal": proposal,
        "weights": weights,
        "setting": setting,
        "start": start_day,
        "end": end_day,
    }


def _mean(values) -> Decimal | None:
    if not values:
        return None
    return _q(sum(Decimal(v) for v in values) / len(values))
