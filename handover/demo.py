"""Demo data for the handover app (R-X-8): a batch in progress on 滨江壹号 (milestones, mock
inspections, cases in every state, notices, an open day, a move-in and a release, a tenant
registered for after delivery); a smaller batch due soon on 云栖花园 (both mock rounds,
formalities under way, an open day, a tenant registered) and a delivered one on 海棠湾 (handed
over, a tenant's move-in with the tenant information form, an owner's move-in, a unit not
taken). The first defect of each batch has a photo.

Called by ``manage.py seed_demo`` after the core demo; idempotent (a project that already has
its demo batch, or a tenant, is skipped, so a second run creates nothing) and quick.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from salesite.demo import demo_png, id_number, person_name, phone
from salesite.models import Project, Purchase, Tenant, User

from . import demo_defects, demo_previews, demo_signatures, selectors, services
from .models import (
    DeliveryBatch,
    FeeBasis,
    FeeItem,
    MilestoneKind,
    NoticeKind,
    ProgressMilestone,
    SiteOpenDay,
)
from .services import inspections, moves, notices

BATCH_NAME = "一期交付"
DONE = [
    MilestoneKind.DESIGN_SURVEY,
    MilestoneKind.FIRST_MOCK,
    MilestoneKind.RISK_MEETING,
    MilestoneKind.SECOND_MOCK,
    MilestoneKind.PREVIEW_PREP,
    MilestoneKind.RISK_SCREENING,
]


def _users(code):
    names = ["front_desk", "cashier", "cs_lead", "engineering"]
    found = {
        u.username: u for u in User.objects.filter(username__in=[f"{code}_{n}" for n in names])
    }
    return [found.get(f"{code}_{n}") for n in names]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def seed_demo(today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    for code, seed in (
        ("binjiang", _seed_binjiang),
        ("yunqi", _seed_yunqi),
        ("haitang", _seed_haitang),
    ):
        project = Project.objects.filter(code=code).first()
        if project is None:
            continue
        if not DeliveryBatch.objects.filter(project=project, name=BATCH_NAME).exists():
            with transaction.atomic():
                seed(project, today)
        if code in ("binjiang", "yunqi"):
            _registered_tenant(project, today)
    demo_previews.seed_demo(today, BATCH_NAME, _users)  # preview findings, defect photos
    demo_signatures.seed_demo(today)  # signatures on the tablet (demo_signatures.py)
    from .demo_day import seed_demo_day  # handover days (issue #15)

    seed_demo_day(BATCH_NAME, today)


def _fee_items(project):
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


def _sold(building):
    return list(
        Purchase.objects.filter(unit__building=building, is_active=True)
        .select_related("unit", "customer")
        .order_by("unit__number")
    )


def _seed_binjiang(project, today):
    desk, cashier, lead, engineer = _users(project.code)
    _fee_items(project)

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
    for milestone in batch.milestones.filter(kind__in=DONE[:-1], mock_round__isnull=True).order_by(
        "due_date"
    ):
        services.milestone_complete(
            milestone=milestone,
            user=lead,
            result_note="已按计划完成，问题清单已分派。",
            on=milestone.due_date,
        )
    services.milestones_mark_overdue(today=today)
    _inspections(batch, engineer)
    demo_defects.recent_mock_defects(batch, engineer, today)

    purchases = _sold(building)
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


def _inspections(batch, engineer, *, second_round: int = 1, defect="地漏排水不畅"):
    """First mock inspection on (up to) three units, the second one verifying the first on
    ``second_round`` of them; the first defect has a photo."""
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
            description=defect,
            responsible_unit="总包单位",
            deadline=first_day + datetime.timedelta(days=20),
            photo=_photo("问题照片-主卫.png", (120, 132, 140)) if i == 0 else None,
        )
        inspections.inspection_complete(inspection=first, user=engineer)
        if i < second_round:
            second = inspections.inspection_start(
                batch=batch,
                unit=unit,
                round=2,
                user=engineer,
                inspected_on=first_day + datetime.timedelta(days=30),
            )
            for found in selectors.first_round_defects(second):
                inspections.defect_verify(
                    second=second, defect=found, result="fixed", user=engineer
                )
            inspections.inspection_complete(inspection=second, user=engineer)


def _photo(name, rgb):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, demo_png(rgb), content_type="image/png")


def _steps(case, desk, cashier, upto, today, now=None, kept_key=False):
    """The first ``upto`` of the nine handover steps, on ``today`` (recorded at ``now``)."""
    steps = [
        lambda: services.step_verify(
            case=case, user=desk, id_checked=True, contract_checked=True, now=now
        ),
        lambda: services.step_copies(
            case=case, user=desk, copies=["id_copy", "contract_copy"], now=now
        ),
        lambda: services.step_owner_file(
            case=case,
            user=desk,
            emergency_phone=case.customer.emergency_phone or "13800000000",
            birthday=case.customer.birthday or datetime.date(1985, 6, 1),
            now=now,
        ),
        lambda: services.step_safety(case=case, user=desk, signed=True, now=now),
        lambda: services.step_fees(case=case, user=desk, handover_date=today, now=now),
        lambda: services.step_payment(
            case=case,
            user=cashier,
            amount=type(case).objects.get(pk=case.pk).fee_total,
            receipt_number=f"SJ{case.pk:06d}",
            now=now,
        ),
        lambda: services.step_keys_ready(
            case=case,
            user=desk,
            keys_count=3,
            handbooks_ready=True,
            owner_consulted=kept_key,
            key_kept=kept_key,
            now=now,
        ),
        lambda: services.step_handed_over(case=case, user=desk, owner_signed=True, now=now),
        lambda: services.step_summary(case=case, user=desk, today=today, now=now),
    ]
    for step in steps[:upto]:
        step()


def _complete_milestones(batch, lead, *, keep_open=()):
    for milestone in batch.milestones.exclude(kind__in=keep_open).order_by("due_date"):
        services.milestone_complete(
            milestone=milestone,
            user=lead,
            result_note="已按计划完成，问题清单已分派。",
            on=milestone.due_date,
        )


def _seed_yunqi(project, today):
    """Delivery in 20 days for three units: both mock rounds done, 细部和收尾 overdue, two
    owners doing their formalities ahead of the delivery, a progress notice and an open day."""
    desk, cashier, lead, engineer = _users(project.code)
    _fee_items(project)
    building = project.buildings.order_by("name").first()
    purchases = _sold(building)
    if len(purchases) < 3:
        return
    batch = services.batch_create(
        project=project,
        name=BATCH_NAME,
        planned_delivery_date=today + datetime.timedelta(days=20),
        units=[p.unit for p in purchases[:3]],
        user=lead,
        note="首批交付 3 户，业主可提前预约办理交付手续。",
    )
    _inspections(batch, engineer, second_round=3, defect="卫生间墙砖空鼓")
    _complete_milestones(batch, lead, keep_open=[MilestoneKind.FINISHING])
    services.milestones_mark_overdue(today=today)
    first, second = purchases[0].unit, purchases[1].unit
    case = services.case_start(unit=first, user=desk, batch=batch)
    _steps(case, desk, cashier, 5, batch.planned_delivery_date)
    case = services.case_start(unit=second, user=desk, batch=batch)
    _steps(case, desk, cashier, 2, batch.planned_delivery_date)

    notice = notices.notice_create(
        project=project,
        kind=NoticeKind.PROGRESS,
        milestone=ProgressMilestone.TOPPED_OUT,
        title="主体结构封顶",
        body=f"{project.name}一期主体结构封顶，欢迎业主关注。",
        by_sms=True,
    )
    notices.notice_send(notice=notice, user=lead, now=_at(today - datetime.timedelta(days=40)))
    day = SiteOpenDay.objects.create(
        project=project,
        title="交付前工地开放日",
        held_on=today - datetime.timedelta(days=12),
        description="参观一期园林与公共区域。",
    )
    notices.openday_invite(open_day=day, user=lead, now=_at(day.held_on - datetime.timedelta(7)))
    for inv in day.invitations.order_by("pk")[:2]:
        notices.invitation_record(
            invitation=inv, attended=True, opinion="希望增加儿童游乐设施", user=desk
        )


def _seed_haitang(project, today):
    """Delivered 30 days ago: three units inspected twice, two handed over (one let to a
    tenant who has moved in, with the tenant information form and a release slip; one the
    owner's) and one not taken; every milestone done; a progress notice."""
    desk, cashier, lead, engineer = _users(project.code)
    _fee_items(project)
    building = project.buildings.order_by("name").first()
    purchases = _sold(building)
    if len(purchases) < 3:
        return
    delivered = today - datetime.timedelta(days=30)
    batch = services.batch_create(
        project=project,
        name=BATCH_NAME,
        planned_delivery_date=delivered,
        units=[p.unit for p in purchases[:3]],
        user=lead,
        note="首批交付 3 户。",
    )
    _inspections(batch, engineer, second_round=3, defect="阳台地漏返水")
    _complete_milestones(batch, lead)
    let, owned, absent = (p.unit for p in purchases[:3])
    for unit in (let, owned):
        case = services.case_start(unit=unit, user=desk, batch=batch)
        if unit == let:
            services.acceptance_record(
                case=case,
                user=desk,
                room_items={"living": "ok", "bedrooms": "ok", "kitchen": "ok", "bathrooms": "ok"},
                water_reading=Decimal("1.80"),
                electricity_reading=Decimal("9.60"),
                gas_reading=Decimal("0.30"),
                inspected_on=delivered,
            )
        _steps(case, desk, cashier, 9, delivered, _at(delivered))
    services.case_mark_not_taken(
        unit=absent, reason="业主在国外，委托书尚未寄到", user=desk, batch=batch
    )
    notice = notices.notice_create(
        project=project,
        kind=NoticeKind.PROGRESS,
        milestone=ProgressMilestone.PROPERTY_TAKEOVER,
        title="物业接管验收通过",
        body=f"{project.name}一期物业接管验收通过，交付准备就绪。",
        by_sms=True,
    )
    notices.notice_send(notice=notice, user=lead, now=_at(delivered - datetime.timedelta(20)))

    # The owner of one unit let it: the tenant moved in ten days after the delivery.
    rng = random.Random(f"{project.code}-tenant")
    moved_in = delivered + datetime.timedelta(days=10)
    tenant = Tenant.objects.create(
        unit=let,
        name=person_name(rng),
        phone=phone(rng),
        lease_start=moved_in,
        lease_end=moved_in + datetime.timedelta(days=364),
        owner_commitment_received=True,
        lease_received=True,
    )
    moves.fee_status_record(unit=let, outstanding=Decimal("0"), user=cashier, today=moved_in)
    move_in = moves.movein_register(
        unit=let,
        user=desk,
        occupant_kind="tenant",
        move_in_date=moved_in,
        identity_checked=True,
        tenant=tenant,
        service_info_given=True,
    )
    moves.movein_tenant_info_record(
        move_in=move_in,
        user=desk,
        name=tenant.name,
        phone=tenant.phone,
        id_type="id_card",
        id_number=id_number(rng, datetime.date(1992, 4, 16)),
        lease_start=tenant.lease_start,
        lease_end=tenant.lease_end,
        emergency_contact=person_name(rng),
        emergency_phone=phone(rng),
        occupants=2,
        vehicle_plate="浙B7K261",
        now=_at(moved_in),
    )
    moves.movein_set_billing_start(move_in=move_in, billing_start=moved_in, user=cashier)
    moves.movein_register(
        unit=owned,
        user=desk,
        occupant_kind="owner",
        move_in_date=delivered + datetime.timedelta(days=3),
        identity_checked=True,
        congratulated=True,
        service_info_given=True,
    )
    moves.release_create(
        unit=let,
        user=desk,
        carrier_kind="tenant",
        carrier_name=tenant.name,
        carrier_phone=tenant.phone,
        items=[{"name": "旧床垫", "quantity": 1}],
        reason="temporary",
        owner_reachable=True,
        confirmed_at=_at(today - datetime.timedelta(days=5), 15),
        confirmation_answer="业主同意租户搬出旧床垫",
        owner_agreed=True,
        now=_at(today - datetime.timedelta(days=5), 15),
    )


def _registered_tenant(project, today):
    """A buyer of the coming delivery has already let the unit: the tenant is registered with
    the lease and the owner's commitment letter and moves in after the delivery."""
    if Tenant.objects.filter(project=project).exists():
        return
    purchases = _sold(project.buildings.order_by("name").first())
    if len(purchases) < 3:
        return
    rng = random.Random(f"{project.code}-tenant")
    starts = today + datetime.timedelta(days=50)
    Tenant.objects.create(
        unit=purchases[2].unit,
        name=person_name(rng),
        phone=phone(rng),
        id_number=id_number(rng, datetime.date(1990, 9, 3)),
        lease_start=starts,
        lease_end=starts + datetime.timedelta(days=729),
        owner_commitment_received=True,
        lease_received=True,
    )
