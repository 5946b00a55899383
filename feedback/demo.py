"""Demo data of the feedback app (R-X-8): cases in every state including a breach, callbacks of
every rule, 6+2 step records, handover facts. Idempotent: a second run creates nothing."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from salesite.models import Project, Purchase, User

from . import services
from .models import AmbassadorAssignment, Case, CaseStatus

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
    for project in Project.objects.filter(code__in=["binjiang", "yunqi", "haitang"]):
        with transaction.atomic():
            _seed_project(project, now)
    services.callbacks_generate()
    services.deadline_breaches_mark()


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
