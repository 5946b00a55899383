"""Demo data for the renovation app (R-X-8): renovations in every state on 滨江壹号 and
海棠湾, with patrols, a missed patrol, violations with a fine, completion, refunds, a
lecture and holiday calendar entries; a smaller set on 云栖花园. Every project has a gas change
whose government approval is recorded (now in review), entry confirmations for the permitted
renovations, a scanned application and (where there is a violation) a photo.

Called by ``manage.py seed_demo`` after the core demo; idempotent (each demo renovation is
tagged with its stage, and a stage a project already has is skipped, so a second run creates
nothing) and quick: every record is made through the services, with back-dated ``now`` values.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from salesite.demo import demo_attach, demo_pdf, demo_png
from salesite.models import Project, Purchase, User

from . import services
from .models import (
    ApplicationDocument,
    CalendarDay,
    FeeItem,
    LectureAttendee,
    RenovationApplication,
    RenovationLecture,
)
from .services.calendar import default_years, official_calendar_load

DEMO_TAG = "【演示】"
PROJECTS = ["binjiang", "haitang"]
HOLIDAYS = [
    (datetime.date(2026, 10, 1), CalendarDay.Kind.HOLIDAY, "国庆节"),
    (datetime.date(2026, 10, 2), CalendarDay.Kind.HOLIDAY, "国庆节"),
    (datetime.date(2026, 10, 3), CalendarDay.Kind.HOLIDAY, "国庆节"),
    (datetime.date(2026, 10, 10), CalendarDay.Kind.WORKDAY, "国庆调休上班"),
]
FEES = [
    ("deposit", "fixed", "2000.00"),
    ("management", "per_m2", "3.00"),
    ("debris", "fixed", "300.00"),
    ("worker_pass", "per_pass", "10.00"),
]
# The stage each demo renovation is brought to, in order.
STAGES = [
    "draft",
    "in_review",
    "overdue_review",
    "waiting_government",
    "active_patrols",
    "active_violations",
    "completion_applied",
    "rectification",
    "accepted",
    "refund_due",
    "refunded",
]
# Stages added later: built on the units after the lecture's, so the others keep their units.
EXTRA_STAGES = ["government_approved"]
PROJECT_STAGES = {
    "binjiang": STAGES + EXTRA_STAGES,
    "haitang": STAGES + EXTRA_STAGES,
    "yunqi": ["in_review", "active_patrols", "accepted", *EXTRA_STAGES],
}


def _users(code):
    names = [
        "front_desk",
        "centre_head",
        "engineering",
        "security",
        "security_lead",
        "cashier",
        "cs_lead",
    ]
    found = {
        u.username: u for u in User.objects.filter(username__in=[f"{code}_{n}" for n in names])
    }
    return {n: found.get(f"{code}_{n}") for n in names}


def _ago(now, days, hour=10):
    moment = timezone.localtime(now) - datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def seed_demo(now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    # The official calendar of the current and next year (idempotent; manual rows win).
    official_calendar_load(default_years(timezone.localtime(now).date()))
    for day, kind, name in HOLIDAYS:
        CalendarDay.objects.get_or_create(
            date=day, defaults={"kind": kind, "name": name, "source": CalendarDay.Source.OFFICIAL}
        )
    for code, stages in PROJECT_STAGES.items():
        project = Project.objects.filter(code=code).first()
        if project is None:
            continue
        done = _demo_stages(project)
        missing = [stage for stage in stages if stage not in done]
        if missing:
            _seed_project(project, missing, now, lecture=not done)


def _demo_stages(project) -> set[str]:
    """The stages a project's demo renovations were built for (the tag ending their scope)."""
    scopes = RenovationApplication.objects.filter(
        project=project, scope__startswith=DEMO_TAG
    ).values_list("scope", flat=True)
    return {scope.rsplit("（", 1)[-1].rstrip("）") for scope in scopes}


@transaction.atomic
def _seed_project(project, stages, now, *, lecture: bool):
    u = _users(project.code)
    for kind, basis, rate in FEES:
        FeeItem.objects.get_or_create(
            project=project, kind=kind, defaults={"basis": basis, "rate": Decimal(rate)}
        )
    base = [stage for stage in stages if stage not in EXTRA_STAGES]
    extra = [stage for stage in stages if stage in EXTRA_STAGES]
    listeners = 2 if lecture else 0
    need = len(base) + listeners + len(extra)
    one_per_unit = {}
    for purchase in (
        Purchase.objects.filter(project=project, is_active=True, unit__renovation_applications=None)
        .select_related("unit", "customer")
        .order_by("unit__building__name", "unit__number", "pk")
    ):
        one_per_unit.setdefault(purchase.unit_id, purchase)
        if len(one_per_unit) == need:
            break
    purchases = list(one_per_unit.values())
    if len(purchases) < need:
        return
    for stage, purchase in zip(base, purchases, strict=False):
        _build(project, purchase, stage, u, now)
    if lecture:
        _lecture(project, purchases[len(base) : len(base) + listeners], u, now)
    for stage, purchase in zip(extra, purchases[len(base) + listeners :], strict=True):
        _build(project, purchase, stage, u, now)


def _new_application(project, purchase, stage, u, now, **extra):
    today = timezone.localdate(now)
    valid = today + datetime.timedelta(days=730)
    app = RenovationApplication(
        unit=purchase.unit,
        owner=purchase.customer,
        owner_name=purchase.customer.name,
        owner_phone=purchase.customer.phone or "13900000000",
        contractor_name="美家装饰工程有限公司",
        contractor_head_name="王建国",
        contractor_head_phone="13812345678",
        contractor_head_id_number="330106198001010011",
        contractor_head_id_valid_until=valid,
        business_licence_number="91330100MA2H000001",
        business_licence_valid_until=valid,
        qualification_number="D233000001",
        qualification_valid_until=valid,
        scope=f"{DEMO_TAG}全屋硬装：水电改造、厨卫防水、木作吊顶、墙面乳胶漆（{stage}）",
        planned_start=today - datetime.timedelta(days=200),
        planned_end=today + datetime.timedelta(days=90),
        **extra,
    )
    services.application_save(application=app, user=u["front_desk"])
    ApplicationDocument.objects.filter(application=app).update(received=True)
    return app


def _approve(app, u, at):
    services.application_submit(application=app, user=u["front_desk"], now=at)
    for side in ("engineering", "cs"):
        services.application_review(
            application=app, side=side, approve=True, note="同意", user=u["centre_head"], now=at
        )


def _permit(app, u, at):
    _approve(app, u, at)
    services.agreement_sign(
        application=app,
        signed_by="owner",
        signer_name=app.owner_name,
        signed_on=timezone.localdate(at),
        owner_confirmed_approval=True,
        acknowledgements={name: True for name in services.PROHIBITIONS_NAMES},
        user=u["front_desk"],
        now=at,
    )
    services.fees_record_payment(
        application=app,
        worker_pass_count=2,
        receipt_number=f"SJ{app.pk:06d}",
        user=u["cashier"],
        now=at,
    )
    services.permit_issue(application=app, user=u["front_desk"], now=at)
    services.worker_pass_add(
        application=app,
        name="李师傅",
        id_number="330106199001010033",
        trade="水电",
        valid_from=timezone.localdate(at),
        valid_until=app.planned_end,
        user=u["security"],
    )
    services.entry_confirm(
        application=app,
        confirmed_on=timezone.localdate(at),
        facilities_condition="入户门、窗、墙地面完好；水电表读数已拍照记录；烟感、对讲、地漏正常。",
        owner_signed=True,
        user=u["engineering"],
    )


def _accept(app, u, at):
    inspection = services.completion_apply(
        application=app, agreed_date=timezone.localdate(at), user=u["front_desk"], now=at
    )
    services.completion_inspect(
        inspection=inspection,
        engineering_ok=True,
        security_ok=True,
        user=u["engineering"],
        now=at,
    )


def _build(project, purchase, stage, u, now):
    if stage == "waiting_government":
        app = _new_application(project, purchase, stage, u, now, changes_structure=True)
    elif stage == "government_approved":
        app = _new_application(project, purchase, stage, u, now, changes_gas=True)
    else:
        app = _new_application(project, purchase, stage, u, now)
    if stage == "draft":
        return app
    if stage == "in_review":
        demo_attach(
            app,
            name="装修申请资料扫描件.pdf",
            content=demo_pdf(
                [
                    "Renovation application - scanned documents (demo)",
                    f"Application {app.pk}, unit {app.unit.number}",
                    "Owner ID card, floor plan, contractor licence and qualification",
                    f"Received {timezone.localdate(now):%Y-%m-%d}",
                ]
            ),
            personal=True,  # it holds the owner's ID card
            user=u["front_desk"],
            description="业主身份证、施工图、装修单位营业执照及资质（扫描件）",
        )
        services.application_submit(application=app, user=u["front_desk"], now=now)
        return app
    if stage == "government_approved":
        # Submitted a week ago, it waited for the gas company's approval, recorded today.
        services.application_submit(application=app, user=u["front_desk"], now=_ago(now, 7))
        approved_on = timezone.localdate(now) - datetime.timedelta(days=1)
        services.government_approval_record(
            application=app,
            authority="燃气公司及区住房和城乡建设局",
            document_number=f"燃改审〔{approved_on.year}〕{app.pk:04d}号",
            approved_on=approved_on,
            note="厨房燃气表位移 0.8 米，由燃气公司施工。",
            user=u["cs_lead"],
            now=now,
        )
        return app
    if stage == "overdue_review":
        services.application_submit(application=app, user=u["front_desk"], now=_ago(now, 6))
        return app
    if stage == "waiting_government":
        services.application_submit(application=app, user=u["front_desk"], now=_ago(now, 2))
        return app
    started = {"refunded": 200, "refund_due": 160, "accepted": 60}.get(stage, 15)
    _permit(app, u, _ago(now, started))
    today = timezone.localdate(now)
    if stage == "active_patrols":
        yesterday = today - datetime.timedelta(days=1)
        for kind, user in (("front_desk", "front_desk"), ("engineering", "engineering")):
            services.patrol_record(
                application=app, kind=kind, result="ok", user=u[user], day=yesterday, now=now
            )
            services.patrol_record(
                application=app,
                kind=kind,
                result="ok",
                findings="施工正常，现场整洁",
                user=u[user],
                now=now,
            )
        # Security did not patrol yesterday: the morning job flags it.
        services.patrols_missed_flag(day=yesterday)
        services.hot_work_request(
            application=app,
            location="阳台",
            work="电焊（防盗门框）",
            starts_at=now + datetime.timedelta(days=1),
            ends_at=now + datetime.timedelta(days=1, hours=2),
            operator_name="赵焊工",
            operator_certificate="T330100001",
            fire_watcher="孙保安",
            extinguisher_checked=True,
            user=u["front_desk"],
            now=now,
        )
        return app
    if stage == "active_violations":
        patrol = services.patrol_record(
            application=app,
            kind="security",
            result="violation",
            findings="午休时间使用电锤；阳台外墙私自开孔",
            user=u["security"],
            now=now,
        )
        services.violation_record(
            application=app,
            severity="minor",
            description="午休时间使用电锤",
            warned_person="李师傅",
            patrol=patrol,
            user=u["security"],
            now=now,
        )
        serious = services.violation_record(
            application=app,
            severity="serious",
            description="阳台外墙私自开孔，改变房屋外观",
            requirement="立即停止施工，三日内封堵恢复原状",
            rectify_by=today + datetime.timedelta(days=3),
            patrol=patrol,
            user=u["security"],
            now=now,
        )
        demo_attach(
            serious,
            name="违规照片-阳台外墙开孔.png",
            content=demo_png((150, 140, 128)),
            user=u["security"],
            description="巡查时拍摄",
        )
        services.violation_call(
            violation=serious,
            party="owner",
            answer="业主表示理解，将督促整改",
            user=u["front_desk"],
        )
        services.violation_call(
            violation=serious,
            party="contractor",
            answer="负责人同意三日内恢复",
            user=u["front_desk"],
        )
        services.violation_sign(
            violation=serious, owner_signed=True, contractor_signed=True, user=u["front_desk"]
        )
        fine = services.fine_propose(
            violation=serious, amount="500", reason="装修管理协议第八条", user=u["front_desk"]
        )
        services.fine_decide(fine=fine, approve=True, user=u["centre_head"])
        services.material_refuse(
            application=app,
            material="乙炔气罐",
            quantity="1 瓶",
            carrier="张师傅",
            reason="未办理动火审批",
            user=u["security"],
            now=now,
        )
        return app
    if stage == "completion_applied":
        services.completion_apply(
            application=app,
            agreed_date=today + datetime.timedelta(days=2),
            user=u["front_desk"],
            now=now,
        )
        return app
    if stage == "rectification":
        inspection = services.completion_apply(
            application=app, agreed_date=today, user=u["front_desk"], now=_ago(now, 1)
        )
        services.completion_inspect(
            inspection=inspection,
            engineering_ok=False,
            security_ok=True,
            problems="卫生间防水未做闭水试验",
            rectification="补做闭水试验 48 小时后复验",
            user=u["engineering"],
            now=now,
        )
        return app
    _accept(app, u, _ago(now, {"accepted": 20, "refund_due": 100, "refunded": 130}[stage]))
    if stage == "refunded":
        services.refund_request(
            application=app,
            requested_by="owner",
            owner_consent=True,
            unpaid_fees=Decimal("86.50"),
            no_damage_confirmed=True,
            user=u["front_desk"],
            now=_ago(now, 5),
        )
        services.refund_sign(
            application=app,
            owner_signed=True,
            contractor_signed=True,
            centre_head_signed=True,
            user=u["front_desk"],
        )
        services.refund_approve(application=app, user=u["centre_head"], now=_ago(now, 4))
        services.refund_pay(
            application=app, memo_number=f"TH{app.pk:05d}", user=u["cashier"], now=_ago(now, 3)
        )
    return app


def _lecture(project, purchases, u, now):
    lecture, _created = RenovationLecture.objects.get_or_create(
        project=project,
        topic="新业主装修讲座：防水、水电改造与装修管理规定",
        defaults={
            "held_on": timezone.localdate(now) - datetime.timedelta(days=30),
            "starts_at": datetime.time(14, 30),
            "speaker": "工程部 刘工",
            "location": "会所多功能厅",
            "note": "讲解装修申请流程、禁止事项、动火审批和押金退还规定；现场答疑 12 个问题。",
            "created_by": u["front_desk"],
        },
    )
    for purchase in purchases:
        if not LectureAttendee.objects.filter(lecture=lecture, unit=purchase.unit).exists():
            services.lecture_attendees_add(lecture=lecture, unit=purchase.unit, user=None)
