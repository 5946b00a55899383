"""Demo data for the handover app (R-X-8): a batch in progress on 滨江壹号.

Called by ``manage.py seed_demo`` after the core demo; idempotent (a second run creates
nothing) and quick.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from salesite.models import Project, Purchase, User

from . import inspections, moves, notices, services
from .models import (
    DeliveryBatch,
    FeeBasis,
    FeeItem,
    MilestoneKind,
    NoticeKind,
    ProgressMilestone,
    SiteOpenDay,
)

BATCH_NAME = "一期交付"
DONE = [
    MilestoneKind.DESIGN_SURVEY,
    MilestoneKind.FIRST_MOCK,
    MilestoneKind.RISK_MEETING,
    MilestoneKind.SECOND_MOCK,
    MilestoneKind.PREVIEW_PREP,
    MilestoneKind.RISK_SCREENING,
]


def _user(code):
    return User.objects.filter(username=f"binjiang_{code}").first()


@transaction.atomic
def seed_demo(today: datetime.date | None = None) -> None:
    project = Project.objects.filter(code="binjiang").first()
    if project is None or DeliveryBatch.objects.filter(project=project, name=BATCH_NAME).exists():
        return
    today = today or timezone.localdate()
    desk, cashier, lead = _user("front_desk"), _user("cashier"), _user("cs_lead")

    FeeItem.objects.get_or_create(
        project=project,
        name="物业管理费",
        defaults={"basis": FeeBasis.PER_SQM_MONTH, "rate": Decimal("2.80"), "order": 1},
    )
    FeeItem.objects.get_or_create(
        project=project,
        name="生活垃圾清运费",
        defaults={"basis": FeeBasis.FIXED_MONTH, "rate": Decimal("15.00"), "order": 2},
    )

    # Delivery in 35 days: the early milestones are done, two are overdue, the rest open.
    building = project.buildings.order_by("name").first()
    batch = services.batch_create(
        project=project,
        name=BATCH_NAME,
        planned_delivery_date=today + datetime.timedelta(days=35),
        buildings=[building],
        user=lead,
        note="首批交付，含提前看房。",
    )
    # The mock-inspection milestones stay open: only three units are inspected in the demo.
    done_kinds = [k for k in DONE[:-1] if k not in services.MOCK_ROUND_OF_MILESTONE]
    for milestone in batch.milestones.filter(kind__in=done_kinds).order_by("due_date"):
        services.milestone_complete(
            milestone=milestone,
            user=lead,
            result_note="已按计划完成，问题清单已分派。",
            on=milestone.due_date,
        )
    services.milestones_mark_overdue(today=today)
    _inspections(batch, _user("engineering"), today)

    purchases = list(
        Purchase.objects.filter(unit__building=building, is_active=True)
        .select_related("unit", "customer")
        .order_by("unit__number")
    )
    if len(purchases) < 4:
        return
    now = timezone.now()
    complete, partial, paid, absent = (p.unit for p in purchases[:4])

    # A complete handover with fees, payment, the acceptance form and a kept key.
    case = services.case_start(unit=complete, user=desk, batch=batch)
    services.acceptance_record(
        case=case,
        user=desk,
        room_items={"living": "ok", "bedrooms": "ok", "kitchen": "defect", "bathrooms": "ok"},
        water_reading=Decimal("3.20"),
        electricity_reading=Decimal("12.50"),
        gas_reading=Decimal("0.80"),
        inspected_on=today,
    )
    services.rectification_add(
        case=case,
        user=desk,
        location="厨房",
        description="橱柜门铰链松动",
        responsible_unit="精装修单位",
        deadline=today + datetime.timedelta(days=7),
        today=today,
    )
    _steps(case, desk, cashier, 9, today, now, kept_key=True)

    case = services.case_start(unit=partial, user=desk, batch=batch)
    _steps(case, desk, cashier, 3, today, now)
    case = services.case_start(unit=paid, user=desk, batch=batch)
    _steps(case, desk, cashier, 6, today, now)
    services.case_mark_not_taken(
        unit=absent, reason="业主在外地，委托手续未办", user=desk, batch=batch
    )

    # Construction progress notices and a site open day.
    for milestone, title in [
        (ProgressMilestone.SHOWROOM_OPEN, "样板示范区开放"),
        (ProgressMilestone.TOPPED_OUT, "主体结构封顶"),
    ]:
        notice = notices.notice_create(
            project=project,
            kind=NoticeKind.PROGRESS,
            milestone=milestone,
            title=title,
            body=f"{project.name}{title}，欢迎业主关注。",
            by_sms=True,
            by_email=True,
        )
        notices.notice_send(notice=notice, user=lead)
    notices.notice_create(
        project=project,
        kind=NoticeKind.DESIGN_CHANGE,
        title="小区东门位置调整",
        body="东门北移 20 米，详见公示。",
    )
    day = SiteOpenDay.objects.create(
        project=project,
        title="工地开放日",
        held_on=today - datetime.timedelta(days=20),
        description="参观样板区与园林。",
    )
    notices.openday_invite(open_day=day, user=lead)
    for inv in day.invitations.order_by("pk")[:3]:
        notices.invitation_record(invitation=inv, attended=True, opinion="园林效果好", user=desk)

    # Move-in and item releases on the handed-over unit.
    moves.movein_register(
        unit=complete,
        user=desk,
        occupant_kind="owner",
        move_in_date=today,
        identity_checked=True,
        service_info_given=True,
    )
    moves.fee_status_record(unit=complete, outstanding=Decimal("0"), user=cashier)
    moves.release_create(
        unit=complete,
        user=desk,
        carrier_kind="nanny",
        carrier_name="李阿姨",
        items=[{"name": "纸箱", "quantity": 2}],
        reason="temporary",
        owner_reachable=True,
        confirmed_at=now,
        confirmation_answer="业主同意带走装修剩余材料",
        owner_agreed=True,
    )


def _inspections(batch, engineer, today):
    """First mock inspection on three units, the second one verifying the first on one."""
    first_day = batch.planned_delivery_date - datetime.timedelta(days=100)
    units = list(batch.units.order_by("number")[:3])
    for i, unit in enumerate(units):
        first = inspections.inspection_start(
            batch=batch, unit=unit, round=1, user=engineer, inspected_on=first_day
        )
        inspections.defect_add(
            inspection=first,
            user=engineer,
            location="主卫",
            category="plumbing",
            description="地漏排水不畅",
            responsible_unit="总包单位",
            deadline=first_day + datetime.timedelta(days=20),
        )
        inspections.inspection_complete(inspection=first, user=engineer)
        if i == 0:
            second = inspections.inspection_start(
                batch=batch,
                unit=unit,
                round=2,
                user=engineer,
                inspected_on=first_day + datetime.timedelta(days=30),
            )
            for defect in inspections.first_round_defects(second):
                inspections.defect_verify(
                    second=second, defect=defect, result="fixed", user=engineer
                )
            inspections.inspection_complete(inspection=second, user=engineer)


def _steps(case, desk, cashier, upto, today, now, kept_key=False):
    steps = [
        lambda: services.step_verify(case=case, user=desk, id_checked=True, contract_checked=True),
        lambda: services.step_copies(case=case, user=desk, copies=["id_copy", "contract_copy"]),
        lambda: services.step_owner_file(
            case=case,
            user=desk,
            emergency_phone=case.customer.emergency_phone or "13800000000",
            birthday=case.customer.birthday or datetime.date(1985, 6, 1),
        ),
        lambda: services.step_safety(case=case, user=desk, signed=True),
        lambda: services.step_fees(case=case, user=desk, handover_date=today),
        lambda: services.step_payment(
            case=case,
            user=cashier,
            amount=type(case).objects.get(pk=case.pk).fee_total,
            receipt_number=f"SJ{case.pk:06d}",
        ),
        lambda: services.step_keys_ready(
            case=case,
            user=desk,
            keys_count=3,
            handbooks_ready=True,
            owner_consulted=kept_key,
            key_kept=kept_key,
        ),
        lambda: services.step_handed_over(case=case, user=desk, owner_signed=True),
        lambda: services.step_summary(case=case, user=desk, today=today),
    ]
    for step in steps[:upto]:
        step()
