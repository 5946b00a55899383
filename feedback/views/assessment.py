"""Views of the quarterly 6+2 assessment (R-FB-10)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.exports import export_format, export_response
from salesite.views import projects_with_perm, service_form_page
from salesite.views_access import staff_view

from .. import exports, selectors, services
from ..forms import (
    AssessmentOpenForm,
    QuarterForm,
)
from ..models import (
    quarter_of,
)

# --- quarterly 6+2 assessment (R-FB-10) -----------------------------------------------------


def quarter_from_request(request):
    """The quarter form of a report page and the year and quarter it selects (default: today's)."""
    year, quarter = quarter_of(timezone.localdate())
    form = QuarterForm(request.GET or None, initial={"year": year, "quarter": quarter})
    if form.is_bound and form.is_valid():
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    elif form.is_bound:
        form = QuarterForm(initial={"year": year, "quarter": quarter})
    return form, year, quarter


@staff_view("feedback.view_quarterlyassessment")
def assessment(request):
    projects = projects_with_perm(request.user, "feedback.view_quarterlyassessment")
    form, year, quarter = quarter_from_request(request)
    rows = selectors.assessment_ranking(projects, year=year, quarter=quarter)
    if export_format(request):
        return export_response(request, *exports.assessment(rows), f"assessment-{year}Q{quarter}")
    return render(
        request,
        "feedback/assessment.html",
        {
            "form": form,
            "rows": rows,
            "year": year,
            "quarter": quarter,
            "can_enter": bool(projects_with_perm(request.user, "feedback.add_quarterlyassessment")),
        },
    )


@staff_view("feedback.add_quarterlyassessment")
def assessment_enter(request):
    """Pick a project and quarter: opens (or creates) its checklist."""
    projects = projects_with_perm(request.user, "feedback.add_quarterlyassessment")
    year, quarter = quarter_of(timezone.localdate())
    initial = {"year": year, "quarter": quarter, **request.GET.dict()}
    form = AssessmentOpenForm(request.POST or None, projects=projects, initial=initial)
    form.submit_label = _("打开检查表")

    def open_checklist(d):
        return services.assessment_open(
            project=d["project"], year=d["year"], quarter=d["quarter"], user=request.user
        )

    return service_form_page(
        request,
        form=form,
        call=open_checklist,
        success=_("请填写检查表。"),
        title=_("填写6+2季度检查表"),
        redirect_to=lambda saved: saved.get_absolute_url(),
    )
