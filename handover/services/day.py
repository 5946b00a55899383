"""Writes of handover days (issue #15): days and slots, bookings (never over a slot's capacity,
also when two owners take the last place at the same moment: the slot row is locked), the
SMS confirmation and the day-before reminder, no-shows, the rehearsal and emergency plan."""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.exceptions import DomainError
from salesite.models import Purchase

from ..models import (
    BookingChannel,
    BookingStatus,
    DeliveryBatch,
    EmergencyCheckItem,
    EmergencyPlan,
    HandoverDay,
    HandoverSlot,
    Rehearsal,
    RehearsalProblem,
    SlotBooking,
    VenueSettings,
)

# --- days and slots --------------------------------------------------------------------------


@transaction.atomic
def day_create(*, batch: DeliveryBatch, date: datetime.date, desks: int = 3) -> HandoverDay:
    if HandoverDay.objects.filter(batch=batch, date=date).exists():
        raise DomainError(_("该批次已有 %(date)s 的交付日。") % {"date": date})
    return HandoverDay.objects.create(
        project_id=batch.project_id, batch=batch, date=date, desks=desks
    )


@transaction.atomic
def slot_create(
    *, day: HandoverDay, starts_at: datetime.time, ends_at: datetime.time, capacity: int
) -> HandoverSlot:
    if ends_at <= starts_at:
        raise DomainError(_("结束时间须晚于开始时间。"))
    if capacity < 1:
        raise DomainError(_("可预约户数至少为 1。"))
    overlapping = day.slots.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
    if overlapping.exists():
        raise DomainError(_("该时段与已有时段重叠。"))
    return HandoverSlot.objects.create(
        project_id=day.project_id, day=day, starts_at=starts_at, ends_at=ends_at, capacity=capacity
    )


def rehearsal_recorded(batch: DeliveryBatch) -> bool:
    return Rehearsal.objects.filter(batch=batch).exists()


@transaction.atomic
def day_start(*, day: HandoverDay, user, now=None) -> HandoverDay:
    """Open the day for check-in: refused until the batch's rehearsal is recorded."""
    day = HandoverDay.objects.select_for_update().select_related("batch").get(pk=day.pk)
    if day.started_at:
        raise DomainError(_("该交付日已开始办理。"))
    if not rehearsal_recorded(day.batch):
        raise DomainError(_("该批次尚未记录交付演练，不能开始交付日。"))
    day.started_at = now or timezone.now()
    day.started_by = user
    day.save(update_fields=["started_at", "started_by"])
    return day


# --- bookings --------------------------------------------------------------------------------


def _current_buyer(unit):
    return (
        Purchase.objects.filter(unit=unit, is_active=True)
        .select_related("customer")
        .order_by("-signed_on", "-pk")
        .first()
    )


def _lock_slot_with_place(slot_pk: int) -> HandoverSlot:
    """Lock the slot row, then count its live bookings: a second booker of the last place waits
    on the lock and then sees it taken."""
    slot = (
        HandoverSlot.objects.select_for_update().select_related("day", "day__batch").get(pk=slot_pk)
    )
    taken = SlotBooking.objects.filter(slot=slot, status__in=SlotBooking.LIVE).count()
    if taken >= slot.capacity:
        raise DomainError(
            _("时段 %(slot)s 已约满，请选择其他时段。") % {"slot": f"{slot.day.date} {slot.label}"}
        )
    if slot.day.date < timezone.localdate():
        raise DomainError(_("该时段已过期，不能预约。"))
    return slot


def _confirm_sms(booking: SlotBooking, *, moved: bool) -> None:
    from salesite.notifications import send_sms

    slot = booking.slot
    text = _(
        "您已%(verb)s %(unit)s 的交房时间：%(date)s %(slot)s，请携带身份证件和购房合同准时到场。"
    ) % {
        "verb": _("改约") if moved else _("预约"),
        "unit": booking.unit,
        "date": slot.day.date,
        "slot": slot.label,
    }
    send_sms(
        phone=booking.phone,
        body=text,
        project=booking.project,
        dedupe_key=f"handover:booking:{booking.pk}:confirm:{slot.pk}:{booking.status}",
    )


@transaction.atomic
def booking_book(
    *, slot: HandoverSlot, unit, user=None, channel=BookingChannel.PORTAL
) -> SlotBooking:
    """Book ``slot`` for ``unit``, or move the unit's live booking of the batch to it."""
    slot = _lock_slot_with_place(slot.pk)
    batch = slot.day.batch
    if not batch.units.filter(pk=unit.pk).exists():
        raise DomainError(_("房屋 %(unit)s 不在该交付批次内。") % {"unit": unit})
    existing = (
        SlotBooking.objects.select_for_update()
        .filter(batch=batch, unit=unit, status__in=SlotBooking.LIVE)
        .first()
    )
    if existing is not None:
        if existing.status == BookingStatus.ARRIVED:
            raise DomainError(_("该房屋已签到，不能改约。"))
        if existing.slot_id == slot.pk:
            raise DomainError(_("已预约该时段。"))
        existing.slot = slot
        existing.reminded_at = None  # a moved booking is reminded of its new day
        existing.save(update_fields=["slot", "reminded_at"])
        _confirm_sms(existing, moved=True)
        return existing
    purchase = _current_buyer(unit)
    if purchase is None:
        raise DomainError(_("该房屋没有有效的购房记录，不能预约交房。"))
    booking = SlotBooking.objects.create(
        project_id=batch.project_id,
        batch=batch,
        slot=slot,
        unit=unit,
        customer=purchase.customer,
        phone=purchase.customer.phone,
        channel=channel,
        booked_by=user,
    )
    _confirm_sms(booking, moved=False)
    return booking


@transaction.atomic
def booking_cancel(*, booking: SlotBooking) -> SlotBooking:
    booking = SlotBooking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != BookingStatus.BOOKED:
        raise DomainError(_("只有已预约的记录可以取消。"))
    booking.status = BookingStatus.CANCELLED
    booking.save(update_fields=["status"])
    return booking


@transaction.atomic
def booking_no_show(*, booking: SlotBooking, portal_url: str = "", now=None) -> SlotBooking:
    """Mark a booked owner who did not come; the SMS offers them a new slot (the unit has no
    live booking any more, so it can book again)."""
    from salesite.notifications import send_sms

    booking = (
        SlotBooking.objects.select_for_update()
        .select_related("slot__day", "unit")
        .get(pk=booking.pk)
    )
    if booking.status != BookingStatus.BOOKED:
        raise DomainError(_("只有已预约且未签到的记录可以标记未到场。"))
    if booking.slot.day.date > timezone.localdate():
        raise DomainError(_("预约日期未到，不能标记未到场。"))
    booking.status = BookingStatus.NO_SHOW
    booking.no_show_at = now or timezone.now()
    booking.save(update_fields=["status", "no_show_at"])
    send_sms(
        phone=booking.phone,
        body=_("您预约的 %(unit)s 交房（%(date)s %(slot)s）未到场，请重新预约交房时间%(url)s。")
        % {
            "unit": booking.unit,
            "date": booking.slot.day.date,
            "slot": booking.slot.label,
            "url": f"：{portal_url}" if portal_url else "",
        },
        project=booking.project,
        dedupe_key=f"handover:booking:{booking.pk}:no_show",
    )
    return booking


def bookings_remind(*, today: datetime.date | None = None) -> int:
    """SMS every live booking of tomorrow's slots not yet reminded; once per booking (the
    outbox's dedupe key and ``reminded_at`` both keep a second run from sending again)."""
    from salesite.notifications import send_sms_many

    today = today or timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    with transaction.atomic():
        due = list(
            SlotBooking.objects.select_for_update(of=("self",))
            .filter(slot__day__date=tomorrow, status=BookingStatus.BOOKED, reminded_at__isnull=True)
            .select_related("slot__day", "unit", "project")
            .order_by("pk")
        )
        by_project: dict[int, list] = {}
        for b in due:
            by_project.setdefault(b.project_id, []).append(
                (
                    b.phone,
                    _("提醒：明天 %(date)s %(slot)s 是您预约的 %(unit)s 交房时间，请准时到场。")
                    % {"date": tomorrow, "slot": b.slot.label, "unit": b.unit},
                    f"handover:booking:{b.pk}:remind:{tomorrow}",
                )
            )
        for project_id, messages in by_project.items():
            send_sms_many(messages=messages, project_id=project_id)
        SlotBooking.objects.filter(pk__in=[b.pk for b in due]).update(reminded_at=timezone.now())
    return len(due)


def slot_rows(day: HandoverDay) -> list[HandoverSlot]:
    """The day's slots, each with ``booked`` (live bookings), in one query."""
    return list(
        day.slots.annotate(
            booked=Count("bookings", filter=Q(bookings__status__in=SlotBooking.LIVE))
        ).order_by("starts_at")
    )


# --- the venue's secret link -----------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(24)


@transaction.atomic
def venue_for(batch: DeliveryBatch) -> VenueSettings:
    venue, _created = VenueSettings.objects.get_or_create(
        batch=batch, defaults={"project_id": batch.project_id, "screen_token": new_token()}
    )
    return venue


@transaction.atomic
def venue_rotate(*, batch: DeliveryBatch) -> VenueSettings:
    """A new secret link for the venue screen: the old one is a 404 from now on."""
    venue = VenueSettings.objects.select_for_update().filter(batch=batch).first() or venue_for(
        batch
    )
    venue.screen_token = new_token()
    venue.save(update_fields=["screen_token", "rotated_at"])
    return venue


@transaction.atomic
def venue_update(
    *, batch: DeliveryBatch, wait_warning_minutes: int, public_attachments
) -> VenueSettings:
    from salesite.attachments import attachments_for

    venue = venue_for(batch)
    allowed = {a.pk for a in attachments_for(batch) if not a.personal}  # never ID scans
    chosen = [a for a in public_attachments if a.pk in allowed]
    venue.wait_warning_minutes = wait_warning_minutes
    venue.save(update_fields=["wait_warning_minutes", "rotated_at"])
    venue.public_attachments.set(chosen)
    return venue


# --- rehearsal and emergency plan ------------------------------------------------------------


@transaction.atomic
def rehearsal_record(
    *, batch: DeliveryBatch, held_on, participants: str, note: str = "", problems=(), user=None
) -> Rehearsal:
    """Record a rehearsal with its problems as (description, responsible, due date)."""
    if not participants.strip():
        raise DomainError(_("请填写参加人员。"))
    rehearsal = Rehearsal.objects.create(
        project_id=batch.project_id,
        batch=batch,
        held_on=held_on,
        participants=participants,
        note=note,
        recorded_by=user,
    )
    RehearsalProblem.objects.bulk_create(
        [
            RehearsalProblem(
                project_id=batch.project_id,
                rehearsal=rehearsal,
                description=description,
                responsible=responsible,
                due_date=due,
            )
            for description, responsible, due in problems
        ]
    )
    return rehearsal


@transaction.atomic
def problem_fixed(*, problem: RehearsalProblem, on=None) -> RehearsalProblem:
    problem = RehearsalProblem.objects.select_for_update().get(pk=problem.pk)
    if problem.fixed_on:
        raise DomainError(_("该问题已整改完成。"))
    problem.fixed_on = on or timezone.localdate()
    problem.save(update_fields=["fixed_on"])
    return problem


@transaction.atomic
def emergency_plan_save(*, batch: DeliveryBatch, content: str, items: list[str]) -> EmergencyPlan:
    """Write the plan; checklist lines new to it are added (unchecked), lines gone removed."""
    plan, _created = EmergencyPlan.objects.select_for_update().get_or_create(
        batch=batch, defaults={"project_id": batch.project_id, "content": content}
    )
    plan.content = content
    plan.save(update_fields=["content", "updated_at"])
    wanted = [t.strip() for t in items if t.strip()]
    plan.items.exclude(text__in=wanted).delete()
    have = set(plan.items.values_list("text", flat=True))
    EmergencyCheckItem.objects.bulk_create(
        [
            EmergencyCheckItem(project_id=batch.project_id, plan=plan, text=t)
            for t in dict.fromkeys(wanted)
            if t not in have
        ]
    )
    return plan


@transaction.atomic
def check_item_toggle(*, item: EmergencyCheckItem, now=None) -> EmergencyCheckItem:
    item = EmergencyCheckItem.objects.select_for_update().get(pk=item.pk)
    item.checked = not item.checked
    item.checked_at = (now or timezone.now()) if item.checked else None
    item.save(update_fields=["checked", "checked_at"])
    return item
