"""Views of HQ quality inspections and rectification items (R-CORE-11)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from operations.models import (
    Inspection,
    InspectionScore,
    InspectionStatus,
    RectificationHistory,
    RectificationItem,
    RectificationStatus,
)
from salesite.exports import export_format, export_response
from salesite.forms import AttachmentForm
from salesite.models import Attachment
from salesite.views import paginate, projects_with_perm, record_context, service_form_page
from salesite.views_access import get_record, permitted_rows, staff_view

from .. import exports, forms, selectors, services
from ..filters import (
    InspectionFilter,
    RectificationFilter,
)
from .common import FORM, _run

# --- HQ inspections (R-CORE-11) --------------------------------------------------------


@staff_view()
def inspection_list(request):
    base = (
        permitted_rows(request, Inspection.objects.all())
        .select_related("project", "inspector", "checklist")
        .annotate(
            rect_count=Count("rectifications", distinct=True),
            open_count=Count(
                "rectifications",
                filter=~Q(rectifications__status=RectificationStatus.VERIFIED),
                distinct=True,
            ),
        )
    )
    f = InspectionFilter(request.GET, queryset=base, request=request)
    rows = f.qs.order_by("-date", "-pk")
    if export_format(request):
        return export_response(request, *exports.inspections(rows), _("品质检查"))
    return render(
        request,
        "salesite/ops/inspection_list.html",
        {
            "filter": f,
            "page": paginate(request, rows),
            "can_add": bool(projects_with_perm(request.user, "operations.add_inspection")),
        },
    )


@staff_view("operations.add_inspection")
def inspection_create(request):
    projects = projects_with_perm(request.user, request.staff_permission)
    form = forms.InspectionCreateForm(
        request.POST or None, projects=projects, initial={"date": timezone.localdate()}
    )
    return service_form_page(
        request,
        form=form,
        call=lambda data: services.inspection_create(inspector=request.user, **data),
        success=_("检查已创建，请逐项评分。"),
        title=_("新建品质检查"),
        template=FORM,
        redirect_to=lambda inspection: inspection,
    )


@staff_view()
def inspection_detail(request, pk):
    inspection = get_record(
        request, Inspection.objects.select_related("project", "inspector", "checklist"), pk=pk
    )
    scores = list(inspection.scores.select_related("item").order_by("item__order", "item_id"))
    score_ct = ContentType.objects.get_for_model(InspectionScore)
    photos: dict[int, list] = {}
    for a in Attachment.objects.filter(
        content_type=score_ct, object_id__in=[s.pk for s in scores]
    ).order_by("uploaded_at"):
        photos.setdefault(a.object_id, []).append(a)
    draft = inspection.status == InspectionStatus.DRAFT
    can_score = draft and request.user.has_perm("operations.change_inspection", inspection)
    scores_form = forms.InspectionScoresForm(scores=scores) if can_score else None
    rows = [
        (
            s,
            photos.get(s.pk, []),
            scores_form[f"score_{s.pk}"] if scores_form else None,
            scores_form[f"note_{s.pk}"] if scores_form else None,
        )
        for s in scores
    ]
    context = {
        "inspection": inspection,
        "rows": rows,
        "can_score": can_score,
        "can_photo": request.user.has_perm("operations.change_inspectionscore", inspection),
        "score_ct": score_ct,
        "photo_form": AttachmentForm(),
        "rectifications": inspection.rectifications.select_related(
            "owner", "verified_by"
        ).prefetch_related(
            Prefetch("history", queryset=RectificationHistory.objects.select_related("by"))
        ),
        "today": timezone.localdate(),
        **record_context(request, inspection),
    }
    if can_score:
        context["complete_form"] = forms.InspectionCompleteForm(
            project=inspection.project,
            initial={"deadline": timezone.localdate() + datetime.timedelta(days=7)},
        )
    return render(request, "salesite/ops/inspection_detail.html", context)


@staff_view()
def inspection_print(request, pk):
    """The HQ inspection score sheet (品质检查评分表): blank score cells while the inspection
    is a draft, the scores once entered; signed by the inspector and the project. Same access
    as the inspection's page."""
    inspection = get_record(
        request, Inspection.objects.select_related("project", "inspector", "checklist"), pk=pk
    )
    return render(
        request,
        "salesite/ops/print_inspection.html",
        {
            "inspection": inspection,
            "scores": inspection.scores.select_related("item").order_by("item__order", "item_id"),
            "rectifications": inspection.rectifications.select_related("owner"),
        },
    )


@login_required
@require_POST
@staff_view("operations.change_inspection")
def inspection_scores(request, pk):
    inspection = get_record(request, Inspection.objects.select_related("project"), pk=pk)
    scores = list(inspection.scores.select_related("item"))
    form = forms.InspectionScoresForm(request.POST, scores=scores)
    if form.is_valid():
        _run(
            request,
            lambda: services.inspection_score(
                inspection=inspection, scores=form.scores(), user=request.user
            ),
            _("评分已保存。"),
        )
    else:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}：{' '.join(errors)}")
    return redirect(inspection)


@login_required
@require_POST
@staff_view("operations.change_inspection")
def inspection_complete(request, pk):
    inspection = get_record(request, Inspection.objects.select_related("project"), pk=pk)
    form = forms.InspectionCompleteForm(request.POST, project=inspection.project)
    if form.is_valid():
        result = {}

        def action():
            result["items"] = services.inspection_complete(
                inspection=inspection, user=request.user, **form.cleaned_data
            )

        if _run(request, action, _("检查已完成。")):
            messages.info(request, _("生成了 %(n)s 个整改项。") % {"n": len(result["items"])})
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(inspection)


@staff_view()
def rectification_list(request):
    base = permitted_rows(request, RectificationItem.objects.all()).select_related(
        "project", "owner", "inspection"
    )
    f = RectificationFilter(request.GET, queryset=base, request=request)
    rows = f.qs.order_by("status", "deadline", "pk")
    if export_format(request):
        return export_response(request, *exports.rectifications(rows), _("整改项"))
    return render(
        request,
        "salesite/ops/rectification_list.html",
        {"filter": f, "page": paginate(request, rows), "today": timezone.localdate()},
    )


@staff_view()
def rectification_detail(request, pk):
    item = get_record(
        request,
        RectificationItem.objects.select_related(
            "project", "owner", "inspection__inspector", "verified_by", "score__item"
        ),
        pk=pk,
    )
    user = request.user
    can_change = user.has_perm("operations.change_rectificationitem", item)
    context = {
        "item": item,
        "today": timezone.localdate(),
        "overdue": item.is_overdue(timezone.localdate()),
        "history": item.history.select_related("by"),
        **record_context(request, item),
    }
    if item.status == RectificationStatus.OPEN and selectors.may_report_rectification(user, item):
        context["done_form"] = forms.RectificationDoneForm()
    if item.status != RectificationStatus.VERIFIED and can_change:
        context["edit_form"] = forms.RectificationForm(
            project=item.project, initial={"owner": item.owner_id, "deadline": item.deadline}
        )
    if item.status == RectificationStatus.DONE and user.has_perm(
        "operations.verify_rectificationitem", item
    ):
        context["verify_form"] = forms.RectificationVerifyForm()
    return render(request, "salesite/ops/rectification_detail.html", context)


@login_required
@require_POST
@staff_view("operations.change_rectificationitem")
def rectification_edit(request, pk):
    item = get_record(request, RectificationItem.objects.select_related("project"), pk=pk)
    form = forms.RectificationForm(request.POST, project=item.project)
    if form.is_valid():
        _run(
            request,
            lambda: services.rectification_update(item=item, **form.cleaned_data),
            _("整改项已更新。"),
        )
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(item)


@login_required
@require_POST
@staff_view()  # then the record's rule: its owner, or one who may change it
def rectification_done(request, pk):
    item = get_record(request, RectificationItem.objects.select_related("project"), pk=pk)
    if not selectors.may_report_rectification(request.user, item):
        raise PermissionDenied
    form = forms.RectificationDoneForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.rectification_done(
                item=item, user=request.user, note=form.cleaned_data["note"]
            ),
            _("整改结果已提交，等待总部验证。"),
        )
    else:
        messages.error(request, _("请填写整改情况。"))
    return redirect(item)


@login_required
@require_POST
@staff_view("operations.verify_rectificationitem")
def rectification_verify(request, pk):
    item = get_record(request, RectificationItem.objects.select_related("project"), pk=pk)
    form = forms.RectificationVerifyForm(request.POST)
    if form.is_valid():
        accepted = form.cleaned_data["accepted"]
        _run(
            request,
            lambda: services.rectification_verify(
                item=item, user=request.user, accepted=accepted, note=form.cleaned_data["note"]
            ),
            _("整改项已验证通过。") if accepted else _("整改项已退回整改。"),
        )
    else:
        messages.error(request, _("请选择验证结果。"))
    return redirect(item)
