"""Violation, fine, hot-work and refused-material pages (R-REN-6)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite.exports import export_format, export_response
from salesite.querystring import query_pk
from salesite.views import paginate, record_context
from salesite.views_access import get_record, staff_view

from .. import exports, selectors, services
from ..filters import ViolationFilter
from ..forms import (
    CallForm,
    FineForm,
    HotWorkForm,
    MaterialRefusalForm,
    RecheckForm,
    ViolationForm,
    ViolationSignForm,
)
from ..models import Fine, HotWorkPermit, PatrolRecord, Violation
from .common import (
    _post_form,
    _run,
    _service_form,
    violation_qs,
)


@staff_view("renovation.add_violation", per_record=True)
def violation_add(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    patrol = None
    if request.GET.get("patrol"):
        patrol_pk = query_pk(request.GET["patrol"])
        if patrol_pk is None:
            raise Http404
        patrol = get_object_or_404(PatrolRecord, pk=patrol_pk, application=app)
    form = ViolationForm(
        request.POST or None,
        initial={"description": patrol.findings if patrol else ""},
    )
    return _service_form(
        request,
        app,
        form,
        _("登记违章"),
        lambda d: services.violation_record(application=app, patrol=patrol, user=request.user, **d),
        _("违章已登记。"),
        redirect_to=lambda v: v,
    )


@staff_view()
def violation_list(request):
    f = ViolationFilter(
        request.GET, queryset=selectors.violations_for(request.user), request=request
    )
    if export_format(request):
        return export_response(request, *exports.violations(f.qs), _("装修违章"))
    return render(
        request,
        "renovation/violation_list.html",
        {"filter": f, "page": paginate(request, f.qs)},
    )


@staff_view()
def violation_detail(request, pk):
    v = get_record(request, violation_qs(), pk=pk)
    user = request.user
    can_change = user.has_perm("renovation.change_violation", v)
    context = {
        "v": v,
        "app": v.application,
        "fines": v.fines.select_related("proposed_by", "decided_by"),
        "can_fine": user.has_perm("renovation.add_fine", v),
        "can_approve_fine": user.has_perm("renovation.approve_fine", v),
        "can_edit": can_change,
        "call_form": CallForm(),
        "sign_form": ViolationSignForm(),
        "recheck_form": RecheckForm(),
        "fine_form": FineForm(),
        "balance": selectors.ledger_balance(v.application_id),
        **record_context(request, v),
    }
    return render(request, "renovation/violation_detail.html", context)


@staff_view(post="renovation.change_violation", per_record=True)
@require_POST
def violation_call(request, pk, party):
    if party not in ("owner", "contractor"):
        raise Http404
    v = get_record(request, violation_qs(), pk=pk)
    return _post_form(
        request,
        CallForm(request.POST),
        lambda d: services.violation_call(violation=v, party=party, user=request.user, **d),
        _("已记录通知业主的电话。") if party == "owner" else _("已记录通知装修单位的电话。"),
        v,
    )


@staff_view(post="renovation.change_violation", per_record=True)
@require_POST
def violation_sign(request, pk):
    v = get_record(request, violation_qs(), pk=pk)
    return _post_form(
        request,
        ViolationSignForm(request.POST),
        lambda d: services.violation_sign(violation=v, user=request.user, **d),
        _("整改通知书已由双方签收。"),
        v,
    )


@staff_view(post="renovation.change_violation", per_record=True)
@require_POST
def violation_recheck(request, pk):
    v = get_record(request, violation_qs(), pk=pk)
    return _post_form(
        request,
        RecheckForm(request.POST),
        lambda d: services.violation_recheck(violation=v, user=request.user, **d),
        _("复查已登记。"),
        v,
    )


@staff_view()
def violation_notice_print(request, pk):
    v = get_record(request, violation_qs(), pk=pk)
    if v.severity != Violation.Severity.SERIOUS:
        raise Http404
    copies = [_("业主联"), _("装修单位联"), _("存档联")]
    return render(request, "renovation/print_violation_notice.html", {"v": v, "copies": copies})


@staff_view(post="renovation.add_fine", per_record=True)
@require_POST
def fine_propose(request, pk):
    v = get_record(request, violation_qs(), pk=pk)
    return _post_form(
        request,
        FineForm(request.POST),
        lambda d: services.fine_propose(violation=v, user=request.user, **d),
        _("违约金已提交，待项目经理审批。"),
        v,
    )


@staff_view(post="renovation.approve_fine", per_record=True)
@require_POST
def fine_decide(request, pk):
    fine = get_record(request, Fine.objects.select_related("violation", "application"), pk=pk)
    approve = request.POST.get("approve") == "1"
    _run(
        request,
        services.fine_decide,
        _("违约金已批准并从押金中扣除。") if approve else _("违约金未批准。"),
        fine=fine,
        approve=approve,
        note=request.POST.get("note", "")[:200],
        user=request.user,
    )
    return redirect(fine.violation)


@staff_view("renovation.add_hotworkpermit", per_record=True)
def hot_work_add(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    form = HotWorkForm(request.POST or None)
    return _service_form(
        request,
        app,
        form,
        _("动火审批申请"),
        lambda d: services.hot_work_request(application=app, user=request.user, **d),
        _("动火申请已登记，待工程部或安管负责人审批。"),
    )


@staff_view(post="renovation.approve_hot_work", per_record=True)
@require_POST
def hot_work_decide(request, pk):
    permit = get_record(request, HotWorkPermit.objects.all(), pk=pk)
    approve = request.POST.get("approve") == "1"
    _run(
        request,
        services.hot_work_decide,
        _("动火已批准。") if approve else _("动火未批准。"),
        permit=permit,
        approve=approve,
        note=request.POST.get("note", "")[:200],
        user=request.user,
    )
    return redirect(permit)


@staff_view("renovation.add_materialrefusal", per_record=True)
def material_refusal_add(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    form = MaterialRefusalForm(request.POST or None)
    return _service_form(
        request,
        app,
        form,
        _("违禁材料拒入登记"),
        lambda d: services.material_refuse(application=app, user=request.user, **d),
        _("拒入记录已登记。"),
    )
