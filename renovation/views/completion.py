"""Completion application and inspection pages (R-REN-7)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from salesite.views_access import get_record, staff_view

from .. import selectors, services
from ..forms import AgreedDateForm, InspectionForm
from ..models import CompletionInspection
from .common import _service_form


@staff_view("renovation.add_completioninspection", per_record=True)
def completion_apply(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    form = AgreedDateForm(request.POST or None)
    return _service_form(
        request,
        app,
        form,
        _("申请竣工验收"),
        lambda d: services.completion_apply(application=app, user=request.user, **d),
        _("竣工验收申请已登记，已通知工程部和保安部。"),
    )


@staff_view("renovation.add_completioninspection", per_record=True)
def reinspection_schedule(request, pk):
    app = get_record(request, selectors.application_detail_qs(), pk=pk)
    form = AgreedDateForm(request.POST or None)
    return _service_form(
        request,
        app,
        form,
        _("预约复验"),
        lambda d: services.reinspection_schedule(application=app, user=request.user, **d),
        _("复验已预约。"),
    )


@staff_view("renovation.inspect_completion", per_record=True)
def inspection_record(request, pk):
    inspection = get_record(
        request, CompletionInspection.objects.select_related("application"), pk=pk
    )
    app = inspection.application
    form = InspectionForm(request.POST or None)
    return _service_form(
        request,
        app,
        form,
        _("竣工验收（第 %(n)s 次）") % {"n": inspection.round},
        lambda d: services.completion_inspect(inspection=inspection, user=request.user, **d),
        _("验收结果已登记。"),
    )
