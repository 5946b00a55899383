"""Reads of handover days (issue #15): the batch's days with booked / capacity, the units not
yet booked, check-in search, the venue board and the owner's booking page."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from salesite.models import Purchase, Unit

from .models import (
    BookingStatus,
    DeliveryBatch,
    HandoverDay,
    HandoverSlot,
    QueueTicket,
    Rehearsal,
    SlotBooking,
    TicketStatus,
)


def _live_count():
    return Count("bookings", filter=Q(bookings__status__in=SlotBooking.LIVE))


def unbooked_units(batch: DeliveryBatch):
    """The batch's units with no live booking (the list to phone), with the buyer's name and
    phone."""
    live = SlotBooking.objects.filter(batch=batch, unit=OuterRef("pk"), status__in=SlotBooking.LIVE)
    buyers = Purchase.objects.filter(is_active=True).select_related("customer__project")
    return (
        batch.units.exclude(Exists(live))
        .select_related("building")
        .prefetch_related(Prefetch("purchases", queryset=buyers, to_attr="active_purchases"))
        .order_by("building__name", "number")
    )


def batch_days_context(batch: DeliveryBatch) -> dict:
    """Days with their slots (booked / capacity each) and the unbooked units, in four queries."""
    slots = HandoverSlot.objects.annotate(booked=_live_count()).order_by("starts_at")
    days = list(
        batch.handover_days.prefetch_related(Prefetch("slots", queryset=slots)).order_by("date")
    )
    unbooked = list(unbooked_units(batch))
    return {
        "days": days,
        "unbooked": unbooked,
        "rehearsed": Rehearsal.objects.filter(batch=batch).exists(),
    }


def slots_with_bookings(day: HandoverDay) -> list[HandoverSlot]:
    bookings = SlotBooking.objects.select_related("unit", "unit__building", "customer").order_by(
        "unit__building__name", "unit__number"
    )
    return list(
        day.slots.annotate(booked=_live_count())
        .prefetch_related(Prefetch("bookings", queryset=bookings))
        .order_by("starts_at")
    )


def check_in_candidates(day: HandoverDay, q: str, limit: int = 20) -> list[Unit]:
    """The batch's units matching a buyer's name, the tail of their phone or the unit number,
    each with ``ticket`` (already checked in today) and ``booking`` (today's booking)."""
    cond = Q(number__icontains=q) | Q(
        purchases__is_active=True, purchases__customer__name__icontains=q
    )
    if q.isdigit():
        cond |= Q(purchases__is_active=True, purchases__customer__phone__endswith=q)
    buyers = Purchase.objects.filter(is_active=True).select_related("customer__project")
    units = list(
        day.batch.units.filter(cond)
        .distinct()
        .select_related("building")
        .prefetch_related(Prefetch("purchases", queryset=buyers, to_attr="active_purchases"))
        .order_by("building__name", "number")[:limit]
    )
    tickets = {t.unit_id: t for t in QueueTicket.objects.filter(day=day, unit__in=units)}
    bookings = {
        b.unit_id: b
        for b in SlotBooking.objects.filter(
            slot__day=day, unit__in=units, status__in=SlotBooking.LIVE
        ).select_related("slot")
    }
    for u in units:
        u.ticket = tickets.get(u.pk)
        u.booking = bookings.get(u.pk)
    return units


def venue_board(batch: DeliveryBatch) -> dict:
    """What the venue screen shows: today's numbers being called and at which desk, the
    numbers waiting — numbers and desks only, never a name or a unit."""
    day = HandoverDay.objects.filter(batch=batch, date=timezone.localdate()).first()
    if day is None:
        return {"day": None, "called": [], "waiting": 0}
    called = list(
        QueueTicket.objects.filter(day=day, status__in=(TicketStatus.CALLED, TicketStatus.SERVING))
        .order_by("-called_at")
        .values("number", "desk", "status")[:12]
    )
    waiting = QueueTicket.objects.filter(day=day, status=TicketStatus.WAITING).count()
    return {"day": day, "called": called, "waiting": waiting}


def owner_booking(batch_ids, unit) -> dict:
    """For the owner's booking page: the unit's live booking and the open slots of its
    batches' coming days with their free places."""
    live = (
        SlotBooking.objects.filter(unit=unit, status__in=SlotBooking.LIVE, batch_id__in=batch_ids)
        .select_related("slot__day")
        .first()
    )
    slots = list(
        HandoverSlot.objects.filter(
            day__batch_id__in=batch_ids, day__date__gte=timezone.localdate()
        )
        .annotate(booked=_live_count())
        .select_related("day")
        .order_by("day__date", "starts_at")
    )
    for s in slots:
        s.free = max(0, s.capacity - s.booked)
    no_shows = SlotBooking.objects.filter(
        unit=unit, status=BookingStatus.NO_SHOW, batch_id__in=batch_ids
    ).exists()
    return {"booking": live, "slots": slots, "had_no_show": no_shows}
