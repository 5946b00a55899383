"""Print views of the renovation forms signed on paper (R-DASH-3, R-REN): the application
with its approval sheet (装修申请表/审批表), the management agreement with the fees paid
(装修管理服务协议) and the completion inspection sheet (竣工验收表). The permit, the worker
passes, the violation notice and the refund memo are printed from renovation/views/."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from salesite.views_access import get_record, staff_view

from . import selectors
from .models import PROHIBITIONS, FeePayment, RenovationAgreement


@staff_view()
def application_print(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    context = {
        "app": app,
        "documents": list(app.documents.order_by("pk")),
        "approvals": list(app.government_approvals.order_by("approved_on")),
    }
    return render(request, "renovation/print/application.html", context)


@staff_view()
def agreement_print(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    agreement = RenovationAgreement.objects.filter(application=app).first()
    if agreement is None:
        raise Http404
    payment = FeePayment.objects.filter(application=app).prefetch_related("charges").first()
    context = {
        "app": app,
        "agreement": agreement,
        "prohibitions": [(label, getattr(agreement, name)) for name, label in PROHIBITIONS],
        "payment": payment,
        "copies": [_("业主联"), _("存档联")],
    }
    return render(request, "renovation/print/agreement.html", context)


@staff_view()
def completion_print(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    inspections = list(app.inspections.order_by("round", "pk"))
    if not inspections:
        raise Http404
    return render(
        request, "renovation/print/completion.html", {"app": app, "inspections": inspections}
    )
