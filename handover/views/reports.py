"""Views of the handover reports (R-HO-5): on screen, printed and exported."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from salesite.exports import export_format, export_response
from salesite.models import Project
from salesite.views import paginate
from salesite.views_access import staff_view

from .. import forms, reports

REPORT_FIELDS = {
    "summary": ("project", "batch", "status"),
    "daily": ("project", "day"),
    "signoff": ("project", "batch"),
}
REPORT_TITLES = {
    "summary": _lazy("房屋交接汇总报表"),
    "daily": _lazy("交房日报表"),
    "signoff": _lazy("交房文件签收表"),
}


def _report_form(request, kind):
    data = request.GET.copy()
    if not data.get("project"):
        visible = list(Project.objects.visible_to(request.user).values_list("pk", flat=True)[:2])
        if len(visible) == 1:
            data["project"] = visible[0]
    if kind == "daily" and not data.get("day"):
        data["day"] = timezone.localdate().isoformat()
    return forms.ReportFilterForm(data, user=request.user, fields=REPORT_FIELDS[kind])


@staff_view()
def report_print(request, kind):
    """The report laid out for paper: every row, no paging (the same filters)."""
    return report(request, kind, for_print=True)


@staff_view()
def report(request, kind, for_print=False):
    from django.http import Http404

    if kind not in REPORT_FIELDS:
        raise Http404
    form = _report_form(request, kind)
    title = REPORT_TITLES[kind]
    context = {"form": form, "title": title, "kind": kind}
    if not form.is_valid():
        return render(request, "handover/report.html", context)
    d = form.cleaned_data
    project, batch = d["project"], d.get("batch")
    if kind == "summary":
        headers = reports.SUMMARY_HEADERS
        qs = reports.summary_rows(project=project, batch=batch, status=d.get("status", ""))
        to_cells, rows_source = reports.summary_cells, qs
        context["totals"] = reports.summary_totals(project=project, batch=batch)
    elif kind == "signoff":
        headers = reports.SIGNOFF_HEADERS
        rows_source, to_cells = (
            reports.signoff_rows(project=project, batch=batch),
            reports.signoff_cells,
        )
    else:
        headers = reports.DAILY_HEADERS
        daily = reports.daily_report(project=project, day=d["day"])
        context["totals"] = daily["totals"]
        rows_source, to_cells = reports.daily_cells(daily), (lambda row: row)
    filename = f"{title}-{project.code}"
    if export_format(request):
        return export_response(
            request, [str(h) for h in headers], (to_cells(r) for r in rows_source), filename
        )
    context.update({"project": project, "batch": batch, "headers": headers, "day": d.get("day")})
    if for_print:
        context["rows"] = [to_cells(r) for r in rows_source]
        return render(request, "handover/report_print.html", context)
    page = paginate(request, rows_source, per_page=50)
    context.update({"page": page, "rows": [to_cells(r) for r in page]})
    return render(request, "handover/report.html", context)
