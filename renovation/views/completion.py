"""Completion application and inspection pages (R-REN-7)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _

from salesite import access

from .. import services
from ..forms import AgreedDateForm, InspectionForm
from ..models import CompletionInspection
from .common import _application, _service_form


@login_required
def completion_apply(request, pk):
    app = _application(request, pk, "renovation.add_completioninspection")
    form = AgreedDateForm(request.POST or None)
    return _service_form(
        request,
        app,
        form,
        _("申请竣工验收"),
        lambda d: services.completion_apply(application=app, user=request.user, **d),
        _("竣工验收申请已登记，已通知工程部和保安部。"),
    )


@login_required
def reinspection_schedule(request, pk):
    app = _application(request, pk, "renovation.add_completioninspection")
    form = AgreedDateForm(request.POST or None)
    return _service_form(
        request,
        app,
        form,
        _("预约复验"),
        lambda d: services.reinspection_schedule(application=app, user=request.user, **d),
        _("复验已预约。"),
    )


@login_required
def inspection_record(request, pk):
    inspection = access.get_visible_or_404(
        CompletionInspection.objects.select_related("application"), request.user, pk=pk
    )
    access.require_perm(request.user, "renovation.inspect_completion", inspection)
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
