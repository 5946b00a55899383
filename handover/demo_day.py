"""Demo data of handover days (issue #15) on 滨江壹号's demo batch: a rehearsal with its
problems, an emergency plan, two handover days — today (started, a served queue with realistic
times, two numbers at the desks and two waiting) and the day after tomorrow (booked slots) —
and the venue's public settings. Idempotent: a batch that has handover days is skipped."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from salesite.models import Project

from .models import (
    BookingStatus,
    DeliveryBatch,
    HandoverCase,
    QueueTicket,
    SlotBooking,
    TicketStatus,
)
from .services import day as day_services

SLOTS = [((9, 0), (10, 0), 6), ((10, 0), (11, 0), 6), ((14, 0), (15, 0), 6)]


def _at(day, hh, mm=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hh, mm)))


@transaction.atomic
def seed_demo_day(batch_name: str, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    project = Project.objects.filter(code="binjiang").first()
    batch = DeliveryBatch.objects.filter(project=project, name=batch_name).first()
    if batch is None or batch.handover_days.exists():
        return
    day_services.rehearsal_record(
        batch=batch,
        held_on=today - datetime.timedelta(days=5),
        participants="客服部、工程部、秩序维护部、收银组、精装修单位",
        note="按交房九步流程全程模拟，两张办理台，模拟业主 10 户。",
        problems=[
            ("签到区指示牌不足，业主找不到入口", "客服部 王敏", today - datetime.timedelta(days=2)),
            ("收银台 POS 机信号不稳定", "收银组 陈亮", today + datetime.timedelta(days=1)),
        ],
    )
    first = batch.rehearsals.get().problems.order_by("due_date").first()
    day_services.problem_fixed(problem=first, on=today - datetime.timedelta(days=3))
    plan = day_services.emergency_plan_save(
        batch=batch,
        content="现场突发停电、业主集中投诉、人员拥挤时：现场负责人统一指挥，"
        "秩序维护部疏导，客服部安抚解释，工程部 15 分钟内到场处置。",
        items=["备用发电机已试机", "医药箱已配备", "疏散通道畅通", "投诉接待室已布置"],
    )
    for item in plan.items.order_by("pk")[:2]:
        day_services.check_item_toggle(item=item)
    day_services.venue_for(batch)

    units = list(batch.units.filter(purchases__is_active=True).distinct().order_by("number"))
    cases = dict(HandoverCase.objects.filter(unit__in=units).values_list("unit_id", "status"))
    open_units = [u for u in units if u.pk not in cases]
    # Owners whose handover is under way come back to finish it (walk-ins, no booking).
    returning = [u for u in units if cases.get(u.pk) == "in_progress"]
    day_one = day_services.day_create(batch=batch, date=today, desks=3)
    day_two = day_services.day_create(batch=batch, date=today + datetime.timedelta(days=2))
    for day in (day_one, day_two):
        for start, end, capacity in SLOTS:
            day_services.slot_create(
                day=day,
                starts_at=datetime.time(*start),
                ends_at=datetime.time(*end),
                capacity=capacity,
            )
    slots_one = list(day_one.slots.order_by("starts_at"))
    slots_two = list(day_two.slots.order_by("starts_at"))
    booked_today, later = open_units[:5], open_units[5:11]
    for n, unit in enumerate(booked_today):
        day_services.booking_book(
            slot=slots_one[n // 3], unit=unit, channel="phone" if n % 3 == 0 else "portal"
        )
    for n, unit in enumerate(later):
        day_services.booking_book(slot=slots_two[n % 2], unit=unit)
    day_services.day_start(day=day_one, user=None, now=_at(today, 8, 30))
    visitors = booked_today[:3] + returning + booked_today[3:]
    _served_queue(day_one, visitors, today)


def _served_queue(day, units, today) -> None:
    """Arrivals from 08:50 every few minutes; waits of 2–25 minutes and 15–35 minutes at the
    desk; the last two still wait, the two before them are at the desks."""
    rng = random.Random(15)
    arrival = _at(today, 8, 50)
    desk_free = {1: _at(today, 9, 0), 2: _at(today, 9, 0), 3: _at(today, 9, 0)}
    bookings = {b.unit_id: b for b in SlotBooking.objects.filter(slot__day=day)}
    for n, unit in enumerate(units, start=1):
        arrival += datetime.timedelta(minutes=rng.randint(3, 9))
        ticket = QueueTicket(
            project_id=day.project_id,
            day=day,
            number=n,
            unit=unit,
            booking=bookings.get(unit.pk),
            self_check_in=n % 2 == 0,
            arrived_at=arrival,
        )
        if n <= len(units) - 2:
            desk = min(desk_free, key=desk_free.get)
            called = max(arrival + datetime.timedelta(minutes=2), desk_free[desk])
            ticket.desk, ticket.called_at = desk, called
            ticket.steps_started_at = called + datetime.timedelta(minutes=1)
            if n <= len(units) - 4:
                ticket.completed_at = called + datetime.timedelta(minutes=rng.randint(15, 35))
                ticket.status = TicketStatus.DONE
                desk_free[desk] = ticket.completed_at
            else:
                ticket.status = TicketStatus.SERVING
                desk_free[desk] = _at(today, 23, 59)
        else:  # still waiting: arrived a little before now when the demo is seeded later on
            ticket.arrived_at = max(arrival, timezone.now() - datetime.timedelta(minutes=14 - n))
        ticket.save()
        if ticket.booking_id:
            SlotBooking.objects.filter(pk=ticket.booking_id).update(status=BookingStatus.ARRIVED)
