"""The callback rules as rows (issue #20): the seven rules of R-FB-6 with the behaviour they had
as code (sales and delivery on the 1st of the month, 3 months and 1 year after handover, 24 h
after a repair closes and again within 2 months for a major one, 1 week after a rectification),
and the three the Vanke plan names: complaint handling (24 h after a complaint closes),
property service (6 months after handover) and design (9 months after handover, a
questionnaire sent by SMS link) with their questionnaires. Edited in admin afterwards."""

from django.db import migrations

SCALE, YES_NO, TEXT = "scale", "yes_no", "text"

# code, name, trigger, offset value, offset unit, channel, order, explanation
RULES = [
    (
        "sales",
        "销售服务回访（签约次月）",
        "signed_in_month",
        0,
        "days",
        "phone",
        10,
        "每月初回访上月签约的客户：销售、签约、按揭服务（R-FB-6）。",
    ),
    (
        "delivery",
        "交付及集中整改回访（交房次月）",
        "handed_over_in_month",
        0,
        "days",
        "phone",
        20,
        "每月初回访上月交房的客户：交付与集中整改。",
    ),
    (
        "residence_3m",
        "入住3个月回访（嘘寒问暖）",
        "after_handover",
        3,
        "months",
        "phone",
        30,
        "交房后3个月（6+2 嘘寒问暖）。",
    ),
    (
        "property_service",
        "物业服务回访（交房后6个月）",
        "after_handover",
        6,
        "months",
        "phone",
        40,
        "交房后6个月回访物业服务：安保、保洁、绿化、维修与服务态度。",
    ),
    (
        "design",
        "设计回访（交房后9个月）",
        "after_handover",
        9,
        "months",
        "sms_questionnaire",
        50,
        "交房后9个月，以短信发送问卷链接，收集户型、采光、公共空间等设计意见。",
    ),
    (
        "quality_1y",
        "入住1年质量回访（承担责任）",
        "one_year_after_handover",
        0,
        "days",
        "phone",
        60,
        "交房满一年、保修期内：五金、排水、用电与燃气安全（6+2 承担责任）。",
    ),
    (
        "repair",
        "维修回访（关闭后24小时）",
        "repair_closed",
        24,
        "hours",
        "phone",
        70,
        "维修关闭后24小时内回访（R-FB-4）。",
    ),
    (
        "repair_major",
        "重点工程第二次回访（2个月内）",
        "major_repair_closed",
        2,
        "months",
        "phone",
        80,
        "重点工程维修关闭后2个月内再次回访。",
    ),
    (
        "rectification",
        "整改满意度回访（完成后1周）",
        "rectification_done",
        1,
        "weeks",
        "phone",
        90,
        "整改完成后1周内：对结果、过程、负责人是否满意（R-FB-5）。",
    ),
    (
        "complaint",
        "投诉处理回访（关闭后24小时）",
        "complaint_closed",
        24,
        "hours",
        "phone",
        100,
        "投诉关闭后24小时内回访处理结果。",
    ),
]

NEW_QUESTIONNAIRES = [
    (
        "complaint",
        "投诉处理回访",
        [
            ("对投诉处理结果的满意度", SCALE),
            ("对处理过程与及时性的满意度", SCALE),
            ("问题是否已经解决", YES_NO),
            ("意见和建议", TEXT),
        ],
    ),
    (
        "property_service",
        "物业服务回访",
        [
            ("对安保服务的满意度", SCALE),
            ("对保洁服务的满意度", SCALE),
            ("对绿化养护的满意度", SCALE),
            ("对维修服务的满意度", SCALE),
            ("对服务人员态度的满意度", SCALE),
            ("意见和建议", TEXT),
        ],
    ),
    (
        "design",
        "设计回访",
        [
            ("对户型设计的满意度", SCALE),
            ("对采光与通风的满意度", SCALE),
            ("对公共空间与景观的满意度", SCALE),
            ("对配套设施的满意度", SCALE),
            ("设计方面的改进建议", TEXT),
        ],
    ),
]


def create_rules(apps, schema_editor):
    CallbackRule = apps.get_model("feedback", "CallbackRule")
    Role = apps.get_model("salesite", "Role")
    Questionnaire = apps.get_model("feedback", "Questionnaire")
    Question = apps.get_model("feedback", "Question")
    ambassador = Role.objects.filter(code="customer_ambassador").first()
    for code, name, trigger, value, unit, channel, order, explanation in RULES:
        CallbackRule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "trigger": trigger,
                "offset_value": value,
                "offset_unit": unit,
                "channel": channel,
                "role": ambassador,
                "max_attempts": 3,
                "order": order,
                "help_text": explanation,
            },
        )
    # The questionnaire's column still holds the code here (0013 makes it a key).
    for code, name, questions in NEW_QUESTIONNAIRES:
        qn, created = Questionnaire.objects.get_or_create(rule=code, defaults={"name": name})
        if created:
            Question.objects.bulk_create(
                Question(questionnaire=qn, text=text, kind=kind, order=(i + 1) * 10)
                for i, (text, kind) in enumerate(questions)
            )


def remove_rules(apps, schema_editor):
    Questionnaire = apps.get_model("feedback", "Questionnaire")
    Questionnaire.objects.filter(rule__in=[c for c, _n, _q in NEW_QUESTIONNAIRES]).delete()
    apps.get_model("feedback", "CallbackRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0011_callbacks_rule_model"),
        ("salesite", "0002_default_roles"),
    ]

    operations = [migrations.RunPython(create_rules, remove_rules)]
