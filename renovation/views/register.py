"""Pipeline and register pages (R-REN-10)."""

from __future__ import annotations

import datetime

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.exports import export_format, export_response
from salesite.views import paginate
from salesite.views_access import staff_view

from .. import exports, selectors
from ..filters import ApplicationFilter
from .common import _pick_project, _visible_projects


@staff_view()
def pipeline(request):
    """Counts of the renovation pipeline, each linking to the list behind it."""
    projects = _visible_projects(request.user)
    project = None
    if request.GET.get("project"):
        project = _pick_project(request, projects)
    counts = selectors.pipeline_counts(request.user, project)
    scope = f"project={project.pk}&" if project else ""
    apps_url = reverse("renovation:application_list")
    cards = [
        (
            _("审核中"),
            counts["in_review"],
            f"{apps_url}?{scope}status=submitted&status=waiting_government",
            "primary",
        ),
        (_("审核超时"), counts["overdue"], f"{apps_url}?{scope}overdue=true", "danger"),
        (
            _("待政府审批"),
            counts["waiting_government"],
            f"{apps_url}?{scope}status=waiting_government",
            "warning",
        ),
        (_("施工中"), counts["active"], f"{apps_url}?{scope}status=permitted", "success"),
        (
            _("未结违章"),
            counts["open_violations"],
            f"{reverse('renovation:violation_list')}?{scope}open=true",
            "danger",
        ),
        (
            _("竣工验收中"),
            counts["completion"],
            f"{apps_url}?{scope}status=completion_applied&status=rectification",
            "info",
        ),
        (
            _("押金到期待退"),
            counts["refunds_due"],
            f"{apps_url}?{scope}refund_due=true",
            "secondary",
        ),
    ]
    return render(
        request,
        "renovation/pipeline.html",
        {"cards": cards, "projects": projects, "project": project},
    )


def _cell(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    return value


@staff_view()
def register(request):
    """装修办理报表: filtered, paginated, exportable to Excel/CSV."""
    f = ApplicationFilter(
        request.GET, queryset=selectors.applications_for(request.user), request=request
    )
    ordered = f.qs.order_by("-created_at", "-pk")
    if export_format(request):
        return export_response(request, *exports.applications(ordered), _("装修办理报表"))
    qs = selectors.register_rows(ordered)
    page = paginate(request, qs)
    return render(
        request,
        "renovation/register.html",
        {
            "filter": f,
            "page": page,
            "headers": [str(h) for h in selectors.REGISTER_HEADERS],
            "rows": [
                (a, [_cell(v) for v in selectors.register_values(a)]) for a in page.object_list
            ],
        },
    )
