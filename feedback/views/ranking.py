"""Views of the contractor ranking (强制排序，末位淘汰; issue #16 item 4): the ranking of a
project or a company for a quarter or a year, the centre head's decision on a contractor,
and the record of a new contractor.

Scopes: a project where the user holds ``view_rankingdecision``; a company when the user holds
it on every project of the company (company-scope roles, HQ). Another scope is a 404. The
decision needs ``add_rankingdecision`` (the centre head) on one of the contractor's projects in
the scope; the introduction needs ``add_contractorintroduction`` on a project of the company."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from salesite.access import permitted_project_ids
from salesite.exceptions import DomainError
from salesite.models import Project
from salesite.views_access import staff_view

from ..forms_ranking import DecisionForm, IntroductionForm
from ..models.assessment import quarter_of
from ..models.ranking import RANKING_PARTS, ContractorIntroduction, RankingDecision
from ..selectors.ranking import contractor_forced_ranking
from ..services import ranking as services

VIEW = "feedback.view_rankingdecision"
DECIDE = "feedback.add_rankingdecision"
INTRODUCE = "feedback.add_contractorintroduction"
LIST_LIMIT = 50
PART_LABELS = {
    "satisfaction": gettext_lazy("回访满意度"),
    "on_time": gettext_lazy("及时率"),
    "first_fix": gettext_lazy("一次成功率"),
    "complaints": gettext_lazy("投诉"),
    "competition": gettext_lazy("技术比武"),
    "evaluation": gettext_lazy("负责人评估"),
}


def _scopes(user) -> list[tuple[str, str, object]]:
    """[(key, label, Company or Project)]: the companies fully covered, then the projects."""
    ids = permitted_project_ids(user, VIEW)
    projects = Project.objects.filter(property_company__isnull=False).select_related(
        "property_company"
    )
    if ids is not None:
        projects = projects.filter(pk__in=ids)
    projects = list(projects.order_by("name"))
    totals = dict(
        Project.objects.filter(property_company_id__in={p.property_company_id for p in projects})
        .values("property_company_id")
        .annotate(n=Count("pk"))
        .values_list("property_company_id", "n")
        .order_by()
    )
    seen: dict[int, int] = {}
    for p in projects:
        seen[p.property_company_id] = seen.get(p.property_company_id, 0) + 1
    companies = sorted(
        {
            p.property_company
            for p in projects
            if seen[p.property_company_id] == totals.get(p.property_company_id)
        },
        key=lambda c: c.name,
    )
    return [(f"c{c.pk}", _("%(c)s（全公司）") % {"c": c.name}, c) for c in companies] + [
        (f"p{p.pk}", p.name, p) for p in projects
    ]


def _period(params) -> tuple[int, int | None]:
    today = timezone.localdate()
    year, quarter = quarter_of(today)
    year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)  # last full quarter
    try:
        year = int(params.get("year") or year)
        quarter = int(params.get("quarter", quarter))
    except ValueError as exc:
        raise Http404 from exc
    if not 2000 <= year <= 2100 or quarter not in (0, 1, 2, 3, 4):
        raise Http404
    return year, quarter or None


def _resolve(request):
    """(scopes, key, company, project, year, quarter) from the query string; 404 outside."""
    scopes = _scopes(request.user)
    key = request.GET.get("scope") or (scopes[0][0] if scopes else "")
    chosen = next((s for s in scopes if s[0] == key), None)
    if chosen is None and (key or scopes):
        raise Http404
    year, quarter = _period(request.GET)
    obj = chosen[2] if chosen else None
    if isinstance(obj, Project):
        return scopes, key, obj.property_company, obj, year, quarter
    return scopes, key, obj, None, year, quarter


def _query(key, year, quarter) -> str:
    return urlencode({"scope": key, "year": year, "quarter": quarter or 0})


def _may(user, perm, project_ids) -> bool:
    ids = permitted_project_ids(user, perm)
    return ids is None or bool(set(ids) & set(project_ids))


def _scope_project_ids(company, project) -> list[int]:
    if project is not None:
        return [project.pk]
    return list(company.served_projects.values_list("pk", flat=True)) if company else []


@staff_view(VIEW)
def ranking(request):
    """维修单位强制排序: the parts, the total, the rank, the proposal, decisions, introductions."""
    scopes, key, company, project, year, quarter = _resolve(request)
    context = {
        "scopes": scopes,
        "scope": key,
        "year": year,
        "quarter": quarter or 0,
        "years": range(timezone.localdate().year, timezone.localdate().year - 4, -1),
        "company": company,
        "project": project,
        "part_labels": [PART_LABELS[k] for k, _f in RANKING_PARTS],
        "query": _query(key, year, quarter),
    }
    if company is not None:
        result = contractor_forced_ranking(company, project=project, year=year, quarter=quarter)
        project_ids = _scope_project_ids(company, project)
        decisions = RankingDecision.objects.filter(company=company).select_related(
            "contractor", "project", "decided_by"
        )
        if project is not None:
            decisions = decisions.filter(project=project)
        context.update(
            result=result,
            weight_list=[result["weights"][k] for k, _f in RANKING_PARTS],
            decisions=list(decisions[:LIST_LIMIT]),
            introductions=list(
                ContractorIntroduction.objects.filter(company=company).select_related(
                    "contractor", "replaces", "introduced_by"
                )[:LIST_LIMIT]
            ),
        )
        if _may(request.user, DECIDE, project_ids):
            proposal = result["proposal"]
            context["decision_form"] = DecisionForm(
                contractors=[r["contractor"] for r in result["rows"]],
                proposal=proposal["contractor"] if proposal else None,
            )
        if _may(request.user, INTRODUCE, _scope_project_ids(company, None)):
            context["introduction_form"] = IntroductionForm(company=company)
    return render(request, "feedback/ranking/ranking.html", context)


def _back(key, year, quarter):
    return redirect(f"{reverse('feedback:ranking')}?{_query(key, year, quarter)}")


@staff_view(post=DECIDE)
@require_POST
def ranking_decide(request):
    """The centre head's decision on a ranked contractor (the status moves with history)."""
    _s, key, company, project, year, quarter = _resolve(request)
    if company is None:
        raise Http404
    result = contractor_forced_ranking(company, project=project, year=year, quarter=quarter)
    rows = {r["contractor"].pk: r for r in result["rows"]}
    form = DecisionForm(request.POST, contractors=[r["contractor"] for r in rows.values()])
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return _back(key, year, quarter)
    contractor = form.cleaned_data["contractor"]
    on_projects = set(contractor.projects.values_list("pk", flat=True))
    if not _may(request.user, DECIDE, on_projects & set(_scope_project_ids(company, project))):
        raise PermissionDenied
    row = rows[contractor.pk]
    try:
        services.ranking_decide(
            company=company,
            project=project,
            year=year,
            quarter=quarter,
            contractor=contractor,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            user=request.user,
            rank=row["rank"],
            total=row["total"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return _back(key, year, quarter)
    messages.success(request, _("已记录对“%(c)s”的决定。") % {"c": contractor.name})
    return _back(key, year, quarter)


@staff_view(post=INTRODUCE)
@require_POST
def ranking_introduce(request):
    """Record a new contractor taken on (引进新的维修单位)."""
    _s, key, company, _p, year, quarter = _resolve(request)
    if company is None:
        raise Http404
    if not _may(request.user, INTRODUCE, _scope_project_ids(company, None)):
        raise PermissionDenied
    form = IntroductionForm(request.POST, company=company)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return _back(key, year, quarter)
    try:
        services.contractor_introduce(company=company, user=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, str(exc))
        return _back(key, year, quarter)
    messages.success(request, _("已登记新维修单位引进记录。"))
    return _back(key, year, quarter)


__all__ = ["ranking", "ranking_decide", "ranking_introduce"]
