"""Defaults of the feedback app (all editable in admin afterwards): permissions for the roles,
the job schedules, the callback questionnaires with the 6+2 check questions (R-FB-6), and the
catalogue of 6+2 step actions (R-FB-9)."""

from django.db import migrations

CASE_MODELS = ["case", "ambassadorassignment"]
CALLBACK_MODELS = ["callbacktask"]
STEP_MODELS = ["customersteprecord", "projectsteprecord"]


def _p(actions, models):
    return [f"feedback.{a}_{m}" for m in models for a in actions]


VIEW = _p(["view"], CASE_MODELS + CALLBACK_MODELS + STEP_MODELS + ["deadlinebreach"])
FRONT = _p(["add", "change"], ["case", "callbacktask", "customersteprecord"])
LEAD = FRONT + _p(["add", "change"], ["ambassadorassignment", "projectsteprecord"])
PROPERTY_ALL = [
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

SCHEDULES = [
    # name, task, (minute, hour, day of month)
    ("feedback_deadline_breaches", "feedback.tasks.feedback_deadline_breaches", ("*/5", "*", "*")),
    # Daily: the monthly batches are due on the 1st; other rules are generated a week ahead.
    ("feedback_callbacks_generate", "feedback.tasks.feedback_callbacks_generate", ("10", "1", "*")),
]

SCALE, YES_NO, TEXT = "scale", "yes_no", "text"
SIX_PLUS_TWO_CHECK = [
    ("您是否被邀请参加过工地开放日？", YES_NO),
    ("是否定期收到工程进度的告知？", YES_NO),
    ("您是否知道投诉的渠道？", YES_NO),
    ("服务人员是否定期与您联系？", YES_NO),
]
DAILY_LIVING = [
    ("您始终信任我们", SCALE),
    ("我们尊重业主", SCALE),
    ("我们一直在关怀您", SCALE),
]
QUESTIONNAIRES = [
    (
        "sales",
        "销售服务回访（销售、签约、按揭）",
        [("对销售、签约、按揭服务的总体满意度", SCALE)]
        + SIX_PLUS_TWO_CHECK
        + [("意见和建议", TEXT)],
    ),
    (
        "delivery",
        "交付及集中整改回访",
        [("对交付服务的满意度", SCALE), ("对集中整改的满意度", SCALE)]
        + SIX_PLUS_TWO_CHECK
        + [("意见和建议", TEXT)],
    ),
    (
        "residence_3m",
        "入住3个月回访（嘘寒问暖）",
        [("入住以来的居住满意度", SCALE)] + DAILY_LIVING + [("生活中遇到的不便", TEXT)],
    ),
    (
        "quality_1y",
        "入住1年质量回访（承担责任）",
        [
            ("五金件使用情况", SCALE),
            ("排水情况", SCALE),
            ("用电安全", SCALE),
            ("燃气安全", SCALE),
        ]
        + DAILY_LIVING
        + [("需要报修的问题", TEXT)],
    ),
    ("repair", "维修回访", [("对维修结果的满意度", SCALE), ("对施工单位的满意度", SCALE)]),
    (
        "repair_major",
        "重点工程第二次回访",
        [("维修效果是否持续良好", YES_NO), ("总体满意度", SCALE)],
    ),
    (
        "rectification",
        "整改满意度回访",
        [
            ("对维修整改的结果是否满意", SCALE),
            ("对维修整改的过程是否满意", SCALE),
            ("对维修整改的负责人是否满意", SCALE),
        ],
    ),
]

STEP_ACTIONS = [
    # code, step, name, per_project
    ("project_info", "handshake", "告知项目信息与特色", False),
    ("unfavourable_disclosed", "handshake", "披露红线内外不利因素", False),
    ("channels_told", "handshake", "告知沟通渠道", False),
    ("cancellation_disclosed", "handshake", "告知3天无理由退房", False),
    ("contract_explained", "contract", "解释合同条款", False),
    ("procedures_told", "contract", "告知办理手续与流程", False),
    ("contract_channels", "contract", "告知签约后沟通渠道", False),
    ("progress_notice", "contact", "工程进度告知", False),
    ("design_change_notice", "contact", "设计变更告知", False),
    ("site_open_day", "contact", "工地开放日", False),
    ("inspection_guidance", "move_in", "验房指引", False),
    ("fees_explained", "move_in", "费用说明", False),
    ("handover", "move_in", "交房", False),
    ("renovation_guidance", "move_in", "装修指引", False),
    ("congratulations", "move_in", "乔迁祝贺", False),
    ("complaint_guidance", "move_in", "投诉指引", False),
    ("callback_3m", "care", "入住3个月回访", False),
    ("check_1y", "responsibility", "入住1年质量检查", False),
    ("continuous_feedback", "along", "持续反馈与回访", False),
    ("facility_renewal_plan", "four_years", "首次交付4年后公共设施更新计划", True),
]


# A private copy of salesite.roles.grant as it was when this migration was written: a
# migration must not import live code (issue 13, item 5).
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


def grant(apps, role_codes, perms):
    """Add permissions to roles by code."""
    _ensure_permissions(apps)
    Role = apps.get_model("salesite", "Role")
    Permission = apps.get_model("auth", "Permission")
    objs = []
    for perm in perms:
        app_label, codename = perm.split(".")
        objs.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    for role in Role.objects.filter(code__in=role_codes):
        role.permissions.add(*objs)


def grant_permissions(apps, schema_editor):
    grant(apps, PROPERTY_ALL, VIEW)
    grant(apps, ["front_desk", "customer_ambassador", "repair_team", "engineering"], FRONT)
    grant(apps, ["cs_lead", "centre_head"], LEAD)


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour, dom) in SCHEDULES:
        crontab = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week="*",
            day_of_month=dom,
            month_of_year="*",
            timezone="Asia/Shanghai",
        )[0]
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def create_questionnaires(apps, schema_editor):
    Questionnaire = apps.get_model("feedback", "Questionnaire")
    Question = apps.get_model("feedback", "Question")
    for rule, name, questions in QUESTIONNAIRES:
        qn, created = Questionnaire.objects.get_or_create(rule=rule, defaults={"name": name})
        if created:
            Question.objects.bulk_create(
                Question(questionnaire=qn, text=text, kind=kind, order=(i + 1) * 10)
                for i, (text, kind) in enumerate(questions)
            )


def create_step_actions(apps, schema_editor):
    StepAction = apps.get_model("feedback", "StepAction")
    for i, (code, step, name, per_project) in enumerate(STEP_ACTIONS):
        StepAction.objects.get_or_create(
            code=code,
            defaults={
                "step": step,
                "name": name,
                "order": (i + 1) * 10,
                "per_project": per_project,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("salesite", "0002_default_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
        migrations.RunPython(create_schedules, migrations.RunPython.noop),
        migrations.RunPython(create_questionnaires, migrations.RunPython.noop),
        migrations.RunPython(create_step_actions, migrations.RunPython.noop),
    ]
