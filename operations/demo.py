"""Demo data of sales-site operations (R-X-8), called by ``seed_demo`` after the core demo.
Idempotent: rows are found by natural keys (get_or_create) or created once per project, so a
second run creates nothing. Today's roster on 滨江壹号 leaves one post short on purpose; 滨江壹号
has a revised service plan and an HQ inspection with an overdue item, the other projects a
first plan (submitted on 云栖花园, filed on 海棠湾) and an inspection with a photo each."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from operations.models import (
    Inspection,
    InspectionChecklist,
    InspectionItem,
    MarketingEvent,
    RosterEntry,
    ServicePlan,
    ServicePost,
    ServiceType,
    Shift,
    SiteArea,
    TrainingSession,
)
from salesite.demo import demo_attach, demo_png
from salesite.models import Project, User

from . import services

SHIFTS = [
    ("早班", datetime.time(8, 30), datetime.time(14, 30)),
    ("晚班", datetime.time(12, 30), datetime.time(18, 30)),
]

# area name, kind, [(post, headcount, duties, standard)]
AREAS = [
    (
        "营销中心外围",
        SiteArea.Kind.PERIMETER,
        [
            ("形象岗", 1, "营销中心入口形象展示，迎候来访客户。", "军姿站立，标准敬礼，主动问候。"),
            (
                "车辆指引岗",
                1,
                "指引来访车辆停放，维持入口交通秩序。",
                "规范手势指引，车辆到达 10 秒内响应。",
            ),
        ],
    ),
    (
        "营销中心",
        SiteArea.Kind.CENTRE,
        [
            (
                "前台接待岗",
                2,
                "迎宾指引、来访登记、客户引导至销售区。",
                "客户进门 3 秒内起身问候，微笑服务。",
            ),
            ("水吧岗", 1, "为来访客户提供茶饮服务。", "客户入座 2 分钟内奉上茶饮，及时续杯。"),
        ],
    ),
    (
        "样板房",
        SiteArea.Kind.SHOW_UNIT,
        [("样板房接待岗", 1, "样板房讲解引导、鞋套发放、物品看护。", "保持样板房整洁，讲解规范。")],
    ),
    (
        "停车场",
        SiteArea.Kind.PARKING,
        [("停车场指引岗", 1, "停车场车辆引导、电瓶车接送调度。", "车辆有序停放，无乱停乱放。")],
    ),
]

ROSTER_ROLES = [
    "front_desk",
    "customer_ambassador",
    "security",
    "security_lead",
    "cs_lead",
    "engineering",
    "repair_team",
    "cashier",
    "archivist",
]

CHECKLIST = [
    ("appearance", "营销中心外围及入口形象整洁，绿化、标识完好", 5),
    ("appearance", "员工仪容仪表、着装规范", 5),
    ("posts", "各岗位按排班到岗，无空岗、脱岗", 10),
    ("posts", "岗位交接班记录完整", 5),
    ("standards", "迎宾问候、引导手势符合服务标准", 10),
    ("standards", "茶饮服务及时、规范", 5),
    ("standards", "样板房接待讲解规范，鞋套、物品管理到位", 10),
    ("records", "日讲评、周例会记录完整", 5),
    ("records", "培训记录及考核结果齐全", 5),
]


def _user(code: str, role: str) -> User:
    return User.objects.get(username=f"{code}_{role}")


@transaction.atomic
def seed_demo(today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    shifts = [
        Shift.objects.get_or_create(
            project=None, name=name, defaults={"start": start, "end": end, "order": i * 10}
        )[0]
        for i, (name, start, end) in enumerate(SHIFTS, start=1)
    ]
    checklist = _checklist()
    for project in Project.objects.filter(code__in=["binjiang", "yunqi", "haitang"]):
        posts = _areas_and_posts(project, shifts)
        _roster(project, posts, shifts, today)
        _trainings(project, today)
        _events(project, today)
        if project.code == "binjiang":
            _plan(project)
            _inspection(project, checklist, today)
        else:
            _first_plan(project, filed=project.code == "haitang")
            _recent_inspection(project, checklist, today)
        _inspection_photo(project)


def _areas_and_posts(project, shifts) -> list[ServicePost]:
    posts = []
    for order, (area_name, kind, post_rows) in enumerate(AREAS, start=1):
        area, _ = SiteArea.objects.get_or_create(
            project=project, name=area_name, defaults={"kind": kind, "order": order * 10}
        )
        for i, (name, headcount, duties, standard) in enumerate(post_rows, start=1):
            post, created = ServicePost.objects.get_or_create(
                area=area,
                name=name,
                defaults={
                    "headcount": headcount,
                    "duties": duties,
                    "work_standard": standard,
                    "order": i * 10,
                },
            )
            if created:
                post.shifts.set(shifts)
            posts.append(post)
    return posts


def _roster(project, posts, shifts, today) -> None:
    staff = list(
        User.objects.filter(username__in=[f"{project.code}_{r}" for r in ROSTER_ROLES]).order_by(
            "username"
        )
    )
    if not staff:
        return
    for offset in range(0, 4):
        day = today + datetime.timedelta(days=offset)
        n = offset
        for post in posts:
            for shift in shifts:
                # The demo's empty post: 水吧岗 late shift today on 滨江壹号.
                if (
                    project.code == "binjiang"
                    and offset == 0
                    and post.name == "水吧岗"
                    and shift.name == "晚班"
                ):
                    continue
                for _k in range(post.headcount):
                    user = staff[n % len(staff)]
                    n += 1
                    RosterEntry.objects.get_or_create(
                        date=day,
                        post=post,
                        shift=shift,
                        user=user,
                        defaults={"project": project},
                    )


def _plan(project) -> None:
    if ServicePlan.objects.filter(project=project).exists():
        return
    lead = _user(project.code, "cs_lead")
    hq = _user(project.code, "hq_inspector")
    plan = services.plan_create(
        project=project,
        user=lead,
        title=f"{project.name}营销现场配合服务方案",
        external_customers="主力客群为 30-45 岁改善型家庭，注重私密与品质。\n外地投资客约占两成。",
        internal_customers="地产营销/策划团队、销售顾问：需要物业在客户接待高峰时补位。",
        customer_needs="停车便利、等候舒适、看房动线清晰。",
        customer_habits="周末集中到访，多为全家出行，带儿童比例高。",
        customer_culture="重视礼节与“到家”式的亲切服务。",
        atmosphere_preferences="安静雅致的洽谈氛围，水吧提供本地茶饮。",
        demand_research="与营销策划主管每周沟通一次，确认开盘节点的接待量与服务重点。",
        functional_areas="营销中心外围、接待区、洽谈区、水吧、样板房、停车场。",
        customer_route="停车场 → 外围形象岗 → 前台接待 → 沙盘讲解 → 样板房 → 洽谈区 → 送客。",
        posts_plan="形象岗 1、车辆指引岗 1、前台接待岗 2、水吧岗 1、样板房接待岗 1、停车场指引岗 1。",
    )
    types = {t.name: t for t in ServiceType.objects.filter(project__isnull=True)}
    for name, standard in [
        ("形象展示", "着装统一，站姿规范，主动问候。"),
        ("车辆指引", "车辆到达 10 秒内引导，规范手势。"),
        ("迎宾指引", "客户进门 3 秒内问候并引导。"),
        ("茶饮提供", "客户入座 2 分钟内奉茶。"),
        ("样板房接待", "鞋套发放、讲解规范、物品看护。"),
        ("客户大使", "重要客户全程陪同。"),
    ]:
        services.plan_service_set(plan=plan, service_type=types[name], standard=standard)
    services.plan_submit(plan=plan, user=lead)
    services.plan_file(plan=plan, user=hq, comment="方案完整，同意备案。")
    v2 = services.plan_revise(plan=plan, user=lead, reason="开盘后接待量增加，调整岗位与服务。")
    services.plan_update(
        plan=v2,
        user=lead,
        posts_plan="形象岗 1、车辆指引岗 2、前台接待岗 2、水吧岗 1、样板房接待岗 2、停车场指引岗 1。",
        customer_route="停车场（电瓶车接送）→ 外围形象岗 → 前台接待 → 沙盘讲解 → 样板房 → 洽谈区 → 送客。",
    )
    services.plan_service_set(
        plan=v2,
        service_type=types["电瓶车接送"],
        standard="停车场至营销中心循环接送，候车不超过 5 分钟。",
    )
    services.plan_submit(plan=v2, user=lead)


def _first_plan(project, *, filed: bool) -> None:
    """A shorter first version: submitted and waiting for HQ, or already filed."""
    if ServicePlan.objects.filter(project=project).exists():
        return
    lead = _user(project.code, "cs_lead")
    plan = services.plan_create(
        project=project,
        user=lead,
        title=f"{project.name}营销现场配合服务方案",
        external_customers="本地首置及改善型家庭为主，关注学区与通勤。",
        internal_customers="地产营销/策划团队：周末及节假日接待量大，需要物业补位。",
        customer_needs="看房动线清晰、等候区舒适、停车方便。",
        functional_areas="营销中心外围、接待区、水吧、样板房、停车场。",
        customer_route="停车场 → 外围形象岗 → 前台接待 → 沙盘讲解 → 样板房 → 洽谈区 → 送客。",
        posts_plan="形象岗 1、车辆指引岗 1、前台接待岗 2、水吧岗 1、样板房接待岗 1、停车场指引岗 1。",
    )
    types = {t.name: t for t in ServiceType.objects.filter(project__isnull=True)}
    for name, standard in [
        ("迎宾指引", "客户进门 3 秒内问候并引导。"),
        ("茶饮提供", "客户入座 2 分钟内奉茶。"),
        ("样板房接待", "鞋套发放、讲解规范、物品看护。"),
    ]:
        services.plan_service_set(plan=plan, service_type=types[name], standard=standard)
    services.plan_submit(plan=plan, user=lead)
    if filed:
        hq = _user(project.code, "hq_inspector")
        services.plan_file(plan=plan, user=hq, comment="方案可行，同意备案。")


def _recent_inspection(project, checklist, today) -> None:
    """An HQ inspection 18 days ago with one low score: on 云栖花园 the fix is verified by HQ,
    on 海棠湾 it is still open with a deadline next week."""
    if Inspection.objects.filter(project=project).exists():
        return
    hq = _user(project.code, "hq_inspector")
    owner = _user(project.code, "cs_lead")
    date = today - datetime.timedelta(days=18)
    inspection = services.inspection_create(
        project=project, checklist=checklist, date=date, inspector=hq
    )
    weak = "样板房接待讲解" if project.code == "yunqi" else "员工仪容仪表"
    scores = {}
    for s in inspection.scores.select_related("item"):
        if s.item.text.startswith(weak):
            scores[s.pk] = (s.item.max_score - 3, "抽查时讲解不完整，鞋套未及时补充。")
        else:
            scores[s.pk] = (s.item.max_score, "")
    services.inspection_score(inspection=inspection, scores=scores)
    fixed = project.code == "yunqi"
    items = services.inspection_complete(
        inspection=inspection,
        user=hq,
        owner=owner,
        deadline=date + datetime.timedelta(days=7) if fixed else today + datetime.timedelta(days=6),
        summary="整体良好，个别服务标准执行不到位。",
    )
    if fixed:
        for item in items:
            services.rectification_done(item=item, user=owner, note="已组织专项培训并现场复训。")
            services.rectification_verify(item=item, user=hq, accepted=True, note="复查合格。")


def _inspection_photo(project) -> None:
    inspection = Inspection.objects.filter(project=project).order_by("date", "pk").first()
    if inspection is None:
        return
    demo_attach(
        inspection,
        name="检查现场照片.png",
        content=demo_png((96, 125, 139)),
        user=_user(project.code, "hq_inspector"),
        description="检查时拍摄的营销中心现场",
    )


def _trainings(project, today) -> None:
    rows = [
        (today - datetime.timedelta(days=20), "营销现场服务流程与礼仪", "service_flow"),
        (today - datetime.timedelta(days=6), "车辆指引与对讲机操作", "operation_skills"),
    ]
    staff = [_user(project.code, r) for r in ("front_desk", "customer_ambassador", "security")]
    trainer = _user(project.code, "cs_lead")
    for date, topic, kind in rows:
        if TrainingSession.objects.filter(project=project, topic=topic).exists():
            continue
        session = TrainingSession.objects.create(
            project=project,
            date=date,
            topic=topic,
            kind=kind,
            trainer=trainer,
            hours=2,
            place="营销中心会议室",
            content=f"{topic}：讲解、示范与现场演练。",
        )
        for i, user in enumerate(staff):
            score = 92 - i * 12
            services.training_attendance_set(
                session=session,
                user=user,
                score=score,
                passed=score >= 70,
                result="合格" if score >= 70 else "需补训",
            )


def _events(project, today) -> None:
    now = timezone.now()
    lead = _user(project.code, "cs_lead")
    staff = [_user(project.code, r) for r in ("front_desk", "customer_ambassador", "security")]
    title = f"{project.name}开盘答谢会"
    if not MarketingEvent.objects.filter(project=project, title=title).exists():
        event = services.event_create(
            user=lead,
            staff=staff,
            project=project,
            kind=MarketingEvent.Kind.MARKETING,
            title=title,
            starts_at=now - datetime.timedelta(days=12),
            ends_at=now - datetime.timedelta(days=12) + datetime.timedelta(hours=3),
            place="营销中心",
            expected_visitors=150,
        )
        for item in event.checklist.all():
            services.event_checklist_toggle(item=item, user=lead, done=True)
        services.event_transition(event=event, to="prepared", user=lead)
        services.event_transition(event=event, to="held", user=lead)
        services.event_record_outcome(
            event=event,
            user=lead,
            visitor_count=168,
            evaluation="到访人数超出预期；停车引导在高峰时段压力较大，下次增加临时车辆指引岗。",
            rating=4,
        )
        services.event_transition(event=event, to="closed", user=lead)
    title = f"{project.name}客户俱乐部亲子活动"
    if not MarketingEvent.objects.filter(project=project, title=title).exists():
        event = services.event_create(
            user=lead,
            staff=staff[:2],
            project=project,
            kind=MarketingEvent.Kind.CLUB,
            title=title,
            starts_at=now + datetime.timedelta(days=5),
            place="样板房花园",
            expected_visitors=60,
        )
        first = event.checklist.first()
        services.event_checklist_toggle(item=first, user=lead, done=True)


def _checklist() -> InspectionChecklist:
    checklist, created = InspectionChecklist.objects.get_or_create(
        name="营销现场物业服务品质检查表",
        defaults={"description": "总部住宅项目部对营销现场物业服务品质的检查标准。"},
    )
    if created:
        InspectionItem.objects.bulk_create(
            InspectionItem(
                checklist=checklist, category=cat, text=text, max_score=score, order=i * 10
            )
            for i, (cat, text, score) in enumerate(CHECKLIST, start=1)
        )
    return checklist


def _inspection(project, checklist, today) -> None:
    if Inspection.objects.filter(project=project).exists():
        return
    hq = _user(project.code, "hq_inspector")
    owner = _user(project.code, "cs_lead")
    inspection = services.inspection_create(
        project=project, checklist=checklist, date=today - datetime.timedelta(days=10), inspector=hq
    )
    scores = {}
    for s in inspection.scores.select_related("item"):
        if s.item.text.startswith("各岗位按排班"):
            scores[s.pk] = (7, "水吧岗晚班无人值守。")
        elif s.item.text.startswith("茶饮服务"):
            scores[s.pk] = (3, "高峰时段奉茶超过 5 分钟。")
        else:
            scores[s.pk] = (s.item.max_score, "")
    services.inspection_score(inspection=inspection, scores=scores)
    items = services.inspection_complete(
        inspection=inspection,
        user=hq,
        owner=owner,
        deadline=today - datetime.timedelta(days=3),
        summary="整体良好，岗位值守与茶饮服务需整改。",
    )
    # One stays overdue; the other got a later deadline and is done, waiting for HQ.
    later = items[-1]
    services.rectification_update(
        item=later, owner=owner, deadline=today + datetime.timedelta(days=4)
    )
    services.rectification_done(item=later, user=owner, note="已调整高峰时段水吧人员。")
