"""Deposit refund pages (R-REN-8)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite.views_access import get_record, staff_view

from .. import selectors, services
from ..forms import RefundPayForm, RefundRequestForm, RefundSignForm
from ..models import DepositRefund
from .common import _run, _service_form


@staff_view("renovation.add_depositrefund", per_record=True)
def refund_request(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    form = RefundRequestForm(request.POST or None, initial={"unpaid_fees": 0})
    return _service_form(
        request,
        app,
        form,
        _("申请退还装修押金"),
        lambda d: services.refund_request(application=app, user=request.user, **d),
        _("押金退还申请已登记。"),
    )


@staff_view("renovation.change_depositrefund", per_record=True)
def refund_sign(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    refund = get_object_or_404(DepositRefund, application=app)
    form = RefundSignForm(request.POST or None, instance=refund)
    return _service_form(
        request,
        app,
        form,
        _("三方退款验收签字"),
        lambda d: services.refund_sign(application=app, user=request.user, **d),
        _("签字情况已保存。"),
    )


@staff_view(post="renovation.approve_refund", per_record=True)
@require_POST
def refund_approve(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    _run(
        request,
        services.refund_approve,
        _("押金退还已审批。"),
        application=app,
        user=request.user,
    )
    return redirect(app)


@staff_view("renovation.record_refund", per_record=True)
def refund_pay(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    form = RefundPayForm(request.POST or None)
    return _service_form(
        request,
        app,
        form,
        _("押金退款"),
        lambda d: services.refund_pay(application=app, user=request.user, **d),
        _("押金已退还，备忘表已记录。"),
    )


@staff_view(post="renovation.change_renovationapplication", per_record=True)
@require_POST
def application_close(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    _run(request, services.application_close, _("已结案。"), application=app, user=request.user)
    return redirect(app)


@staff_view()
def refund_memo_print(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    refund = get_object_or_404(
        DepositRefund.objects.select_related("approved_by", "cashier"), application=app
    )
    return render(
        request,
        "renovation/print_refund_memo.html",
        {"app": app, "refund": refund, "ledger": app.ledger_entries.all()},
    )
