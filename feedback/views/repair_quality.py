"""Views of the first-time fix rate (issue #16 item 5), the yearly targets (item 8) and the
design library action on a case page (item 7)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite.access import permitted_project_ids
from salesite.dashboard.helpers import day_start
from salesite.exceptions import DomainError
from salesite.models import Project
from salesite.views import projects_with_perm, service_form_page
from salesite.views_access import get_record, staff_view

from ..forms_repair_quality import TargetForm
from ..models import Case, Dimension, RepairQualitySetting, YearlyTarget
from ..models.repair_quality import TARGET_KEYS
from ..selectors import repair_quality as rq
from ..services import repair_quality as services

VIEW_CASE = "feedback.view_case"
PERIODS = (3, 6, 12, 24)  # months shown on the fix-rate page


def _scope(request, perm):
    """(project ids the page covers, the chosen project or None): the projects where ``perm``
    holds, narrowed by ``?project=`` (404 for a project outside them)."""
    ids = permitted_project_ids(request.user, perm)
    raw = request.GET.get("project", "")
    if not raw:
        return ids, None
    if not raw.isdigit() or (ids is not None and int(raw) not in ids):
        raise Http404
    project = Project.objects.filter(pk=int(raw)).first()
    if project is None:
        raise Http404
    return [project.pk], project


def _scope_projects(ids):
    qs = Project.objects.order_by("name").only("pk", "name")
    return list(qs if ids is None else qs.filter(pk__in=ids))


@staff_view(VIEW_CASE)
def fix_rate(request):
    """维修一次成功率: by project, contractor and month, with the repeat cases (drill-down)."""
    ids, project = _scope(request, VIEW_CASE)
    raw = request.GET.get("months", "")
    months = int(raw) if raw.isdigit() and int(raw) in PERIODS else 12
    today = timezone.localdate()
    since = day_start(today - datetime.timedelta(days=round(months * 30.44)))
    contractor = request.GET.get("contractor")
    days = RepairQualitySetting.window_days()
    result = rq.fix_rate(ids, closed_from=since, days=days)
    pairs = [
        (o, r, (r.received_at - o.closed_at).days if r else None)
        for o, r in rq.repeat_pairs(ids, contractor=contractor, days=days)
    ]
    return render(
        request,
        "feedback/repair_quality/fix_rate.html",
        {
            "result": result,
            "pairs": pairs,
            "project": project,
            "projects": _scope_projects(permitted_project_ids(request.user, VIEW_CASE)),
            "months": months,
            "periods": PERIODS,
            "contractor": contractor,
            "limit": rq.MAX_REPEAT_ROWS,
        },
    )


# --- yearly targets ---------------------------------------------------------------------------


def target_rows(targets, actuals) -> list[dict]:
    """One row per target key: label, target, actual, and whether the actual reaches it."""
    rows = []
    for key in TARGET_KEYS:
        target, actual = targets.get(key), actuals.get(key)
        rows.append(
            {
                "key": key,
                "label": _label(key),
                "group": key in ("product", "experience"),
                "target": target,
                "actual": actual,
                "met": None if target is None or actual is None else actual >= target,
            }
        )
    return rows


def _label(key) -> str:
    if key == "product":
        return _("产品满意度（工程、设计）")
    if key == "experience":
        return _("体验满意度（销售、客服、物业）")
    return str(Dimension(key).label)


@staff_view("feedback.view_yearlytarget")
def targets(request):
    """年度提升目标: the targets of the year, the actuals from the callbacks so far, the trend."""
    ids, project = _scope(request, "feedback.view_yearlytarget")
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    if not 2000 <= year <= 2100:
        year = today.year
    rows = (
        YearlyTarget.objects.filter(year=year).select_related("project").order_by("project__name")
    )
    if ids is not None:
        rows = rows.filter(project_id__in=ids)
    rows = list(rows)
    actuals = rq.dimension_actuals(ids, year, today=today)
    per_project = [
        {
            "target": t,
            "rows": target_rows(
                {k: t.target_of(k) for k in TARGET_KEYS}, actuals["projects"].get(t.project_id, {})
            ),
        }
        for t in rows
    ]
    return render(
        request,
        "feedback/repair_quality/targets.html",
        {
            "year": year,
            "years": list(range(today.year - 3, today.year + 2)),
            "project": project,
            "projects": _scope_projects(
                permitted_project_ids(request.user, "feedback.view_yearlytarget")
            ),
            "summary": target_rows(rq.scope_targets(rows), actuals["year"]),
            "per_project": per_project,
            "months": actuals["months"],
            "keys": TARGET_KEYS,
            "key_labels": [r["label"] for r in target_rows({}, {})],
            "can_add": bool(projects_with_perm(request.user, "feedback.add_yearlytarget")),
            "can_change": bool(projects_with_perm(request.user, "feedback.change_yearlytarget")),
        },
    )


@staff_view("feedback.add_yearlytarget")
def target_create(request):
    projects = projects_with_perm(request.user, "feedback.add_yearlytarget")
    return service_form_page(
        request,
        form=TargetForm(request.POST or None, projects=projects),
        call=lambda d: services.target_save(project=d["project"], year=d["year"], values=d),
        success=_("年度目标已保存。"),
        title=_("新增年度满意度提升目标"),
        back="feedback:rq_targets",
    )


@staff_view("feedback.change_yearlytarget", per_record=True)
def target_edit(request, pk):
    target = get_record(request, YearlyTarget.objects.select_related("project"), pk=pk)
    form = TargetForm(request.POST or None, projects=[target.project], instance=target)
    return service_form_page(
        request,
        form=form,
        call=lambda d: services.target_save(
            project=target.project, year=target.year, values=d, instance=target
        ),
        success=_("年度目标已保存。"),
        title=_("修改年度目标：%(p)s %(y)s 年") % {"p": target.project.name, "y": target.year},
        back="feedback:rq_targets",
    )


# --- the design library action of a case page -------------------------------------------------


@staff_view(post="feedback.add_designcaseentry")
@require_POST
def design_entry_from_case(request, pk):
    case = get_record(request, Case.objects.select_related("project"), pk=pk)
    try:
        entry = services.design_entry_from_case(case=case, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(case)
    messages.success(request, _("已加入设计类意见/投诉案例库。"))
    return redirect(entry)
