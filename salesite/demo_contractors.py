"""Demo of the contractor register (issue #16): five repair contractors over the demo projects
with their licences (one expiring within 30 days, reminded by the daily job), pre-job trainings
with the signed acknowledgement, quarterly lead evaluations (one failing lead replaced), an
eliminated contractor, and two skill competitions of the Hangzhou company (one published as a
notice) and one of the Ningbo company. Idempotent: a second run creates nothing."""

from __future__ import annotations

import datetime

from django.db import transaction

from salesite import contractor_services as services
from salesite.demo import demo_attach, demo_pdf
from salesite.models import (
    CompetitionScore,
    Contractor,
    LeadEvaluation,
    Project,
    SkillCompetition,
    User,
)

PENALTY = (
    "1. 接单后未按约定时间上门，每次扣款200元；\n"
    "2. 施工现场未做成品保护或未清理，每次扣款300元；\n"
    "3. 同一问题返修两次以上，扣款500元并约谈负责人；\n"
    "4. 业主有效投诉每月超过3次，进入考察期；季度评估末位两次，予以淘汰。"
)

# name, projects, trade, lead, lead phone, status, trained, lead evaluations (score, passed)
CONTRACTORS = [
    (
        "杭州安居水电维修有限公司",
        ["binjiang", "yunqi"],
        "水电",
        "赵建国",
        "13605710001",
        "active",
        True,
        [(92, True), (88, True), (90, True)],
    ),
    (
        "杭州匠心土建工程队",
        ["binjiang"],
        "土建",
        "钱志明",
        "13605710002",
        "active",
        True,
        [(85, True), (58, False)],
    ),
    (
        "杭州净美防水工程有限公司",
        ["yunqi"],
        "防水",
        "孙海涛",
        "13605710003",
        "probation",
        False,
        [],
    ),
    (
        "宁波恒通维修服务部",
        ["haitang"],
        "综合维修",
        "李永强",
        "13705740004",
        "active",
        True,
        [(80, True), (86, True)],
    ),
    (
        "宁波顺达门窗安装公司",
        ["haitang"],
        "门窗",
        "周国庆",
        "13705740005",
        "eliminated",
        True,
        [(62, False)],
    ),
]


def seed_contractors(today: datetime.date) -> None:
    projects = {
        p.code: p for p in Project.objects.filter(code__in=["binjiang", "yunqi", "haitang"])
    }
    if len(projects) < 3:
        return
    for row in CONTRACTORS:
        with transaction.atomic():
            _seed_contractor(row, projects, today)
    with transaction.atomic():
        _seed_competitions(projects["binjiang"], today, HANGZHOU_COMPETITIONS)
        _seed_competitions(projects["haitang"], today, NINGBO_COMPETITIONS)
    services.contractor_documents_remind(today=today)  # the daily job's reminder, once


def _user(project, role):
    return User.objects.filter(username=f"{project.code}_{role}").first()


def _seed_contractor(row, projects, today) -> None:
    name, codes, trade, lead, lead_phone, status, trained, evaluations = row
    first = projects[codes[0]]
    if Contractor.objects.filter(company=first.property_company, name=name).exists():
        return
    head = _user(first, "centre_head")
    contractor = services.contractor_create(
        company=first.property_company,
        projects=[projects[c] for c in codes],
        user=head,
        name=name,
        credit_code="",
        trade=trade,
        contact_name=lead,
        contact_phone=lead_phone,
        tech_lead_name=lead,
        tech_lead_phone=lead_phone,
        contract_start=datetime.date(today.year, 1, 1),
        contract_end=datetime.date(today.year, 12, 31),
        penalty_terms=PENALTY,
        note="",
    )
    if status in ("active", "eliminated"):
        services.contractor_set_status(
            contractor=contractor, to="active", user=head, note="考察期满，转为合作"
        )
    engineer = _user(first, "engineering")
    # The licence (valid for years) and a qualification: the first contractor's expires in
    # 20 days, so the daily reminder has something to say in the demo.
    expiring = name == CONTRACTORS[0][0]
    for kind, title, valid_until in (
        ("licence", "营业执照", datetime.date(today.year + 3, 6, 30)),
        (
            "qualification",
            "建筑业企业资质证书",
            today + datetime.timedelta(days=20 if expiring else 400),
        ),
    ):
        document = services.document_save(
            contractor=contractor,
            project=first,
            kind=kind,
            title=title,
            number=f"DEMO-{contractor.pk:03d}-{kind[:3].upper()}",
            valid_until=valid_until,
        )
        demo_attach(
            document,
            name=f"{kind}.pdf",
            content=demo_pdf([f"Contractor {contractor.pk}", f"Document: {kind}"]),
            user=engineer,
            description=title,
        )
    if trained:
        training = services.training_create(
            contractor=contractor,
            user=engineer,
            project=first,
            held_on=datetime.date(today.year, 1, 15),
            trainer="工程部",
            trainees=f"{lead}（现场技术管理负责人）、施工班组长2名、安全员1名",
            trainee_count=4,
            covers_service=True,
            covers_construction=True,
            covers_safety=True,
            covers_etiquette=True,
            acknowledgement_signed=True,
        )
        demo_attach(
            training,
            name="acknowledgement.pdf",
            content=demo_pdf(["Training acknowledgement", f"Contractor {contractor.pk}"]),
            user=engineer,
            description="受训确认书",
        )
    for quarter, (score, passed) in enumerate(evaluations, start=1):
        if LeadEvaluation.objects.filter(
            contractor=contractor, project=first, year=today.year, quarter=quarter
        ).exists():
            continue
        services.lead_evaluation_record(
            contractor=contractor,
            user=engineer,
            project=first,
            year=today.year,
            quarter=quarter,
            score=score,
            passed=passed,
            replaced_by_name="" if passed else "吴新华",
            replaced_by_phone="" if passed else "13605719999",
            note="" if passed else "现场管理混乱，业主投诉较多，予以淘汰更换",
            evaluated_on=datetime.date(today.year, quarter * 3, 25),
        )
    if status == "eliminated":
        services.contractor_set_status(
            contractor=contractor,
            to="eliminated",
            user=head,
            note="年度评估强制排序末位，予以淘汰",
        )


# title, (month, day), scores in the order of the company's contractors, publish
HANGZHOU_COMPETITIONS = [
    ("上半年维修单位技术比武（水电）", (5, 20), (91, 84, 78), True),
    ("下半年维修单位技术比武（防水）", (10, 18), (87, 90, 82), False),
]
NINGBO_COMPETITIONS = [("年度维修单位技术比武（综合）", (9, 12), (86,), True)]


def _seed_competitions(project, today, competitions) -> None:
    company = project.property_company
    head = _user(project, "centre_head")
    contractors = list(
        Contractor.objects.filter(company=company).exclude(status="eliminated").order_by("pk")
    )
    for title, (month, day), scores, publish in competitions:
        held_on = datetime.date(today.year, month, day)
        if SkillCompetition.objects.filter(company=company, title=title).exists():
            continue
        competition = services.competition_create(
            company=company,
            user=head,
            title=title,
            held_on=held_on,
            venue=f"{project.name}工程部实训场",
            subjects="实操考核、安全规范笔试、文明施工现场评比",
        )
        for contractor, score in zip(contractors, scores, strict=False):
            CompetitionScore.objects.get_or_create(
                competition=competition, contractor=contractor, defaults={"score": score}
            )
        if publish:
            services.competition_publish(competition=competition, user=head)
