"""The queue of a handover day (issue #15 item 2): check-in issues a number, staff call the
next number to a desk, the unit's handover steps start, the visit is completed. Every
timestamp is kept on the ticket."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.exceptions import DomainError

from ..models import (
    BookingStatus,
    CaseStatus,
    HandoverCase,
    HandoverDay,
    QueueTicket,
    SlotBooking,
    TicketStatus,
)


@transaction.atomic
def check_in(*, day: HandoverDay, unit, self_check_in: bool = False, now=None) -> QueueTicket:
    """Issue the next number of the day to an arriving owner (the day row is locked, so two
    desks checking in at once get two numbers). A unit already checked in gets its ticket."""
    day = HandoverDay.objects.select_for_update().select_related("batch").get(pk=day.pk)
    if not day.started_at:
        raise DomainError(_("该交付日尚未开始办理，不能签到。"))
    if day.date != timezone.localdate(now):
        raise DomainError(_("只能在交付日当天签到。"))
    if not day.batch.units.filter(pk=unit.pk).exists():
        raise DomainError(_("房屋 %(unit)s 不在该交付批次内。") % {"unit": unit})
    ticket = QueueTicket.objects.filter(day=day, unit=unit).first()
    if ticket is not None:
        return ticket
    booking = (
        SlotBooking.objects.select_for_update()
        .filter(batch=day.batch, unit=unit, status=BookingStatus.BOOKED, slot__day=day)
        .first()
    )
    last = QueueTicket.objects.filter(day=day).aggregate(n=Max("number"))["n"] or 0
    ticket = QueueTicket.objects.create(
        project_id=day.project_id,
        day=day,
        number=last + 1,
        unit=unit,
        booking=booking,
        self_check_in=self_check_in,
        arrived_at=now or timezone.now(),
    )
    if booking is not None:
        booking.status = BookingStatus.ARRIVED
        booking.save(update_fields=["status"])
    return ticket


@transaction.atomic
def call_next(*, day: HandoverDay, desk: int, now=None) -> QueueTicket:
    """Call the lowest waiting number to ``desk``."""
    day = HandoverDay.objects.select_for_update().get(pk=day.pk)
    if not 1 <= desk <= day.desks:
        raise DomainError(_("办理台须在 1 至 %(n)s 之间。") % {"n": day.desks})
    ticket = (
        QueueTicket.objects.select_for_update()
        .filter(day=day, status=TicketStatus.WAITING)
        .order_by("number")
        .first()
    )
    if ticket is None:
        raise DomainError(_("没有等候中的号码。"))
    ticket.status = TicketStatus.CALLED
    ticket.desk = desk
    ticket.called_at = now or timezone.now()
    ticket.save(update_fields=["status", "desk", "called_at"])
    return ticket


def _lock(ticket: QueueTicket) -> QueueTicket:
    return QueueTicket.objects.select_for_update().select_related("unit").get(pk=ticket.pk)


@transaction.atomic
def start_steps(*, ticket: QueueTicket, user, now=None) -> QueueTicket:
    """The owner is at the desk: the unit's handover (R-HO-4) opens or continues."""
    from .cases import case_resume, case_start

    ticket = _lock(ticket)
    if ticket.status != TicketStatus.CALLED:
        raise DomainError(_("只有已叫号的号码可以开始办理。"))
    case = HandoverCase.objects.filter(unit=ticket.unit).first()
    if case is None:
        case = case_start(unit=ticket.unit, user=user, batch=ticket.day.batch)
    elif case.status == CaseStatus.NOT_TAKEN:
        case = case_resume(case=case, user=user)
    ticket.case = case
    ticket.status = TicketStatus.SERVING
    ticket.steps_started_at = now or timezone.now()
    ticket.save(update_fields=["case", "status", "steps_started_at"])
    return ticket


@transaction.atomic
def complete(*, ticket: QueueTicket, now=None) -> QueueTicket:
    """The owner leaves the desk; the handover's completion time is step 9's when it is done."""
    ticket = _lock(ticket)
    if ticket.status not in (TicketStatus.CALLED, TicketStatus.SERVING):
        raise DomainError(_("该号码不在办理中。"))
    ticket.status = TicketStatus.DONE
    ticket.completed_at = now or timezone.now()
    ticket.save(update_fields=["status", "completed_at"])
    return ticket


@transaction.atomic
def recall(*, ticket: QueueTicket) -> QueueTicket:
    """An owner called but not at the desk goes back to waiting (keeps the number)."""
    ticket = _lock(ticket)
    if ticket.status != TicketStatus.CALLED:
        raise DomainError(_("只有已叫号的号码可以退回等候。"))
    ticket.status = TicketStatus.WAITING
    ticket.desk = None
    ticket.called_at = None
    ticket.save(update_fields=["status", "desk", "called_at"])
    return ticket
