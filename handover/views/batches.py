"""Views of delivery batches and their milestones (R-HO-1), and the handover start page."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.views import paginate, record_context, service_form_page
from salesite.views_access import get_record, permitted_rows, staff_view

from .. import exports, forms, selectors, services
from ..filters import BatchFilter
from ..models import DeliveryBatch, Milestone
from ..selectors_previews import preview_counts
from .common import projects_for


@staff_view()
def index(request):
    projects = list(selectors.index_projects(request.user)[:50])
    missing = selectors.missing_mandatory([p.pk for p in projects])
    for p in projects:
        p.missing_notices = missing[p.pk]
    context = {"projects": projects, "upcoming": selectors.upcoming_milestones(request.user)}
    return render(request, "handover/index.html", context)


@staff_view()
def batch_list(request):
    batches = permitted_rows(request, selectors.batches_annotated())
    f = BatchFilter(request.GET, queryset=batches, request=request)
    if export_format(request):
        return export_response(request, *exports.batches(f.qs), _("交付批次"))
    return render(
        request, "handover/batch_list.html", {"filter": f, "page": paginate(request, f.qs)}
    )


@staff_view("handover.add_deliverybatch")
def batch_create(request):
    projects = projects_for(request, "handover.add_deliverybatch")
    return service_form_page(
        request,
        form=forms.BatchForm(request.POST or None, projects=projects),
        call=lambda d: services.batch_create(
            project=d["project"],
            name=d["name"],
            planned_delivery_date=d["planned_delivery_date"],
            buildings=list(d["buildings"]),
            units=d["units"],
            note=d["note"],
            user=request.user,
        ),
        success=_("交付批次已创建，交付前计划节点已生成。"),
        title=_("新建交付批次"),
        redirect_to=lambda batch: batch,
    )


@staff_view()
def batch_detail(request, pk):
    batch = get_record(
        request, DeliveryBatch.objects.select_related("project", "created_by"), pk=pk
    )
    context = {
        "batch": batch,
        "milestones": selectors.batch_milestones(batch),
        "counts": selectors.batch_case_counts(batch),
        "preview_counts": preview_counts(batch),
        "can_add_findings": request.user.has_perm("handover.add_previewfinding", batch),
        "today": timezone.localdate(),
        "can_change": request.user.has_perm("handover.change_deliverybatch", batch),
        "can_complete": request.user.has_perm("handover.change_milestone", batch),
        "complete_form": forms.MilestoneCompleteForm(),
        **record_context(request, batch),
    }
    return render(request, "handover/batch_detail.html", context)


@staff_view("handover.change_deliverybatch", per_record=True)
def batch_change_date(request, pk):
    batch = get_record(request, DeliveryBatch.objects.all(), pk=pk)
    return service_form_page(
        request,
        form=forms.BatchDateForm(
            request.POST or None, initial={"planned_delivery_date": batch.planned_delivery_date}
        ),
        call=lambda d: services.batch_change_date(
            batch=batch, planned_delivery_date=d["planned_delivery_date"], user=request.user
        ),
        success=_("计划交付日期已变更，未完成的节点已随之调整。"),
        title=_("变更计划交付日期"),
        back=batch,
    )


@staff_view(post="handover.change_milestone", per_record=True)
@require_POST
def milestone_complete(request, pk):
    milestone = get_record(request, Milestone.objects.select_related("batch"), pk=pk)
    form = forms.MilestoneCompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写结果说明。"))
    else:
        try:
            services.milestone_complete(
                milestone=milestone,
                user=request.user,
                result_note=form.cleaned_data["result_note"],
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("节点已完成。"))
    return redirect(milestone.batch)
