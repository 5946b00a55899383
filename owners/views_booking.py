"""Owner portal: booking the handover time of one's unit and checking in at the venue by the QR
code at the door (issue #15). An owner reaches only their own units (another's is a 404); a
tenant books nothing."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from handover import selectors_day
from handover.models import DeliveryBatch, HandoverDay, HandoverSlot
from handover.services import day as day_services
from handover.services import queue as queue_services
from salesite.exceptions import DomainError
from salesite.models import Unit

from . import sessions
from .selectors import get_owned_or_404, owned


def _batch_ids(unit) -> list[int]:
    return list(
        DeliveryBatch.units.through.objects.filter(unit_id=unit.pk).values_list(
            "deliverybatch_id", flat=True
        )
    )


@sessions.owner_view
def handover_booking(request, pk):
    """预约交房: the open slots of the unit's batches; POST books or moves to one."""
    unit = get_owned_or_404(
        request.owner,
        Unit.objects.select_related("building", "project"),
        unit_field="pk",
        pk=pk,
    )
    batch_ids = _batch_ids(unit)
    if request.method == "POST":
        slot = HandoverSlot.objects.filter(
            pk=request.POST.get("slot") or 0, day__batch_id__in=batch_ids
        ).first()
        if slot is None:
            raise Http404
        try:
            day_services.booking_book(slot=slot, unit=unit, channel="portal")
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("已预约 %(date)s %(slot)s，确认短信已发送。")
                % {"date": slot.day.date, "slot": slot.label},
            )
        return redirect("owners:handover_booking", pk=unit.pk)
    context = {"unit": unit, "nav": "handover", **selectors_day.owner_booking(batch_ids, unit)}
    return render(request, "owners/handover/booking.html", context)


@sessions.owner_view
def handover_check_in(request):
    """扫码签到: the QR code at the door (``?batch=``) opens this page; the owner's units in a
    batch handing over today can take a queue number."""
    today = timezone.localdate()
    units = list(owned(request.owner).select_related("building", "project"))
    days = HandoverDay.objects.filter(
        date=today, started_at__isnull=False, batch__units__in=units
    ).distinct()
    batch = request.GET.get("batch", "")
    if batch.isdigit():
        days = days.filter(batch_id=int(batch))
    days = list(days.select_related("batch"))
    batch_units = {
        (row.deliverybatch_id, row.unit_id)
        for row in DeliveryBatch.units.through.objects.filter(
            deliverybatch_id__in=[d.batch_id for d in days], unit_id__in=[u.pk for u in units]
        )
    }
    if request.method == "POST":
        day = next((d for d in days if str(d.pk) == request.POST.get("day")), None)
        unit = next((u for u in units if str(u.pk) == request.POST.get("unit")), None)
        if day is None or unit is None or (day.batch_id, unit.pk) not in batch_units:
            raise Http404
        try:
            ticket = queue_services.check_in(day=day, unit=unit, self_check_in=True)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("签到成功，您的排队号是 %(n)s，请留意现场屏幕叫号。") % {"n": ticket.label},
            )
        return redirect(request.get_full_path())
    tickets = {(t.day_id, t.unit_id): t for d in days for t in d.tickets.filter(unit__in=units)}
    rows = [
        {"day": d, "unit": u, "ticket": tickets.get((d.pk, u.pk))}
        for d in days
        for u in units
        if (d.batch_id, u.pk) in batch_units
    ]
    return render(request, "owners/handover/check_in.html", {"rows": rows, "nav": "handover"})
