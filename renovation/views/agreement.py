"""Agreement, fees, permit, worker passes and entry pages (R-REN-3 … R-REN-5)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite.views_access import get_record, staff_view

from .. import selectors, services
from ..forms import AgreementForm, EntryConfirmationForm, FeePaymentForm, PermitForm, WorkerPassForm
from ..models import PROHIBITIONS
from .common import _run, _service_form


@staff_view("renovation.add_renovationagreement", per_record=True)
def agreement_sign(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    form = AgreementForm(
        request.POST or None,
        application=app,
        initial={"signed_on": timezone.localdate(), "signer_name": app.owner_name},
    )
    return _service_form(
        request,
        app,
        form,
        _("签署装修管理协议"),
        lambda d: services.agreement_sign(
            application=app,
            signed_by=d["signed_by"],
            signer_name=d["signer_name"],
            signed_on=d["signed_on"],
            owner_confirmed_approval=d["owner_confirmed_approval"],
            acknowledgements={name: d[name] for name, _label in PROHIBITIONS},
            user=request.user,
        ),
        _("装修管理协议已签署。"),
    )


@staff_view("renovation.collect_fees", per_record=True)
def fee_payment(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    raw = request.POST.get("worker_pass_count") or request.GET.get("worker_pass_count") or 0
    try:
        count = min(max(0, int(raw)), 200)
    except ValueError:
        count = 0
    form = FeePaymentForm(request.POST or None, initial={"worker_pass_count": count})
    lines = services.fees_compute(application=app, worker_pass_count=count)
    return _service_form(
        request,
        app,
        form,
        _("收取装修费用"),
        lambda d: services.fees_record_payment(
            application=app,
            worker_pass_count=d["worker_pass_count"],
            receipt_number=d["receipt_number"],
            user=request.user,
        ),
        _("装修费用已收取，收据已登记。"),
        template="renovation/fee_payment.html",
        extra={"lines": lines, "total": sum(line["amount"] for line in lines), "app": app},
    )


@staff_view("renovation.issue_permit", per_record=True)
def permit_issue(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    form = PermitForm(request.POST or None, initial={"valid_until": app.planned_end})
    return _service_form(
        request,
        app,
        form,
        _("发放施工进场证"),
        lambda d: services.permit_issue(
            application=app, valid_until=d["valid_until"], user=request.user
        ),
        _("施工进场证已发放，装修进入施工阶段。"),
    )


@staff_view("renovation.add_workerpass", per_record=True)
def worker_pass_add(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    form = WorkerPassForm(
        request.POST or None,
        initial={"valid_from": timezone.localdate(), "valid_until": app.permit_valid_until},
    )
    return _service_form(
        request,
        app,
        form,
        _("办理工人出入证"),
        lambda d: services.worker_pass_add(application=app, user=request.user, **d),
        _("工人出入证已登记。"),
    )


@staff_view("renovation.add_entryconfirmation", per_record=True)
def entry_confirm(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    form = EntryConfirmationForm(
        request.POST or None, initial={"confirmed_on": timezone.localdate()}
    )
    return _service_form(
        request,
        app,
        form,
        _("入场确认表"),
        lambda d: services.entry_confirm(application=app, user=request.user, **d),
        _("入场确认已登记。"),
    )


@staff_view(post="renovation.issue_permit", per_record=True)
@require_POST
def entry_notice(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    _run(
        request,
        services.entry_notice_send,
        _("装修入场知会单已发送给各部门。"),
        application=app,
        user=request.user,
    )
    return redirect(app)


@staff_view()
def permit_print(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    if not app.permit_number:
        raise Http404
    return render(request, "renovation/print_permit.html", {"app": app})


@staff_view()
def passes_print(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    return render(
        request, "renovation/print_passes.html", {"app": app, "passes": app.worker_passes.all()}
    )
