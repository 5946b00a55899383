"""Demo data of the communication app (R-X-8): four weeks of daily logs, weekly minutes,
internal reviews and service reports on 滨江壹号 and 云栖花园 (ten days on 海棠湾), with problems
in every state and some missing days so the compliance page shows gaps; then the nightly
compliance job marks the periods missed in the last week. Idempotent: a project that already
has records is left alone, and the job records each missed period once."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from communication import services
from communication.models import CommunicationLevel, CommunicationRecord
from salesite.models import JobRun, Project, ProjectMembership, User

DAYS = 28
# project → (days of records before today, the days without a daily log)
PROJECT_DAYS = {
    "binjiang": (DAYS, {4, 11, 19}),
    "yunqi": (DAYS, {2, 9, 15, 16, 23}),
    "haitang": (10, {3, 8}),
}
TOPICS = [
    ("周末看房客流较大，停车场指引人手不足", "周六日增加 2 名车辆指引岗"),
    ("样板房保洁时间与开放时间冲突", "保洁调整到 8:30 前完成"),
    ("开盘活动物料需提前到场", "物料周四下午进场，客服部配合验收"),
    ("电瓶车接送路线临时施工", "改走东侧看房通道，增加指示牌"),
    ("客户反映茶饮品种单一", "增加两种无糖茶饮"),
    ("营销中心空调温度偏低", "工程部调整至 26℃"),
]
PROBLEMS = [
    "停车场夜间照明不足",
    "样板房一处墙面渗水",
    "看房通道围挡松动",
    "客户对装修标准交底有疑问",
    "销售说辞与物业服务承诺不一致",
    "营销中心卫生间异味",
    "电瓶车充电桩故障",
]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour, minute)),
        timezone.get_default_timezone(),
    )


def seed_demo(today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    levels = {lv.code: lv for lv in CommunicationLevel.objects.all()}
    if "daily" not in levels:
        return
    for code, (days, gaps) in PROJECT_DAYS.items():
        project = Project.objects.filter(code=code).first()
        if project is None or CommunicationRecord.objects.filter(project=project).exists():
            continue
        with transaction.atomic():
            _seed_project(project, levels, gaps, today, days)
    # Last night's run of the compliance job: periods of the past week short of records.
    # Once: a second seed would only log another run of the job.
    if not JobRun.objects.filter(job_name="communication_mark_overdue").exists():
        services.communication_mark_overdue(now=_at(today, 1))


def _user(project, role_code):
    return User.objects.filter(
        memberships__project=project, memberships__role__code=role_code
    ).first()


def _seed_project(project, levels, gaps, today, days=DAYS):
    lead = _user(project, "cs_lead")
    head = _user(project, "centre_head")
    deputy = _user(project, "subsidiary_deputy")
    gm = _user(project, "subsidiary_gm")
    security_lead = _user(project, "security_lead")
    if not (lead and head and deputy and gm):
        return
    members = {
        m.role.code: m
        for m in ProjectMembership.objects.filter(project=project).select_related("role")
    }
    dev_contact = (
        ProjectMembership.objects.filter(project=project, contact__isnull=False)
        .order_by("pk")
        .first()
    )
    daily_people = [
        m
        for m in [members.get("cs_lead"), members.get("dev_marketing_supervisor"), dev_contact]
        if m
    ]
    weekly_people = [
        m
        for m in [
            members.get("centre_head"),
            members.get("dev_marketing_manager"),
            members.get("cs_lead"),
        ]
        if m
    ]
    start = today - datetime.timedelta(days=days)
    problem_no = 0
    for offset in range(days):
        day = start + datetime.timedelta(days=offset)
        if offset not in gaps:
            topic, decision = TOPICS[offset % len(TOPICS)]
            problems = []
            if offset % 3 == 0:
                problems.append({"title": PROBLEMS[problem_no % len(PROBLEMS)], "owner": lead})
                problem_no += 1
            record = services.record_create(
                project=project,
                level=levels["daily"],
                user=lead,
                held_at=_at(day, 16, 30),
                place="营销中心洽谈室",
                participants=daily_people,
                topics=topic,
                decisions=decision,
                problems=problems,
            )
            _move_problems(record, offset, lead, levels, day, days)
        if offset % 2 == 0 and "dept_daily_review" in levels:
            services.record_create(
                project=project,
                level=levels["dept_daily_review"],
                user=lead,
                held_at=_at(day, 17, 45),
                participants=[members["cs_lead"]] if "cs_lead" in members else [],
                other_participants="当班客户助理、客户大使",
                topics="当日接待情况讲评，仪容仪表检查",
                decisions="次日重点：样板房接待",
            )
        if day.isoweekday() == 5:
            weekly = services.record_create(
                project=project,
                level=levels["weekly"],
                user=head,
                held_at=_at(day, 15, 0),
                place="物管中心会议室",
                participants=weekly_people,
                topics="本周营销现场配合情况；下周开盘活动准备",
                decisions="活动当天增加 6 名礼宾岗，安管部负责交通疏导",
                recipients=[u for u in [deputy, gm, security_lead] if u],
            )
            if offset < days - 7:
                services.minutes_acknowledge(record=weekly, user=deputy, now=_at(day, 18))
            services.record_create(
                project=project,
                level=levels["weekly_report"],
                user=lead,
                held_at=_at(day, 17, 0),
                summary="本周接待来访客户约 300 组，活动 1 场，客户表扬 3 次。",
                feedback="地产方希望周末延长样板房开放时间。",
            )
            if "centre_weekly_meeting" in levels and offset % 14 < 7:
                services.record_create(
                    project=project,
                    level=levels["centre_weekly_meeting"],
                    user=head,
                    held_at=_at(day, 9, 0),
                    participants=[
                        m
                        for m in [
                            members.get("centre_head"),
                            members.get("cs_lead"),
                            members.get("security_lead"),
                        ]
                        if m
                    ],
                    topics="各部门本周工作汇报",
                    decisions="安管部加强夜间巡查",
                    recipients=[lead] + ([security_lead] if security_lead else []),
                )
    # Last month's monthly minutes with a distribution list, partly acknowledged.
    last_month_day = today.replace(day=1) - datetime.timedelta(days=6)
    monthly = services.record_create(
        project=project,
        level=levels["monthly"],
        user=deputy,
        held_at=_at(last_month_day, 10, 0),
        place="地产营销中心会议室",
        participants=[
            m
            for m in [
                members.get("subsidiary_deputy"),
                members.get("dev_sales_director"),
                members.get("centre_head"),
            ]
            if m
        ],
        topics="开盘前准备情况；客户投诉趋势；下月交付计划",
        decisions="下月起每周五联合巡查样板区；投诉 24 小时内回复",
        recipients=[head, gm, lead],
    )
    services.minutes_acknowledge(record=monthly, user=head, now=_at(last_month_day, 16))
    services.record_create(
        project=project,
        level=levels["monthly_report"],
        user=head,
        held_at=_at(last_month_day, 17, 0),
        summary="本月完成开盘活动配合，接待客户 1200 组，满意度 96%。",
        feedback="地产方对礼宾服务评价较高。",
        next_plan="下月重点：交付前第一次模拟验收配合；客户大使培训。",
    )
    services.communication_mark_problems_overdue()


def _move_problems(record, offset, lead, levels, day, days=DAYS):
    """Leave the problems in every state: resolved, escalated (to weekly or straight to
    monthly), carried forward, and open past their due date."""
    for problem in record.problems_raised.all():
        kind = offset % 5
        if kind == 0:
            services.problem_resolve(
                problem=problem, resolution="当日已协调处理完毕。", user=lead, now=_at(day, 18)
            )
        elif kind == 1 and offset < days - 3:
            services.problem_escalate_now(problem=problem, user=lead, now=_at(day, 18))
        elif kind == 2:
            services.problem_escalate(
                problem=problem,
                to_level=levels["monthly"],
                reason="涉及销售承诺，需销售总监决定。",
                user=lead,
                now=_at(day, 18),
            )
        # kind 3/4: stays open on the daily agenda, carried forward and eventually overdue
