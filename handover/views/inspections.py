"""Views of mock inspections (R-HO-2)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.querystring import query_pk
from salesite.views import paginate, record_context, service_form_page
from salesite.views_access import get_record, permitted_rows, staff_view

from .. import exports, forms, selectors
from ..forms_previews import DefectVerifyForm
from ..models import (
    DeliveryBatch,
    InspectionDefect,
    InspectionDefectCategoryOption,
    InspectionRound,
    MockInspection,
    Verification,
)
from ..selectors_previews import with_role_photos
from ..services import inspections
from .common import INSPECT, projects_for


@staff_view()
def inspection_list(request):
    qs = (
        permitted_rows(request, MockInspection.objects)
        .select_related("project", "batch", "unit__building", "inspector")
        .annotate(defect_count=Count("defects", distinct=True))
        .order_by("-inspected_on", "-pk")
    )
    batch_id = query_pk(request.GET.get("batch"))
    if batch_id:
        qs = qs.filter(batch_id=batch_id)
    if request.GET.get("round") in ("1", "2"):
        qs = qs.filter(round=request.GET["round"])
    if export_format(request):
        return export_response(request, *exports.inspections(qs), _("模拟验收"))
    return render(request, "handover/inspection_list.html", {"page": paginate(request, qs)})


@staff_view("handover.add_mockinspection")
def inspection_create(request):
    projects = projects_for(request, "handover.add_mockinspection")
    batches = DeliveryBatch.objects.filter(project__in=projects).select_related("project")
    return service_form_page(
        request,
        form=forms.InspectionStartForm(
            request.POST or None,
            batches=batches,
            buildings=selectors.visible_buildings(request.user, projects),
            initial={"inspected_on": timezone.localdate(), "batch": request.GET.get("batch")},
        ),
        call=lambda d: inspections.inspection_start(
            batch=d["batch"],
            unit=d["unit"],
            round=d["round"],
            user=request.user,
            inspected_on=d["inspected_on"],
        ),
        success=_("模拟验收已开始。"),
        title=_("模拟验收"),
        redirect_to=lambda inspection: inspection,
    )


def _photos_by_defect(defects):
    """Each defect's photos, split into before and after the fix (one query)."""
    return with_role_photos(defects)


@staff_view(post=INSPECT, per_record=True)
def inspection_detail(request, pk):
    inspection = get_record(
        request,
        MockInspection.objects.select_related("project", "batch", "unit__building", "inspector"),
        pk=pk,
    )
    # The page is open to all who see the inspection; only adding a defect needs INSPECT.

    def page_context():
        first = []
        if inspection.round == InspectionRound.SECOND:
            first = _photos_by_defect(
                list(selectors.first_round_defects(inspection).select_related("inspection"))
            )
        return {
            "inspection": inspection,
            "defects": _photos_by_defect(
                list(
                    inspection.defects.annotate(
                        category_label=InspectionDefectCategoryOption.label_subquery("category")
                    )
                )
            ),
            "first_defects": first,
            "can_inspect": request.user.has_perm(INSPECT, inspection),
            "verifications": Verification.choices,
            **record_context(request, inspection),
        }

    return service_form_page(
        request,
        form=forms.DefectForm(request.POST or None, request.FILES or None),
        call=lambda d: inspections.defect_add(inspection=inspection, user=request.user, **d),
        success=_("问题已登记。"),
        title=_("模拟验收"),
        back=inspection,
        template="handover/inspection_detail.html",
        extra=page_context,
    )


@staff_view(post=INSPECT, per_record=True)
@require_POST
def defect_verify(request, pk, defect_pk):
    inspection = get_record(request, MockInspection.objects.all(), pk=pk)
    defect = get_record(request, InspectionDefect.objects.all(), pk=defect_pk)
    (defect,) = with_role_photos([defect])
    form = DefectVerifyForm(request.POST, request.FILES, has_after_photo=bool(defect.after_photos))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(inspection)
    try:
        inspections.defect_verify(
            second=inspection,
            defect=defect,
            result=form.cleaned_data["result"],
            note=form.cleaned_data["note"],
            user=request.user,
            after_photos=form.cleaned_data["after_photos"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("复验结果已记录。"))
    return redirect(inspection)


@staff_view(post=INSPECT, per_record=True)
@require_POST
def inspection_complete(request, pk):
    inspection = get_record(request, MockInspection.objects.all(), pk=pk)
    try:
        inspections.inspection_complete(inspection=inspection, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("模拟验收已完成。"))
    return redirect(inspection)
