"""The default rows of the handover templates (SPEC R-HO-1, R-HO-2, R-HO-3): the global default
pre-delivery milestone plan with its eight steps, the ten progress milestones and the mock-
inspection defect categories. Existing milestones get the name, offset and mock-inspection rule
of their step copied in, as a batch created from now on does.

A frozen copy of the data (the code may change later; this migration must not).
"""

from django.db import migrations

PLAN_NAME = "标准交付前计划"

# (order, code, name, months, days, responsible role codes, scope, mock round)
STEPS = [
    (
        1,
        "design_survey",
        "前期设计质量摸底",
        5,
        0,
        ["engineering", "cs_lead"],
        "摸底常见设计问题",
        None,
    ),
    (2, "first_mock", "第一次模拟验收", 0, 100, ["engineering", "cs_lead"], "逐户验收", 1),
    (3, "risk_meeting", "项目风险预控会议", 3, 0, ["centre_head", "cs_lead"], "项目风险预控", None),
    (
        4,
        "second_mock",
        "第二次模拟验收",
        0,
        70,
        ["engineering", "cs_lead"],
        "复核第一次验收问题的整改",
        2,
    ),
    (5, "preview_prep", "提前看房准备会议", 2, 0, ["cs_lead", "centre_head"], "提前看房准备", None),
    (
        6,
        "risk_screening",
        "风险排查",
        0,
        50,
        ["centre_head", "cs_lead", "engineering"],
        "证照、合同、设计与施工质量、投诉、服务需求",
        None,
    ),
    (7, "finishing", "细部和收尾处理", 0, 40, ["engineering"], "细部和收尾", None),
    (
        8,
        "preview_event",
        "提前看房活动",
        1,
        0,
        ["cs_lead", "front_desk", "engineering"],
        "业主发现问题分类并分派",
        None,
    ),
]

PROGRESS_MILESTONES = [
    ("showroom_open", "样板示范区开放"),
    ("topped_out", "主体结构封顶"),
    ("exterior_done", "外装修工程竣工"),
    ("interior_mep_done", "内装修及机电安装工程竣工"),
    ("municipal_done", "市政配套竣工"),
    ("landscape_done", "外围园林竣工"),
    ("completion_accepted", "整体竣工验收通过"),
    ("property_takeover", "物业接管验收通过"),
    ("utilities_connected", "各项市政管线接驳贯通"),
    ("handover_showroom", "收楼样板区开放"),
]

DEFECT_CATEGORIES = [
    ("civil", "土建"),
    ("finish", "装饰装修"),
    ("plumbing", "给排水"),
    ("electrical", "电气"),
    ("doors_windows", "门窗"),
    ("other", "其他"),
]


def _options(model, rows):
    for order, (code, name) in enumerate(rows, start=1):
        model.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def create_defaults(apps, schema_editor):
    MilestonePlan = apps.get_model("handover", "MilestonePlan")
    MilestonePlanStep = apps.get_model("handover", "MilestonePlanStep")
    Milestone = apps.get_model("handover", "Milestone")
    DeliveryBatch = apps.get_model("handover", "DeliveryBatch")
    Role = apps.get_model("salesite", "Role")

    plan = MilestonePlan.objects.filter(company__isnull=True, is_default=True).first()
    if plan is None:
        plan = MilestonePlan.objects.create(
            name=PLAN_NAME,
            is_default=True,
            note="SPEC R-HO-1：交付前五个月至一个月的八个节点。",
        )
        roles = {r.code: r for r in Role.objects.all()}
        for order, code, name, months, days, role_codes, scope, mock_round in STEPS:
            step = MilestonePlanStep.objects.create(
                plan=plan,
                order=order,
                code=code,
                name=name,
                offset_months=months,
                offset_days=days,
                scope_note=scope,
                mock_round=mock_round,
            )
            step.responsible_roles.set([roles[c] for c in role_codes if c in roles])

    for _order, code, name, months, days, _roles, _scope, mock_round in STEPS:
        Milestone.objects.filter(kind=code, name="").update(
            name=name, offset_months=months, offset_days=days, mock_round=mock_round
        )
    DeliveryBatch.objects.filter(plan__isnull=True).update(plan=plan)

    _options(apps.get_model("handover", "ProgressMilestoneOption"), PROGRESS_MILESTONES)
    _options(apps.get_model("handover", "InspectionDefectCategoryOption"), DEFECT_CATEGORIES)


def remove_defaults(apps, schema_editor):
    apps.get_model("handover", "MilestonePlan").objects.filter(
        company__isnull=True, name=PLAN_NAME
    ).delete()
    apps.get_model("handover", "ProgressMilestoneOption").objects.all().delete()
    apps.get_model("handover", "InspectionDefectCategoryOption").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("handover", "0006_plans_tables"),
        ("salesite", "0002_default_roles"),
    ]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
