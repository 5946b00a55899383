"""The communication overview and the compliance figures (R-COM-6)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from communication import exports, selectors
from communication.forms import (
    ComplianceRangeForm,
)
from communication.models import Problem
from salesite.dashboard import snapshots
from salesite.exports import export_format, export_response
from salesite.models import Company, Project
from salesite.querystring import query_pk
from salesite.views import CappedPaginator
from salesite.views_access import get_record, staff_view

SUMMARY_PAGE_SIZE = 25  # projects per page of the report's summary

# --- index --------------------------------------------------------------------------------


@staff_view()
def index(request):
    today = timezone.localdate()
    projects = list(
        Project.objects.visible_to(request.user)
        .select_related("service_centre")
        .order_by("name")[:50]
    )
    levels = selectors.active_levels()
    rows = selectors.compliance(projects, today, today, today=today, levels=levels)
    status = defaultdict(list)
    for row in rows:
        status[row.project.pk].append(row)
    problem_counts = {
        r["project_id"]: r
        for r in Problem.objects.filter(project__in=projects)
        .unresolved()
        .values("project_id")
        .annotate(
            open=Count("pk"),
            escalated=Count("pk", filter=Q(status=Problem.Status.ESCALATED)),
            overdue=Count("pk", filter=Q(due_date__lt=today)),
        )
        .order_by()
    }
    to_acknowledge = (
        request.user.minutes_received.filter(acknowledged_at__isnull=True)
        .select_related("record__project", "record__level")
        .order_by("-record__held_at")[:10]
    )
    cards = [
        {"project": p, "rows": status[p.pk], "problems": problem_counts.get(p.pk)} for p in projects
    ]
    return render(
        request,
        "communication/index.html",
        {"cards": cards, "today": today, "to_acknowledge": to_acknowledge},
    )


# --- compliance (R-COM-6) -----------------------------------------------------------------


@staff_view()
def compliance(request):
    today = timezone.localdate()
    default_start = today.replace(day=1) if today.day > 7 else today - datetime.timedelta(days=30)
    data = request.GET.copy()
    data.setdefault("start", default_start.isoformat())
    data.setdefault("end", today.isoformat())
    form = ComplianceRangeForm(data)
    projects = Project.objects.visible_to(request.user).select_related("property_company")
    scope_label = _("全部可见项目")
    project = company = None
    if request.GET.get("project"):
        project = get_record(request, Project.objects.all(), pk=_int(request.GET["project"]))
        projects = projects.filter(pk=project.pk)
        scope_label = project.name
    elif request.GET.get("company"):
        company = get_object_or_404(Company, pk=_int(request.GET["company"]))
        projects = projects.filter(property_company=company)
        if not projects.exists():
            raise Http404  # another company's figures are not shown
        scope_label = company.name
    rows, totals, by_project = [], [], []
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        projects = list(projects.order_by("name")[:200])
        # Record counts from the daily rollups of closed days, today's live (salesite.rollups).
        # One project's page and the export show every period; the summaries of several
        # projects need only their tallies.
        full = bool(project) or bool(export_format(request))
        project_ids = [p.pk for p in projects]
        if full:
            rows = selectors.compliance(projects, start, end, today=today, project_ids=project_ids)
        else:  # the summaries: kept while no record of these projects changes (snapshots)
            rows = snapshots.reuse(
                "compliance-tallies",
                lambda: selectors.compliance_tallies(
                    projects, start, end, today=today, project_ids=project_ids
                ),
                project_ids,
                start,
                end,
                today,
            )
        totals = selectors.compliance_by_level(rows)
        by_project = selectors.compliance_by_project(rows)
    if export_format(request):  # the export keeps every project × level row
        return export_response(request, *exports.compliance(rows), _("沟通达标情况"))
    # One project: its rows per level with the missing periods. Several: one summary row per
    # project, a page at a time, each opening that project's rows.
    page = (
        None
        if project
        else CappedPaginator(by_project, SUMMARY_PAGE_SIZE).get_page(request.GET.get("page"))
    )
    return render(
        request,
        "communication/compliance.html",
        {
            "form": form,
            "rows": rows if project else [],
            "totals": totals,
            "page": page,
            "drill_query": _drill_query(request.GET),
            "project": project,
            "company": company,
            "scope_label": scope_label,
            "companies": selectors.visible_property_companies(request.user),
            "visible_projects": Project.objects.visible_to(request.user).order_by("name")[:200],
        },
    )


def _drill_query(params) -> str:
    """The report's dates, to carry into a project's drill-down link."""
    return urlencode([(k, params[k]) for k in ("start", "end") if params.get(k)])


def _int(value) -> int:
    pk = query_pk(value)
    if pk is None:
        raise Http404
    return pk
