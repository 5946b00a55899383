"""Reads of the contractor register (issue #16): who may see or change a contractor, whether
its staff were trained, and the two parts of its yearly evaluation that the register holds."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from salesite import access
from salesite.models import (
    Company,
    CompetitionScore,
    Contractor,
    ContractorTraining,
    LeadEvaluation,
    Project,
)


def contractor_allowed(user, perm: str, contractor: Contractor) -> bool:
    """Does ``perm`` hold for ``user`` on one of the contractor's projects?"""
    if user.is_superuser:
        return True
    ids = access.permitted_project_ids(user, perm)
    if ids is None:
        return True
    return contractor.projects.filter(pk__in=ids).exists()


def company_allowed(user, perm: str, company_id: int) -> bool:
    """Does ``perm`` hold for ``user`` on one of the company's projects?"""
    if user.is_superuser:
        return True
    ids = access.permitted_project_ids(user, perm)
    if ids is None:
        return True
    return Project.objects.filter(pk__in=ids, property_company_id=company_id).exists()


def contractors_list(user, perm: str = "salesite.view_contractor"):
    return (
        Contractor.objects.permitted(user, perm)
        .select_related("company")
        .prefetch_related("projects")
        .annotate(
            training_count=Count("trainings", distinct=True),
            document_count=Count("documents", distinct=True),
        )
        .order_by("company__name", "name")
    )


def contractor_has_training(contractor: Contractor) -> bool:
    """A contractor whose staff have no pre-job training record is flagged at dispatch."""
    return ContractorTraining.objects.filter(contractor=contractor).exists()


def dispatchable_contractors(project):
    return Contractor.objects.dispatchable(project).order_by("name")


def companies_for_new_contractor(user):
    """The property companies of the projects where the user may add a contractor."""
    ids = access.permitted_project_ids(user, "salesite.add_contractor")
    projects = Project.objects.all() if ids is None else Project.objects.filter(pk__in=ids)
    return Company.objects.filter(pk__in=projects.values("property_company_id")).order_by("name")


def _average(values) -> Decimal | None:
    values = [Decimal(v) for v in values]
    if not values:
        return None
    return (sum(values) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def contractor_year_scores(company_or_project, year: int) -> dict[int, dict]:
    """The quarterly lead evaluations and the competition scores of each contractor of a
    company (or of one project) in ``year`` — the register's parts of the yearly evaluation
    (the ranking with the callback satisfaction is computed elsewhere).

    ``{contractor_id: {"contractor", "lead_scores", "lead_average", "lead_failures",
    "competition_scores", "competition_average"}}``; averages are rounded to 0.1, None
    when there is nothing to average."""
    if isinstance(company_or_project, Project):
        contractors = Contractor.objects.for_project(company_or_project)
        evaluations = LeadEvaluation.objects.filter(project=company_or_project)
    else:
        contractors = Contractor.objects.filter(company=company_or_project)
        evaluations = LeadEvaluation.objects.filter(contractor__company=company_or_project)
    out: dict[int, dict] = {
        c.pk: {
            "contractor": c,
            "lead_scores": [],
            "lead_average": None,
            "lead_failures": 0,
            "competition_scores": [],
            "competition_average": None,
        }
        for c in contractors.order_by("name")
    }
    for e in evaluations.filter(year=year, contractor_id__in=out).order_by("quarter", "pk"):
        row = out[e.contractor_id]
        row["lead_scores"].append(e.score)
        row["lead_failures"] += 0 if e.passed else 1
    scores = CompetitionScore.objects.filter(
        contractor_id__in=out, competition__held_on__year=year
    ).order_by("competition__held_on", "pk")
    for s in scores:
        out[s.contractor_id]["competition_scores"].append(s.score)
    for row in out.values():
        row["lead_average"] = _average(row["lead_scores"])
        row["competition_average"] = _average(row["competition_scores"])
    return out


def competition_ranking(competition):
    """The scores of a competition, best first, with their rank (ties share a rank)."""
    rows = list(competition.scores.select_related("contractor").order_by("-score", "contractor"))
    rank, previous = 0, None
    for index, row in enumerate(rows, start=1):
        if row.score != previous:
            rank, previous = index, row.score
        row.rank = rank
    return rows
