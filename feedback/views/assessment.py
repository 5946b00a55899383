"""Views of the quarterly 6+2 assessment (R-FB-10)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.views import projects_with_perm

from .. import exports, selectors, services
from ..forms import (
    AssessmentA1Form,
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


@login_required
def assessment(request):
    projects = projects_with_perm(request.user, "feedback.view_quarterlyassessment")
    if not projects:
        raise PermissionDenied
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


@login_required
def assessment_enter(request):
    projects = projects_with_perm(request.user, "feedback.add_quarterlyassessment")
    if not projects:
        raise PermissionDenied
    year, quarter = quarter_of(timezone.localdate())
    initial = {"year": year, "quarter": quarter, **request.GET.dict()}
    form = AssessmentA1Form(request.POST or None, projects=projects, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.assessment_record_a1(
                project=d["project"],
                year=d["year"],
                quarter=d["quarter"],
                site_check_score=d["site_check_score"],
                mystery_visit_score=d["mystery_visit_score"],
                note=d["note"],
                user=request.user,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("感知指标 A1 已保存。"))
            return redirect(
                f"{reverse('feedback:assessment')}?year={d['year']}&quarter={d['quarter']}"
            )
    return render(
        request,
        "salesite/form.html",
        {"form": form, "title": _("录入6+2季度考核感知指标（A1）")},
    )
