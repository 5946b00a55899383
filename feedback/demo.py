"""Demo data of the feedback app (R-X-8): cases in every state including a breach (one with a
photo), callbacks of every rule, 6+2 step records (and the project-level +2 on 海棠湾),
handover facts; the quarter's 6+2 checklists (A1/A2, one Q4 BSC result), the warranty ledger
with notices and reports, club members, birthday greetings from the daily job and an event,
patrol findings, referrals and a repeat purchase. Idempotent: a second run creates nothing."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from salesite.demo import demo_attach, demo_png
from salesite.models import Customer, Project, Purchase, User

from . import demo_ranking, demo_repair_quality, demo_steps, services
from .demo_checklists import seed_checklists
from .models import (
    AmbassadorAssignment,
    Case,
    CaseStatus,
    Greeting,
    ProjectStepRecord,
    StepAction,
)

CASES = [
    # subject, kind, extra, target status
    (
        "咨询车位租赁",
        "visit",
        {"channel": "call", "settled_on_spot": True, "reply": "已告知"},
        "replied",
    ),
    ("单元门禁失灵", "request", {}, "new"),
    ("希望增加儿童游乐设施", "request", {}, "dispatched"),
    ("样板房与交付标准不一致", "complaint", {"complaint_category": "design"}, "in_progress"),
    ("销售承诺未兑现", "complaint", {"complaint_category": "sales"}, "replied"),
    ("卫生间渗水", "repair", {"is_major": True}, "closed"),
    ("厨房水龙头漏水", "repair", {}, "closed"),
    ("小区内发现燃气异味", "visit", {"is_major": True}, "new"),
]


def seed_demo() -> None:
    now = timezone.now()
    # The official festivals of the current and next year as greeting holidays (idempotent).
    year = timezone.localdate(now).year
    services.official_holidays_load([year, year + 1])
    for project in Project.objects.filter(code__in=["binjiang", "yunqi", "haitang"]):
        with transaction.atomic():
            _seed_project(project, now)
    services.callbacks_generate()
    from .demo_contractors import seed_demo_contractors  # the contractor register (#16)

    seed_demo_contractors()
    services.deadline_breaches_mark()
    for project in Project.objects.filter(code__in=["binjiang", "yunqi", "haitang"]):
        with transaction.atomic():
            _seed_care_and_quality(project, now)
        _seed_case_photo(project)
        _seed_birthday_greetings(project)
    _seed_repeat_purchase()  # before the notices, so that a second run notifies no one new
    services.warranty_notices_send()
    services.greetings_send()
    _seed_warranty_reports()
    _seed_warranty_channels()
    _seed_project_step()
    demo_repair_quality.seed()  # issue #16: repairs, supervisors, libraries, targets
    demo_ranking.seed()  # issue #16 item 4: the demo repairs dispatched, contractor ranking
    demo_steps.seed_demo()  # the 6+2 steps: a customer with all 19 actions, others partly


def _seed_project(project, now) -> None:
    desk = User.objects.filter(username=f"{project.code}_front_desk").first()
    amb = User.objects.filter(username=f"{project.code}_customer_ambassador").first()
    building = project.buildings.order_by("name").first()
    if amb and building:
        AmbassadorAssignment.objects.get_or_create(project=project, user=amb, building=building)
    purchases = list(
        Purchase.objects.filter(project=project).select_related("customer", "unit").order_by("pk")
    )
    if not purchases:
        return
    today = timezone.localdate()
    # Handover facts: last month, 3 months ago and a year ago give delivery/3m/1y callbacks.
    offsets = [25, 88, 360]
    for i, p in enumerate(purchases[:9]):
        services.record_handover(
            customer=p.customer,
            unit=p.unit,
            handover_date=today - datetime.timedelta(days=offsets[i % 3]),
        )
        services.tick_step(
            customer=p.customer,
            action_code="project_info",
            on=p.subscribed_on or today,
            source="demo",
        )
        services.tick_step(
            customer=p.customer,
            action_code="contract_explained",
            on=p.signed_on or today,
            source="demo",
        )
    if Case.objects.filter(project=project, subject=CASES[0][0]).exists():
        return
    for i, (subject, kind, extra, target) in enumerate(CASES):
        p = purchases[i % len(purchases)]
        received = now - datetime.timedelta(days=3, hours=i)
        case = services.case_create(
            project=project,
            kind=kind,
            subject=subject,
            customer=p.customer,
            unit=p.unit,
            user=desk,
            now=received,
            **extra,
        )
        if target in ("new", "replied") and case.status == target:
            continue
        if target == "new":
            continue  # stays new: its 10-minute dispatch deadline is breached
        case = services.case_dispatch(
            case=case,
            user=desk,
            responsible_person="工程部 李工",
            repair_contractor="安居维修公司" if kind == "repair" else "",
            supervisor="王主管",
            now=received + datetime.timedelta(minutes=5),
        )
        if target == "dispatched":
            continue
        case = services.case_start(case=case, user=desk, now=received + datetime.timedelta(hours=1))
        if target == "in_progress":
            continue
        case = services.case_reply(
            case=case,
            user=desk,
            reply="已处理并回复客户",
            now=received + datetime.timedelta(hours=5),
        )
        if target == CaseStatus.CLOSED:
            services.case_close(case=case, user=desk, now=received + datetime.timedelta(hours=6))
    # One callback answered (with a dissatisfied answer opening a follow-up) for the demo.
    task = project.callback_tasks.filter(rule="repair").order_by("pk").first()
    if task is not None and task.is_open:
        questions = services.questions_for(task.rule)
        services.callback_record_outcome(
            task=task,
            reached=True,
            user=desk,
            answers={str(q.pk): 4 for q in questions if q.kind == "scale"},
        )


def _seed_case_photo(project) -> None:
    case = Case.objects.filter(project=project, subject="卫生间渗水").order_by("pk").first()
    if case is None:
        return
    demo_attach(
        case,
        name="现场照片-卫生间渗水.png",
        content=demo_png((110, 140, 160)),
        user=User.objects.filter(username=f"{project.code}_front_desk").first(),
        description="客户发来的渗水位置照片",
    )


def _last_birthday(birthday: datetime.date, today: datetime.date) -> datetime.date:
    """The latest day on or before today when the daily job greets this birthday (29 February
    on 28 February in other years, as the job does)."""
    for year in (today.year, today.year - 1):
        try:
            day = birthday.replace(year=year)
        except ValueError:
            day = datetime.date(year, 2, 28)
        if day <= today:
            return day
    raise AssertionError("unreachable")


def _seed_birthday_greetings(project) -> None:
    """Run the daily greeting job on the day of the project's latest club member's birthday,
    as it ran then; the job's per-year key keeps it to one greeting each."""
    if Greeting.objects.filter(project=project).exists():
        return
    today = timezone.localdate()
    birthdays = Customer.objects.filter(
        project=project, is_club_member=True, birthday__isnull=False
    ).values_list("birthday", flat=True)
    days = [_last_birthday(b, today) for b in birthdays]
    if days:
        services.greetings_send(today=max(days))


def _seed_project_step() -> None:
    """海棠湾 has delivered: the +2 step (the facility renewal plan for four years after the
    first delivery) is drawn up and recorded for the project. There is no service for this
    per-project record, so it is created here, once."""
    project = Project.objects.filter(code="haitang").first()
    action = StepAction.objects.filter(per_project=True).order_by("order").first()
    if project is None or action is None:
        return
    ProjectStepRecord.objects.get_or_create(
        project=project,
        action=action,
        defaults={
            "done_on": timezone.localdate() - datetime.timedelta(days=10),
            "note": "已编制交付后第 4 年公共设施更新计划（电梯、屋面防水、园林），报业委会筹备组。",
        },
    )


WARRANTY_ITEMS = [
    # name, responsible unit, years of warranty, days from today to the end
    ("屋面防水", "东方防水工程有限公司", 5, 40),
    ("外墙保温", "华建总承包公司", 5, 400),
    ("电梯", "迅达电梯（维保）", 2, -30),
]
PATROLS = [
    ("design", "地下车库坡道转弯半径偏小，车辆刮擦"),
    ("engineering", "3幢单元门口地砖空鼓"),
    ("sales", "售楼处宣传的会所尚未开放，业主询问较多"),
    ("service", "夜间巡逻不到位，北门无人值守"),
]


def _seed_care_and_quality(project, now) -> None:
    from .models import (
        AmbassadorPatrol,
        ClubEvent,
        Referral,
        WarrantyItem,
        quarter_of,
    )

    today = timezone.localdate()
    year, quarter = quarter_of(today)
    seed_checklists(project, year=year, quarter=quarter)
    for name, unit_name, years, days in WARRANTY_ITEMS:
        if not WarrantyItem.objects.filter(project=project, name=name).exists():
            ends = today + datetime.timedelta(days=days)
            services.warranty_item_create(
                project=project,
                name=name,
                responsible_unit=unit_name,
                starts_on=ends.replace(year=ends.year - years),
                ends_on=ends,
            )
    # Club members: the first customers of the project.
    candidates = Customer.objects.filter(project=project).order_by("pk")
    if not candidates.filter(is_club_member=True).exists():
        ids = list(candidates.values_list("pk", flat=True)[:6])
        Customer.objects.filter(pk__in=ids).update(is_club_member=True, club_joined_on=today)
    if not ClubEvent.objects.filter(project=project).exists():
        event = services.club_event_create(
            project=project,
            title="业主亲子运动会",
            starts_at=now + datetime.timedelta(days=10),
            place="小区中心花园",
            capacity=30,
        )
        for c in candidates.filter(is_club_member=True)[:3]:
            services.club_event_register(event=event, customer=c)
    amb = User.objects.filter(username=f"{project.code}_customer_ambassador").first()
    building = project.buildings.order_by("name").first()
    if not AmbassadorPatrol.objects.filter(project=project).exists():
        for i, (category, finding) in enumerate(PATROLS):
            services.patrol_record(
                project=project,
                category=category,
                finding=finding,
                user=amb,
                building=building,
                patrolled_on=today - datetime.timedelta(days=15 * i),
            )
    if not Referral.objects.filter(project=project).exists():
        purchases = list(
            Purchase.objects.filter(project=project, is_active=True)
            .select_related("customer")
            .order_by("pk")
        )
        if len(purchases) >= 3:
            services.referral_record(
                project=project,
                referrer=purchases[0].customer,
                referred_name="周先生",
                referred_phone="13700000001",
            )
            signed = services.referral_record(
                project=project,
                referrer=purchases[1].customer,
                referred_name=purchases[-1].customer.name,
            )
            services.referral_mark_signed(referral=signed, purchase=purchases[-1])


def _seed_warranty_reports() -> None:
    from .models import WarrantyItem, WarrantyReport

    items = WarrantyItem.objects.filter(
        project__code__in=["binjiang", "yunqi", "haitang"], notice_sent_on__isnull=False
    ).select_related("project")
    for item in items:
        if WarrantyReport.objects.filter(item=item).exists():
            continue
        purchase = (
            Purchase.objects.filter(project=item.project, is_active=True)
            .select_related("customer", "unit")
            .order_by("pk")
            .first()
        )
        if purchase is None:
            continue
        services.warranty_report_add(
            item=item,
            description="顶层卧室雨后渗水",
            customer=purchase.customer,
            unit=purchase.unit,
        )


def _seed_warranty_channels() -> None:
    """The notices given by hand (R-FB-7): the front desk posted each noticed item on the
    notice board the next morning; the ambassador phoned the owners of the first one."""
    from .models import WarrantyItem, WarrantyNoticeChannel

    items = WarrantyItem.objects.filter(
        project__code__in=["binjiang", "yunqi", "haitang"], notice_sent_on__isnull=False
    ).select_related("project")
    for n, item in enumerate(items.order_by("project__code", "ends_on")):
        if WarrantyNoticeChannel.objects.filter(item=item).exists():
            continue
        code = item.project.code
        desk = User.objects.filter(username=f"{code}_front_desk").first()
        amb = User.objects.filter(username=f"{code}_customer_ambassador").first()
        posted = min(
            timezone.now() - datetime.timedelta(hours=1),
            datetime.datetime.combine(
                item.notice_sent_on + datetime.timedelta(days=1),
                datetime.time(9, 30),
                tzinfo=timezone.get_current_timezone(),
            ),
        )
        services.warranty_channel_record(
            item=item,
            channel=WarrantyNoticeChannel.Kind.NOTICE_BOARD,
            done_at=posted,
            done_by=desk,
            note="各单元大堂公告栏",
            user=desk,
        )
        if n == 0 and amb is not None:
            services.warranty_channel_record(
                item=item,
                channel=WarrantyNoticeChannel.Kind.PHONE,
                done_at=posted,
                done_by=amb,
                reached=True,
                note="顶层业主逐户电话告知",
                user=amb,
            )


def _seed_repeat_purchase() -> None:
    """A binjiang owner buys again at yunqi: a customer with the same ID number and a purchase
    of a free unit there, recorded as a repeat purchase (1 % discount by default)."""
    from salesite.models import Unit

    from .models import RepeatPurchase

    if RepeatPurchase.objects.exists():
        return
    first = (
        Purchase.objects.filter(project__code="binjiang", is_active=True)
        .select_related("customer")
        .order_by("pk")
        .first()
    )
    target = Project.objects.filter(code="yunqi").first()
    if first is None or target is None:
        return
    unit = (
        Unit.objects.filter(project=target)
        .exclude(purchases__is_active=True)
        .order_by("pk")
        .first()
    )
    if unit is None:
        return
    old = first.customer
    customer, _created = Customer.objects.get_or_create(
        project=target,
        id_type=old.id_type,
        id_number=old.id_number,
        defaults={"name": old.name, "phone": old.phone},
    )
    purchase = Purchase.objects.create(
        project=target,
        unit=unit,
        customer=customer,
        subscribed_on=timezone.localdate(),
        signed_on=timezone.localdate(),
    )
    services.repeat_purchase_record(purchase=purchase)
