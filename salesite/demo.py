"""Demo data for the core (R-X-8): organisations, projects, users in every role, buildings,
units, customers and purchases. Deterministic and idempotent: running it twice changes nothing.
Later apps add their records through their own ``seed_demo_*`` functions."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from salesite.models import (
    Building,
    Company,
    Contact,
    Customer,
    Department,
    MarketingPhase,
    Project,
    ProjectMembership,
    ProjectPhaseChange,
    Purchase,
    Role,
    Unit,
    User,
)

DEMO_PASSWORD = "Salesite2026!"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华玉兰海燕晨阳子涵欣怡浩然梓轩雨桐思远若曦嘉怡俊杰"

PROJECTS = [
    # code, name, city company, subsidiary, centre, phase, address
    (
        "binjiang",
        "滨江壹号",
        "杭州城市公司",
        "杭州物业分公司",
        "滨江壹号物管中心",
        MarketingPhase.OPENED,
        "杭州市滨江区江南大道 88 号",
    ),
    (
        "yunqi",
        "云栖花园",
        "杭州城市公司",
        "杭州物业分公司",
        "云栖花园物管处",
        MarketingPhase.DISPLAYING,
        "杭州市西湖区云栖路 18 号",
    ),
    (
        "haitang",
        "海棠湾",
        "宁波城市公司",
        "宁波物业分公司",
        "海棠湾物管中心",
        MarketingPhase.SOLD_OUT,
        "宁波市鄞州区海棠路 6 号",
    ),
]


def id_number(rng: random.Random, birthday: datetime.date) -> str:
    body = f"{rng.choice(['330106', '330212', '110105', '440305'])}{birthday:%Y%m%d}{rng.randint(100, 999)}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def phone(rng: random.Random) -> str:
    return f"1{rng.choice([3, 5, 7, 8, 9])}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


def person_name(rng: random.Random) -> str:
    given = rng.choice([GIVEN[i : i + 2] for i in range(0, len(GIVEN) - 1, 2)] + list(GIVEN[:20]))
    return rng.choice(SURNAMES) + given


@dataclass
class DemoUser:
    username: str
    name: str
    role: str
    project: str


def _company(name, kind, parent=None):
    company, _ = Company.objects.get_or_create(name=name, defaults={"kind": kind, "parent": parent})
    return company


@transaction.atomic
def seed_core(today: datetime.date | None = None) -> list[DemoUser]:
    today = today or datetime.date.today()
    rng = random.Random(20261123)
    K = Company.Kind
    group = _company("华景地产控股集团", K.DEVELOPER_GROUP)
    hq = _company("华景物业服务集团总部", K.PROPERTY_HQ)
    Department.objects.get_or_create(
        company=hq, name="总部住宅项目部", defaults={"kind": "hq_residential"}
    )
    logins: list[DemoUser] = []
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 per user is slow

    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={"name": "系统管理员", "is_staff": True, "is_superuser": True, "company": hq},
    )
    if created:
        admin.password = password_hash
        admin.save(update_fields=["password"])
    logins.append(DemoUser("admin", admin.name, "超级管理员", "全部"))

    roles = list(Role.objects.order_by("side", "order"))
    for code, name, city_name, sub_name, centre_name, phase, address in PROJECTS:
        city = _company(city_name, K.DEVELOPER_CITY, group)
        sub = _company(sub_name, K.PROPERTY_SUBSIDIARY, hq)
        centre = _company(centre_name, K.SERVICE_CENTRE, sub)
        departments = {}
        for dept_name, kind in [
            ("客服部", "customer_service"),
            ("安管部", "security"),
            ("工程部", "engineering"),
            ("财务/收银", "finance"),
            ("档案", "archive"),
        ]:
            departments[kind] = Department.objects.get_or_create(
                company=centre, name=dept_name, defaults={"kind": kind}
            )[0]
        project, created = Project.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "developer_company": city,
                "property_company": sub,
                "service_centre": centre,
                "address": address,
                "service_phone": f"0571-8{rng.randint(1000000, 9999999)}",
                "description": f"{name}住宅新项目，营销中心及样板房由{centre_name}提供案场服务。",
            },
        )
        if created:
            _phase_history(project, phase, today)
        role_dept = {
            "cs_lead": "customer_service",
            "front_desk": "customer_service",
            "customer_ambassador": "customer_service",
            "security_lead": "security",
            "security": "security",
            "engineering": "engineering",
            "repair_team": "engineering",
            "cashier": "finance",
            "archivist": "archive",
        }
        for role in roles:
            username = f"{code}_{role.code}"
            if role.side == Role.Side.DEVELOPER:
                company = city
            elif role.scope == Role.Scope.ALL:
                company = hq
            elif role.scope == Role.Scope.COMPANY:
                company = sub
            else:
                company = centre
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "name": person_name(rng),
                    "company": company,
                    "department": departments.get(role_dept.get(role.code, "")),
                    "email": f"{username}@demo.salesite.local",
                    "phone": phone(rng),
                },
            )
            if created:
                user.password = password_hash
                user.save(update_fields=["password"])
            ProjectMembership.objects.get_or_create(
                project=project,
                role=role,
                user=user,
                defaults={"since": today - datetime.timedelta(days=200)},
            )
            logins.append(DemoUser(username, user.name, role.name, project.name))
        # One developer contact without a login, as in real projects.
        contact, _ = Contact.objects.get_or_create(
            name=f"{name}策划专员",
            company=city,
            defaults={"title": "策划专员", "phone": phone(rng)},
        )
        dev_role = Role.objects.get(code="dev_marketing_supervisor")
        ProjectMembership.objects.get_or_create(project=project, role=dev_role, contact=contact)
        _seed_units(project, rng, today)
    return logins


def _phase_history(project: Project, phase: str, today: datetime.date) -> None:
    order = list(MarketingPhase)
    target = order.index(MarketingPhase(phase))
    day = today - datetime.timedelta(days=60 * target + 30)
    for i in range(target):
        ProjectPhaseChange.objects.create(
            project=project,
            from_phase=order[i],
            to_phase=order[i + 1],
            changed_on=day,
            note="演示数据",
        )
        day += datetime.timedelta(days=60)
    project.marketing_phase = phase
    project.phase_changed_on = day - datetime.timedelta(days=60) if target else None
    project.save(update_fields=["marketing_phase", "phase_changed_on"])


def _seed_units(project: Project, rng: random.Random, today: datetime.date) -> None:
    if project.units.exists():
        return
    types = [("三室两厅两卫", "128.50"), ("两室两厅一卫", "89.36"), ("四室两厅三卫", "168.20")]
    for b in range(1, 4):
        building = Building.objects.create(
            project=project,
            name=f"{b}幢",
            phase="一期" if b < 3 else "二期",
            floors=6,
            planned_delivery_date=today + datetime.timedelta(days=120 + 90 * (b - 1)),
        )
        for floor in range(1, 7):
            for pos in range(1, 3):
                unit_type, area = types[(floor + pos) % 3]
                unit = Unit.objects.create(
                    building=building,
                    number=f"{floor}0{pos}",
                    floor=floor,
                    unit_type=unit_type,
                    area=area,
                )
                if rng.random() < 0.75:
                    birthday = datetime.date(
                        rng.randint(1965, 1998), rng.randint(1, 12), rng.randint(1, 28)
                    )
                    customer = Customer.objects.create(
                        project=project,
                        name=person_name(rng),
                        phone=phone(rng),
                        id_number=id_number(rng, birthday),
                        birthday=birthday,
                        emergency_contact=person_name(rng),
                        emergency_phone=phone(rng),
                        is_club_member=rng.random() < 0.3,
                        is_vip=rng.random() < 0.1,
                    )
                    subscribed = today - datetime.timedelta(days=rng.randint(20, 300))
                    Purchase.objects.create(
                        unit=unit,
                        customer=customer,
                        subscribed_on=subscribed,
                        signed_on=subscribed + datetime.timedelta(days=rng.randint(3, 20)),
                        contract_number=f"{project.code.upper()}-{building.name}-{unit.number}",
                        sales_consultant=person_name(rng),
                    )
