"""Default levels (R-COM-1, R-COM-4, R-COM-5), role permissions and beat schedules (R-JOB-1).

Frozen: the values below are a literal copy of ``communication/defaults.py`` and of the
``salesite.roles.grant`` helper as they were when this migration was written, so later edits
to the app's code do not rewrite history (issue 13, item 5).
"""

import datetime

from django.db import migrations

LIAISON, INTERNAL, REPORT = "liaison", "internal", "report"
PROPERTY_ROLES = [
    "cs_lead",
    "security_lead",
    "centre_head",
    "subsidiary_deputy",
    "subsidiary_gm",
    "hq_inspector",
    "front_desk",
    "customer_ambassador",
    "engineering",
    "security",
    "cashier",
    "archivist",
    "repair_team",
]
DEVELOPER_ROLES = [
    "dev_marketing_supervisor",
    "dev_marketing_manager",
    "dev_sales_director",
    "dev_regional_gm",
]
LEADS = ["cs_lead", "security_lead", "centre_head", "subsidiary_deputy", "subsidiary_gm"]

# code, name, kind, property role, developer role, period, output, rank, escalates to,
# reminder (time, weekday, monthday), has next plan, recorder roles, participants, output note
DEFAULT_LEVELS = [
    dict(
        code="daily",
        name="日沟通",
        kind=LIAISON,
        property_role="cs_lead",
        developer_role="dev_marketing_supervisor",
        period="day",
        output="log",
        rank=10,
        reminder_time=datetime.time(17, 0),
        recorders=["cs_lead", "centre_head"],
        participants_note="客服负责人 + 营销/策划主管/主任",
        output_note="沟通日志；问题当天处理，未解决的立即上报双方领导",
    ),
    dict(
        code="weekly",
        name="周沟通",
        kind=LIAISON,
        property_role="centre_head",
        developer_role="dev_marketing_manager",
        period="week",
        output="minutes",
        rank=20,
        reminder_time=datetime.time(15, 0),
        reminder_weekday=5,
        recorders=["centre_head", "subsidiary_deputy"],
        participants_note="物管中心/处负责人 + 营销/策划经理",
        output_note="会议纪要，报公司领导",
    ),
    dict(
        code="monthly",
        name="月沟通",
        kind=LIAISON,
        property_role="subsidiary_deputy",
        developer_role="dev_sales_director",
        period="month",
        output="minutes",
        rank=30,
        reminder_time=datetime.time(10, 0),
        reminder_monthday=25,
        recorders=["subsidiary_deputy", "subsidiary_gm"],
        participants_note="下属公司分管领导 + 销售总监/项目总",
        output_note="会议纪要，报领导并下发执行",
    ),
    dict(
        code="quarterly",
        name="季度沟通",
        kind=LIAISON,
        property_role="subsidiary_gm",
        developer_role="dev_regional_gm",
        period="quarter",
        output="minutes",
        rank=40,
        reminder_time=datetime.time(10, 0),
        reminder_monthday=15,
        recorders=["subsidiary_gm"],
        participants_note="下属公司总经理 + 地区公司总经理",
        output_note="会议纪要，附指导意见下发各下属公司",
    ),
    dict(
        code="dept_daily_review",
        name="部门日讲评",
        kind=INTERNAL,
        property_role="cs_lead",
        period="day",
        output="log",
        rank=10,
        escalates_to="centre_daily_review",
        reminder_time=datetime.time(17, 30),
        recorders=["cs_lead", "security_lead", "centre_head"],
        participants_note="部门负责人 + 当班员工",
        output_note="讲评记录；部门解决不了的问题上报物管中心负责人",
    ),
    dict(
        code="dept_weekly_meeting",
        name="部门周例会",
        kind=INTERNAL,
        property_role="cs_lead",
        period="week",
        output="minutes",
        rank=15,
        escalates_to="centre_weekly_meeting",
        reminder_time=datetime.time(16, 0),
        reminder_weekday=5,
        recorders=["cs_lead", "security_lead", "centre_head"],
        participants_note="部门负责人 + 部门员工",
        output_note="例会纪要",
    ),
    dict(
        code="centre_daily_review",
        name="物管中心日讲评",
        kind=INTERNAL,
        property_role="centre_head",
        period="day",
        output="log",
        rank=20,
        escalates_to="centre_weekly_meeting",
        reminder_time=datetime.time(18, 0),
        recorders=["centre_head"],
        participants_note="物管中心/处负责人 + 客服负责人 + 安管负责人",
        output_note="讲评记录",
    ),
    dict(
        code="centre_weekly_meeting",
        name="物管中心周例会",
        kind=INTERNAL,
        property_role="centre_head",
        period="week",
        output="minutes",
        rank=30,
        reminder_time=datetime.time(16, 0),
        reminder_weekday=5,
        recorders=["centre_head"],
        participants_note="物管中心/处负责人 + 各部门负责人",
        output_note="例会纪要",
    ),
    dict(
        code="weekly_report",
        name="服务周志",
        kind=REPORT,
        property_role="cs_lead",
        period="week",
        output="report",
        rank=10,
        reminder_time=datetime.time(16, 0),
        reminder_weekday=5,
        recorders=["cs_lead", "centre_head"],
        participants_note="客服负责人",
        output_note="本周工作小结及反馈信息",
    ),
    dict(
        code="monthly_report",
        name="服务月志",
        kind=REPORT,
        property_role="centre_head",
        period="month",
        output="report",
        rank=20,
        has_next_plan=True,
        reminder_time=datetime.time(16, 0),
        reminder_monthday=25,
        recorders=["cs_lead", "centre_head"],
        participants_note="物管中心/处负责人",
        output_note="本月进度总结及下月计划",
    ),
]

VIEW_PERMS = [
    "communication.view_communicationrecord",
    "communication.view_problem",
    "communication.view_communicationlevel",
]
LEAD_PERMS = [
    "communication.add_communicationrecord",
    "communication.change_communicationrecord",
    "communication.add_problem",
    "communication.change_problem",
    "communication.escalate_problem",
]

# name, task, crontab (minute, hour, day_of_week)
SCHEDULES = [
    (
        "沟通机制：未完成沟通提醒",
        "communication.tasks.communication_send_reminders",
        ("*/15", "*", "*"),
    ),
    ("沟通机制：标记沟通逾期", "communication.tasks.communication_mark_overdue", ("20", "0", "*")),
    (
        "沟通机制：标记问题逾期",
        "communication.tasks.communication_mark_problems_overdue",
        ("30", "*", "*"),
    ),
]


def _ensure_permissions(apps):
    """Create the permission rows now (they are normally made after migrate finishes)."""
    from django.contrib.auth.management import create_permissions

    if getattr(apps, "_salesite_permissions_ensured", False):
        return  # once per migration state: several grants in one migration share it
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    apps._salesite_permissions_ensured = True


def _grant(apps, role_codes, perms):
    """Add permissions to roles by code (private copy of salesite.roles.grant)."""
    _ensure_permissions(apps)
    Role = apps.get_model("salesite", "Role")
    Permission = apps.get_model("auth", "Permission")
    objs = []
    for perm in perms:
        app_label, codename = perm.split(".")
        objs.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    for role in Role.objects.filter(code__in=role_codes):
        role.permissions.add(*objs)


LEVEL_FIELDS = {
    "name",
    "kind",
    "period",
    "output",
    "rank",
    "reminder_time",
    "reminder_weekday",
    "reminder_monthday",
    "has_next_plan",
    "participants_note",
    "output_note",
}


def create_levels(apps, schema_editor):
    Level = apps.get_model("communication", "CommunicationLevel")
    Role = apps.get_model("salesite", "Role")
    roles = {r.code: r for r in Role.objects.all()}
    levels = {}
    for spec in DEFAULT_LEVELS:
        defaults = {k: v for k, v in spec.items() if k in LEVEL_FIELDS}
        defaults["property_role"] = roles.get(spec.get("property_role"))
        defaults["developer_role"] = roles.get(spec.get("developer_role"))
        level, created = Level.objects.get_or_create(code=spec["code"], defaults=defaults)
        if created:
            level.recorder_roles.set([roles[c] for c in spec["recorders"] if c in roles])
        levels[spec["code"]] = (level, created)
    for spec in DEFAULT_LEVELS:
        level, created = levels[spec["code"]]
        if created and spec.get("escalates_to"):
            level.escalates_to = levels[spec["escalates_to"]][0]
            level.save(update_fields=["escalates_to"])


def grant_permissions(apps, schema_editor):
    _grant(apps, PROPERTY_ROLES + DEVELOPER_ROLES, VIEW_PERMS)
    _grant(apps, LEADS, LEAD_PERMS)


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour, dow) in SCHEDULES:
        crontab = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week=dow,
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Shanghai",
        )[0]
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


class Migration(migrations.Migration):
    dependencies = [
        ("communication", "0001_initial"),
        ("salesite", "0002_default_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_levels, migrations.RunPython.noop),
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
        migrations.RunPython(create_schedules, migrations.RunPython.noop),
    ]
