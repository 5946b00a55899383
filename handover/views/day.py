"""Views of handover days (issue #15): days and slots, bookings by phone, no-shows, the
check-in queue and the waiting-time report. Thin: scoped fetch → permission → service."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesite.exceptions import DomainError
from salesite.exports import export_format, export_response
from salesite.views import service_form_page
from salesite.views_access import get_record, staff_view

from .. import forms_day, selectors_day, waits
from ..models import DeliveryBatch, HandoverDay, QueueTicket, SlotBooking, TicketStatus
from ..services import day as day_services
from ..services import queue as queue_services
from .common import PERFORM

CHANGE_BATCH = "handover.change_deliverybatch"


def _done(request, call, success: str) -> bool:
    try:
        call()
    except DomainError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


@staff_view()
def batch_days(request, pk):
    """The batch's handover days: booked / capacity per slot, the units not yet booked."""
    batch = get_record(request, DeliveryBatch.objects.select_related("project"), pk=pk)
    context = selectors_day.batch_days_context(batch)
    context.update(
        {
            "batch": batch,
            "can_change": request.user.has_perm(CHANGE_BATCH, batch),
            "can_perform": request.user.has_perm(PERFORM, batch),
        }
    )
    return render(request, "handover/day/batch_days.html", context)


@staff_view(CHANGE_BATCH, per_record=True)
def day_create(request, pk):
    batch = get_record(request, DeliveryBatch.objects.all(), pk=pk)
    return service_form_page(
        request,
        form=forms_day.DayForm(request.POST or None),
        call=lambda d: day_services.day_create(batch=batch, date=d["date"], desks=d["desks"]),
        success=_("交付日已添加。"),
        title=_("添加交付日"),
        back=reverse("handover:batch_days", args=[batch.pk]),
        redirect_to=lambda day: day,
    )


@staff_view(CHANGE_BATCH, per_record=True)
def slot_create(request, pk):
    day = get_record(request, HandoverDay.objects.select_related("batch"), pk=pk)
    return service_form_page(
        request,
        form=forms_day.SlotForm(request.POST or None),
        call=lambda d: day_services.slot_create(
            day=day, starts_at=d["starts_at"], ends_at=d["ends_at"], capacity=d["capacity"]
        ),
        success=_("预约时段已添加。"),
        title=_("添加预约时段"),
        back=day,
    )


def _phone_form(day, data=None):
    return forms_day.PhoneBookingForm(
        data,
        units=day.batch.units.select_related("building").order_by("building__name", "number"),
        slots=day.slots.order_by("starts_at"),
    )


@staff_view()
def day_detail(request, pk):
    # The day is shown as a part of its batch (it owns no files): the batch's page rule.
    batch = get_record(
        request, DeliveryBatch.objects.select_related("project"), handover_days__pk=pk
    )
    day = batch.handover_days.select_related("batch", "project").get(pk=pk)
    context = {
        "day": day,
        "batch": day.batch,
        "slots": selectors_day.slots_with_bookings(day),
        "phone_form": _phone_form(day),
        "can_change": request.user.has_perm(CHANGE_BATCH, day),
        "can_perform": request.user.has_perm(PERFORM, day),
        "rehearsed": day_services.rehearsal_recorded(day.batch),
        "today": timezone.localdate(),
    }
    return render(request, "handover/day/day_detail.html", context)


@staff_view(CHANGE_BATCH, per_record=True)
@require_POST
def day_start(request, pk):
    day = get_record(request, HandoverDay.objects.all(), pk=pk)
    _done(
        request, lambda: day_services.day_start(day=day, user=request.user), _("交付日已开始办理。")
    )
    return redirect(day)


@staff_view(PERFORM, per_record=True)
@require_POST
def booking_phone(request, pk):
    """The front desk books (or moves) a slot for an owner on the phone."""
    day = get_record(request, HandoverDay.objects.select_related("batch"), pk=pk)
    form = _phone_form(day, request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择本批次的房屋和本日的时段。"))
    else:
        _done(
            request,
            lambda: day_services.booking_book(
                slot=form.cleaned_data["slot"],
                unit=form.cleaned_data["unit"],
                user=request.user,
                channel="phone",
            ),
            _("已为 %(unit)s 预约 %(slot)s，确认短信已发送。")
            % {"unit": form.cleaned_data["unit"], "slot": form.cleaned_data["slot"].label},
        )
    return redirect(day)


@staff_view(PERFORM, per_record=True)
@require_POST
def booking_no_show(request, pk):
    booking = get_record(request, SlotBooking.objects.select_related("slot"), pk=pk)
    portal = request.build_absolute_uri(reverse("owners:handover_booking", args=[booking.unit_id]))
    _done(
        request,
        lambda: day_services.booking_no_show(booking=booking, portal_url=portal),
        _("已标记未到场，已短信邀请业主重新预约。"),
    )
    return redirect(reverse("handover:day_detail", args=[booking.slot.day_id]))


# --- the queue -------------------------------------------------------------------------------


@staff_view(PERFORM, per_record=True)
def day_queue(request, pk):
    """Check-in (search by name, phone tail or unit number), the waiting numbers, the call."""
    day = get_record(request, HandoverDay.objects.select_related("batch", "project"), pk=pk)
    search = forms_day.CheckInSearchForm(request.GET or None)
    found = []
    if search.is_valid() and search.cleaned_data["q"]:
        found = selectors_day.check_in_candidates(day, search.cleaned_data["q"])
    tickets = list(day.tickets.select_related("unit", "unit__building", "case").order_by("number"))
    venue = day_services.venue_for(day.batch)
    wait = waits.current_wait_minutes(day)
    context = {
        "day": day,
        "batch": day.batch,
        "search": search,
        "found": found,
        "tickets": tickets,
        "waiting": [t for t in tickets if t.status == TicketStatus.WAITING],
        "active": [t for t in tickets if t.status in (TicketStatus.CALLED, TicketStatus.SERVING)],
        "done": [t for t in tickets if t.status == TicketStatus.DONE],
        "call_form": forms_day.CallForm(initial={"desk": 1}),
        "desks": range(1, day.desks + 1),
        "current_wait": wait,
        "warning": venue.wait_warning_minutes,
        "over_threshold": wait is not None and wait > venue.wait_warning_minutes,
        "is_today": day.date == timezone.localdate(),
    }
    return render(request, "handover/day/queue.html", context)


@staff_view(PERFORM, per_record=True)
@require_POST
def queue_check_in(request, pk):
    day = get_record(request, HandoverDay.objects.select_related("batch"), pk=pk)
    unit = day.batch.units.filter(pk=request.POST.get("unit") or 0).first()
    if unit is None:
        raise Http404
    try:
        ticket = queue_services.check_in(day=day, unit=unit)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("%(unit)s 已签到，排队号 %(n)s。") % {"unit": unit, "n": ticket.label}
        )
    return redirect("handover:day_queue", pk=day.pk)


@staff_view(PERFORM, per_record=True)
@require_POST
def queue_call(request, pk):
    day = get_record(request, HandoverDay.objects.all(), pk=pk)
    form = forms_day.CallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择办理台。"))
    else:
        try:
            ticket = queue_services.call_next(day=day, desk=form.cleaned_data["desk"])
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("请 %(n)s 号到 %(desk)s 号台办理。") % {"n": ticket.label, "desk": ticket.desk},
            )
    return redirect("handover:day_queue", pk=day.pk)


TICKET_ACTIONS = {
    "start": (queue_services.start_steps, _("已开始办理交接步骤。")),
    "complete": (queue_services.complete, _("该号码已办结。")),
    "recall": (queue_services.recall, _("该号码已退回等候。")),
}


@staff_view(PERFORM, per_record=True)
@require_POST
def ticket_action(request, pk, action):
    if action not in TICKET_ACTIONS:
        raise Http404
    ticket = get_record(request, QueueTicket.objects.select_related("day__batch"), pk=pk)
    service, success = TICKET_ACTIONS[action]
    kwargs = {"ticket": ticket}
    if action == "start":
        kwargs["user"] = request.user
    try:
        ticket = service(**kwargs)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, str(success))
        if action == "start" and ticket.case_id:
            return redirect("handover:case_detail", pk=ticket.case_id)
    return redirect("handover:day_queue", pk=ticket.day_id)


# --- waiting-time report ---------------------------------------------------------------------


@staff_view()
def batch_waits(request, pk, for_print=False):
    """Owners served, average and 95th-percentile wait and desk time per day and hour; printed
    (``/print/``) and exported (``?format=xlsx``)."""
    batch = get_record(request, DeliveryBatch.objects.select_related("project"), pk=pk)
    headers = [_("日期"), *[str(h) for h in waits.HEADERS]]
    rows = waits.report_rows(batch)
    title = _("交房等候时间报表")
    if export_format(request):
        return export_response(request, headers, rows, f"{title}-{batch.name}")
    context = {"batch": batch, "headers": headers, "rows": rows, "title": title}
    template = "handover/day/waits_print.html" if for_print else "handover/day/waits.html"
    return render(request, template, context)


@staff_view()
def batch_waits_print(request, pk):
    return batch_waits(request, pk, for_print=True)
