"""Views of delivery batches and their milestones (R-HO-1), and the handover start page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite import access
from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.models import Project
from salesite.views import paginate, projects_with_perm, record_context, service_form_page

from .. import exports, forms, selectors, services
from ..filters import BatchFilter
from ..models import DeliveryBatch, Milestone


@login_required
def index(request):
    projects = list(selectors.index_projects(request.user)[:50])
    missing = selectors.missing_mandatory([p.pk for p in projects])
    for p in projects:
        p.missing_notices = missing[p.pk]
    context = {"projects": projects, "upcoming": selectors.upcoming_milestones(request.user)}
    return render(request, "handover/index.html", context)


@login_required
def batch_list(request):
    f = BatchFilter(request.GET, queryset=selectors.batches_for(request.user), request=request)
    if export_format(request):
        return export_response(request, *exports.batches(f.qs), _("交付批次"))
    return render(
        request, "handover/batch_list.html", {"filter": f, "page": paginate(request, f.qs)}
    )


@login_required
def batch_create(request):
    projects = projects_with_perm(request.user, "handover.add_deliverybatch")
    if not projects:
        access.require_perm(request.user, "handover.add_deliverybatch")
    project_qs = Project.objects.filter(pk__in=[p.pk for p in projects])
    return service_form_page(
        request,
        form=forms.BatchForm(request.POST or None, projects=project_qs),
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


@login_required
def batch_detail(request, pk):
    batch = access.get_visible_or_404(
        DeliveryBatch.objects.select_related("project", "created_by"), request.user, pk=pk
    )
    context = {
        "batch": batch,
        "milestones": selectors.batch_milestones(batch),
        "counts": selectors.batch_case_counts(batch),
        "today": timezone.localdate(),
        "can_change": request.user.has_perm("handover.change_deliverybatch", batch),
        "can_complete": request.user.has_perm("handover.change_milestone", batch),
        "complete_form": forms.MilestoneCompleteForm(),
        **record_context(request, batch),
    }
    return render(request, "handover/batch_detail.html", context)


@login_required
def batch_change_date(request, pk):
    batch = access.get_visible_or_404(DeliveryBatch.objects.all(), request.user, pk=pk)
    access.require_perm(request.user, "handover.change_deliverybatch", batch)
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


@login_required
@require_POST
def milestone_complete(request, pk):
    milestone = access.get_visible_or_404(
        Milestone.objects.select_related("batch"), request.user, pk=pk
    )
    access.require_perm(request.user, "handover.change_milestone", milestone)
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
