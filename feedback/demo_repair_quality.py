"""Demo of repair quality (issue #16 items 5, 7, 8): a year of repairs per project with some
repeats (three contractors of different quality), a year of answered callbacks for the
satisfaction dimensions, supervisors with grades, training and library cases (one of them
behind this month), design cases, and this year's targets. Idempotent."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from salesite.demo import demo_attach, demo_png
from salesite.models import Customer, Project, Unit, User

from .models import (
    CallbackRule,
    CallbackStatus,
    CallbackTask,
    Case,
    CaseKind,
    CaseStatus,
    DesignCaseEntry,
    MonthlyTraining,
    Question,
    RepairCaseEntry,
    RepairQualitySetting,
    SupervisorGrade,
    SupervisorProfile,
    YearlyTarget,
)
from .services import repair_quality as services

MARK = "（维修记录）"
# contractor → chance that a repair comes back within the window (and a late one after it)
CONTRACTORS = {"安居维修公司": 0.05, "宏达建筑维修": 0.1, "诚信水电": 0.18}
PROBLEMS = [
    ("卫生间地面渗水", "build_quality"),
    ("外墙窗边渗水", "build_quality"),
    ("墙面开裂", "build_quality"),
    ("入户门变形关不严", "build_quality"),
    ("厨房排水不畅", "build_quality"),
    ("阳台设计积水", "design"),
]
LIBRARY = [
    (
        "卫生间防水层破损导致渗水",
        "地面瓷砖下防水层施工时被破坏",
        "拆除瓷砖重做防水，闭水试验48小时",
        "渗水 防水 卫生间",
    ),
    ("铝合金窗边渗水", "窗框与墙体间打胶不密实", "清理旧胶，外侧重新打耐候胶", "渗水 窗 外墙"),
    ("墙面温度裂缝", "抹灰层收缩，未挂网", "开V槽挂网重新抹灰并涂刷", "开裂 墙面"),
    ("入户门下沉", "合页螺丝松动", "更换加长螺丝并调整门扇", "门 五金"),
]
TRAINING = [
    "工程相关知识",
    "维修规范与验收标准",
    "04版工程修缮定额",
    "相关法规",
    "防水施工工艺",
    "安全文明施工",
]


def _months_back(day: datetime.date, n: int) -> datetime.date:
    """The first day of the month ``n`` months before ``day``'s."""
    y, m = divmod(day.year * 12 + day.month - 1 - n, 12)
    return datetime.date(y, m + 1, 1)


def seed() -> None:
    RepairQualitySetting.objects.get_or_create(pk=1)
    now = timezone.now()
    for project in Project.objects.filter(code__in=["binjiang", "yunqi", "haitang"]).order_by("pk"):
        with transaction.atomic():
            _seed_repairs(project, now)
            _seed_callbacks(project, now)
            _seed_supervisors(project, now)
            _seed_targets(project, now)
        _seed_photos(project)


def _seed_repairs(project, now) -> None:
    if Case.objects.filter(project=project, subject__endswith=MARK).exists():
        return
    units = list(
        Unit.objects.filter(building__project=project).select_related("building").order_by("pk")
    )
    if not units:
        return
    rng = random.Random(f"repairq-{project.code}")
    rows = []
    start = now - datetime.timedelta(days=365)
    for day in range(0, 365, 3):
        unit = units[(day // 3) % len(units)]  # a unit comes again only by design (repeats)
        subject, category = rng.choice(PROBLEMS)
        contractor = rng.choice(list(CONTRACTORS))
        received = start + datetime.timedelta(days=day, hours=rng.randint(8, 17))
        closed = received + datetime.timedelta(days=rng.randint(1, 6))
        rows.append(_case(project, unit, subject, category, contractor, received, closed, now))
        roll = rng.random()
        if roll < CONTRACTORS[contractor]:  # comes back within the window (day 2–29)
            again = closed + datetime.timedelta(days=rng.randint(2, 29), hours=2)
        elif roll < CONTRACTORS[contractor] + 0.05:  # comes back later (day 31–60): not a repeat
            again = closed + datetime.timedelta(days=rng.randint(31, 60), hours=2)
        else:
            continue
        if again < now:
            closed_again = again + datetime.timedelta(days=2)
            rows.append(
                _case(project, unit, subject, category, contractor, again, closed_again, now)
            )
    Case.objects.bulk_create(rows)


def _case(project, unit, subject, category, contractor, received, closed, now) -> Case:
    done = closed < now
    return Case(
        project=project,
        kind=CaseKind.REPAIR,
        subject=subject + MARK,
        complaint_category=category,
        building=unit.building,
        unit=unit,
        received_at=received,
        repair_contractor=contractor,
        supervisor="王主管",
        responsible_person="工程部 李工",
        dispatched_at=received + datetime.timedelta(minutes=6),
        status=CaseStatus.CLOSED if done else CaseStatus.IN_PROGRESS,
        reply="已维修并回复业主" if done else "",
        replied_at=closed if done else None,
        closed_at=closed if done else None,
    )


def _seed_callbacks(project, now) -> None:
    """A year of answered callbacks for the dimensions: a monthly handful per rule, with
    scores rising through the year (the targets' trend)."""
    source = "demo-rq"
    if CallbackTask.objects.filter(project=project, source_key__startswith=source).exists():
        return
    customers = list(Customer.objects.filter(project=project).order_by("pk")[:12])
    if not customers:
        return
    rules = {
        r.code: r
        for r in CallbackRule.objects.filter(
            code__in=["sales", "property_service", "design", "repair", "complaint", "delivery"]
        )
    }
    questions = {}
    for q in Question.objects.filter(questionnaire__rule__in=list(rules), is_active=True):
        questions.setdefault(q.questionnaire.rule_id, []).append(q)
    rng = random.Random(f"repairq-cb-{project.code}")
    today = timezone.localdate(now)
    rows = []
    for months_ago in range(11, -1, -1):
        month = _months_back(today, months_ago)
        lift = (11 - months_ago) * 0.04  # scores improve over the year
        for code, rule in rules.items():
            for i in range(3):
                customer = customers[(i + months_ago) % len(customers)]
                answers = {}
                for q in questions.get(code, []):
                    if q.kind == Question.Kind.SCALE:
                        answers[str(q.pk)] = max(1, min(5, round(rng.gauss(3.6 + lift, 0.8))))
                    elif q.kind == Question.Kind.YES_NO:
                        answers[str(q.pk)] = "yes" if rng.random() < 0.8 else "no"
                if not answers:
                    continue
                completed = timezone.make_aware(
                    datetime.datetime.combine(
                        min(month + datetime.timedelta(days=5 + 7 * i), today), datetime.time(10)
                    )
                )
                values = [
                    v if isinstance(v, int) else (5 if v == "yes" else 1) for v in answers.values()
                ]
                rows.append(
                    CallbackTask(
                        project=project,
                        customer=customer,
                        rule=rule,
                        source_key=f"{source}:{month:%Y-%m}:{i}",
                        due_date=completed.date(),
                        status=CallbackStatus.REACHED,
                        attempts=1,
                        answers=answers,
                        score=(Decimal(sum(values)) / len(values)).quantize(Decimal("0.01")),
                        dissatisfied=any(v <= 2 for v in values),
                        completed_at=completed,
                    )
                )
    CallbackTask.objects.bulk_create(rows, ignore_conflicts=True)


def _seed_supervisors(project, now) -> None:
    lead = User.objects.filter(username=f"{project.code}_centre_head").first()
    people = [
        (f"{project.code}_repair_team", SupervisorGrade.GRADE_2, True),
        (f"{project.code}_engineering", SupervisorGrade.GRADE_3, False),  # behind this month
    ]
    today = timezone.localdate(now)
    for n, (username, grade, this_month) in enumerate(people):
        user = User.objects.filter(username=username).first()
        if user is None or SupervisorProfile.objects.filter(project=project, user=user).exists():
            continue
        profile = services.supervisor_create(
            project=project,
            user=user,
            grade=SupervisorGrade.GRADE_3,
            assessed_on=today - datetime.timedelta(days=300),
            by=lead,
        )
        if grade != SupervisorGrade.GRADE_3:
            services.supervisor_assess(
                supervisor=profile,
                grade=grade,
                assessed_on=today - datetime.timedelta(days=60),
                note="季度考核合格，晋升",
                by=lead,
            )
        for m in range(6):
            month = _months_back(today, m)
            MonthlyTraining.objects.get_or_create(
                supervisor=profile,
                month=month,
                topic=TRAINING[(m + n) % len(TRAINING)],
                defaults={"exam_score": Decimal(72 + (m * 7 + n * 5) % 26), "recorded_by": lead},
            )
            if m == 0 and not this_month:
                continue
            title, cause, fix, tags = LIBRARY[(m + n) % len(LIBRARY)]
            submitted = timezone.make_aware(
                datetime.datetime.combine(
                    min(month + datetime.timedelta(days=10), today), datetime.time(9)
                )
            )
            services.library_entry_create(
                model=RepairCaseEntry,
                project=project,
                author=user,
                now=submitted,
                title=f"{title}（{month:%Y-%m}）",
                problem=title,
                cause=cause,
                fix=fix,
                tags=tags,
            )
    desk = User.objects.filter(username=f"{project.code}_front_desk").first()
    if not DesignCaseEntry.objects.filter(project=project).exists():
        services.library_entry_create(
            model=DesignCaseEntry,
            project=project,
            author=desk,
            title="阳台无排水地漏，雨天积水",
            problem="多位业主投诉开放式阳台未设地漏，暴雨时积水倒灌客厅。",
            cause="设计未考虑开放式阳台的排水。",
            fix="增设地漏并反馈设计单位，后续项目标准图纸增加阳台地漏。",
            tags="设计 阳台 排水",
        )
        services.library_entry_create(
            model=DesignCaseEntry,
            project=project,
            author=desk,
            title="主卧采光不足",
            problem="客户反映北向主卧采光差。",
            cause="户型朝向与楼间距。",
            fix="设计回访收集意见，纳入后续户型优化。",
            tags="设计 户型 采光",
        )


def _seed_targets(project, now) -> None:
    year = timezone.localdate(now).year
    YearlyTarget.objects.get_or_create(
        project=project,
        year=year,
        defaults={
            "product_target": Decimal("4.00"),
            "engineering_target": Decimal("4.00"),
            "design_target": Decimal("3.80"),
            "experience_target": Decimal("4.20"),
            "sales_target": Decimal("4.30"),
            "customer_service_target": Decimal("4.20"),
            "property_service_target": Decimal("4.00"),
            "note": "提升维修一次成功率；建立维修案例库；设计类意见快速恢复流程。",
        },
    )


def _seed_photos(project) -> None:
    entry = RepairCaseEntry.objects.filter(project=project).order_by("pk").first()
    user = User.objects.filter(username=f"{project.code}_repair_team").first()
    if entry is not None and user is not None:
        demo_attach(
            entry,
            name="repair-case.png",
            content=demo_png((70, 110, 160)),
            user=user,
            description="维修前后照片",
        )
