"""Views of the 6+2 checklists (R-FB-10): fill and submit a project's quarterly checklist,
reopen it (a manager), record the fourth quarter's group BSC result."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from salesite.exceptions import DomainError
from salesite.views import record_context, service_form_page
from salesite.views_access import get_record, staff_view

from .. import selectors, services
from ..forms import AssessmentBscForm, AssessmentReopenForm, ChecklistLineForm
from ..models import QuarterlyAssessment

CHANGE = "feedback.change_quarterlyassessment"


def _assessment(request, pk):
    return get_record(
        request,
        QuarterlyAssessment.objects.select_related(
            "project", "submitted_by", "bsc_by", "entered_by"
        ),
        pk=pk,
    )


@staff_view("feedback.view_quarterlyassessment", post=CHANGE, per_record=True)
def assessment_checklist(request, pk):
    """The checklist: A1 and A2 items with the inspector's entries and, for the "written
    records" items, the system's proposal and the figure it came from. POST ``action=save``
    stores the entries; ``action=submit`` stores them and submits (locks) the checklist."""
    assessment = _assessment(request, pk)
    sections = selectors.checklist_sections(assessment)
    data = request.POST if request.method == "POST" and not assessment.is_locked else None
    for section in sections:
        for line in section["lines"]:
            line.form = ChecklistLineForm(data, line=line)
    forms = [line.form for s in sections for line in s["lines"]]
    if request.method == "POST":
        if assessment.is_locked:
            messages.error(request, _("检查表已提交，不能修改；如需修改请由管理人员退回。"))
            return redirect(assessment)
        if all(f.is_valid() for f in forms):
            entries = {f.line.pk: f.cleaned_data for f in forms}
            try:
                services.assessment_save_lines(
                    assessment=assessment,
                    entries=entries,
                    note=request.POST.get("note"),
                    user=request.user,
                )
                if request.POST.get("action") == "submit":
                    services.assessment_submit(assessment=assessment, user=request.user)
            except DomainError as exc:
                messages.error(request, str(exc))
                return redirect(assessment)
            if request.POST.get("action") == "submit":
                messages.success(request, _("检查表已提交。"))
            else:
                messages.success(request, _("检查表已保存。"))
            return redirect(assessment)
        messages.error(request, _("请更正标出的错误。"))
    user = request.user
    return render(
        request,
        "feedback/assessment_checklist.html",
        {
            "a": assessment,
            "sections": sections,
            "can_edit": not assessment.is_locked and user.has_perm(CHANGE, assessment),
            "can_reopen": assessment.is_locked
            and user.has_perm("feedback.reopen_quarterlyassessment", assessment),
            "can_bsc": assessment.quarter == 4
            and user.has_perm("feedback.record_bsc_quarterlyassessment", assessment),
            **record_context(request, assessment),
        },
    )


@staff_view("feedback.reopen_quarterlyassessment", per_record=True)
def assessment_reopen(request, pk):
    assessment = _assessment(request, pk)
    return service_form_page(
        request,
        form=AssessmentReopenForm(request.POST or None),
        call=lambda d: services.assessment_reopen(
            assessment=assessment, reason=d["reason"], user=request.user
        ),
        success=_("检查表已退回，检查人可重新填写。"),
        title=_("退回检查表：%(a)s") % {"a": assessment},
        back=assessment,
    )


@staff_view("feedback.record_bsc_quarterlyassessment", per_record=True)
def assessment_bsc(request, pk):
    assessment = _assessment(request, pk)
    form = AssessmentBscForm(
        request.POST or None,
        initial={"total": assessment.bsc_total, "note": assessment.bsc_note},
    )
    return service_form_page(
        request,
        form=form,
        call=lambda d: services.assessment_record_bsc(
            assessment=assessment, total=d["total"], note=d["note"], user=request.user
        ),
        success=_("集团BSC结果已保存。"),
        title=_("第四季度集团BSC结果：%(a)s") % {"a": assessment},
        back=assessment,
    )
