"""Demo data for the core (R-X-8): organisations, projects, users in every role, buildings,
units, customers and purchases, and each project's owner register imported once. Deterministic
and idempotent: running it twice changes nothing. Later apps add their records through their
own ``seed_demo`` functions; ``demo_attach`` gives them small generated photos and scans."""

from __future__ import annotations

import csv
import datetime
import io
import random
import struct
import zlib
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from salesite import imports
from salesite.attachments import attachment_add
from salesite.models import (
    Attachment,
    Building,
    Company,
    Contact,
    Customer,
    Department,
    ImportBatch,
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
    today = today or timezone.localdate()
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
        # The project has been run since the staff joined it (ProjectMembership.since below):
        # the compliance job only judges the periods after a project's creation.
        started = _local_midnight(today - datetime.timedelta(days=200))
        Project.objects.filter(pk=project.pk, created_at__gt=started).update(created_at=started)
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
        _import_register(project)
    from salesite.demo_contractors import seed_contractors  # the register (issue #16)

    seed_contractors(today)
    return logins


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _import_register(project: Project) -> None:
    """The sales office's owner register of building 1, imported through the real import: every
    row matches the units and purchases already there, so the batch records the check and
    changes nothing."""
    if ImportBatch.objects.filter(project=project).exists():
        return
    purchases = (
        Purchase.objects.filter(project=project, unit__building__name="1幢", is_active=True)
        .select_related("unit__building", "customer")
        .order_by("unit__number")
    )
    if not purchases:
        return
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(imports.template_rows())
    for p in purchases:
        u, c = p.unit, p.customer
        writer.writerow(
            [
                u.building.name,
                u.building.phase,
                u.number,
                u.floor,
                u.unit_type,
                u.area,
                c.name,
                c.phone,
                c.get_id_type_display(),
                c.id_number,
                c.emergency_contact,
                c.emergency_phone,
                c.birthday or "",
                p.subscribed_on or "",
                p.signed_on or "",
                p.contract_number,
                p.sales_consultant,
            ]
        )
    archivist = User.objects.filter(username=f"{project.code}_archivist").first()
    imports.import_register(
        project=project,
        uploaded=SimpleUploadedFile(
            f"{project.name}一期1幢业主清册.csv", out.getvalue().encode("utf-8-sig")
        ),
        user=archivist,
    )


# --- generated files for attachments ----------------------------------------------------------


def demo_png(rgb: tuple[int, int, int], width: int = 240, height: int = 180) -> bytes:
    """A small PNG standing in for a site photo: a framed picture with diagonal stripes."""
    frame = bytes(v // 2 for v in rgb)
    light = bytes(min(255, v + 40) for v in rgb)
    plain = bytes(rgb)
    border = b"\x00" + frame * width
    rows = []
    for y in range(height):
        if y < 4 or y >= height - 4:
            rows.append(border)
            continue
        row = bytearray(b"\x00" + frame * 4)
        for x in range(4, width - 4):
            row += light if (x + y) // 12 % 2 else plain
        rows.append(bytes(row + frame * 4))

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def demo_pdf(lines: list[str]) -> bytes:
    """A one-page A4 PDF standing in for a scanned document (ASCII text: no embedded font)."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = "BT /F1 16 Tf 22 TL 72 770 Td " + " ".join(f"({escape(line)}) '" for line in lines)
    stream = f"{text} ET 0.6 G 60 60 475 740 re S".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def demo_attach(
    owner, *, name: str, content: bytes, user, description: str = "", personal: bool = False
):
    """Attach a generated file to ``owner`` through the real upload service (checked and stored
    under MEDIA_ROOT like an upload), once per owner and file name."""
    if Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(owner),
        object_id=owner.pk,
        original_name=name,
    ).exists():
        return None
    return attachment_add(
        owner=owner,
        uploaded=SimpleUploadedFile(name, content),
        user=user,
        description=description,
        personal=personal,
    )


def _phase_history(project: Project, phase: str, today: datetime.date) -> None:
    order = list(MarketingPhase)
    target = order.index(MarketingPhase(phase))
    day = today - datetime.timedelta(days=60 * target + 30)
    for i in range(target):
        ProjectPhaseChange.objects.create(
            project=project,
            from_status=order[i],
            to_status=order[i + 1],
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
