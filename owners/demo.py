"""Demo data of the owner portal (run by ``seed_demo`` after the other apps): service hours on
each project, portal access rows for every demo customer, and one demo owner with a fixed
mobile number who owns a unit in two projects (binjiang, with its handover, and yunqi). The
printed notes also name an owner's mobile in every demo project and a tenant's."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from salesite.models import Customer, Project, Tenant

from .models import OwnerAccess

DEMO_OWNER_MOBILE = "13900000001"
SERVICE_HOURS = "每日 8:30–17:30（24 小时报修热线见前台电话）"


def _demo_owner_record(project_code: str):
    """The project's customer that carries the demo mobile (chosen once, then kept)."""
    customers = Customer.objects.filter(project__code=project_code, purchases__is_active=True)
    current = customers.filter(phone=DEMO_OWNER_MOBILE).first()
    if current is not None:
        return current
    from handover.models import HandoverCase

    with_handover = customers.filter(
        pk__in=HandoverCase.objects.filter(project__code=project_code).values("customer_id")
    )
    chosen = with_handover.order_by("pk").first() or customers.order_by("pk").first()
    if chosen is not None:
        Customer.objects.filter(pk=chosen.pk).update(phone=DEMO_OWNER_MOBILE)
    return chosen


@transaction.atomic
def seed_demo() -> list[str]:
    Project.objects.filter(service_hours="").update(service_hours=SERVICE_HOURS)
    owners = [c for c in (_demo_owner_record("binjiang"), _demo_owner_record("yunqi")) if c]
    phones = set(Customer.objects.values_list("phone", flat=True).distinct())
    OwnerAccess.objects.bulk_create(
        [OwnerAccess(mobile=p) for p in sorted(phones) if p], ignore_conflicts=True
    )
    if not owners:
        return []
    return [
        "",
        f"业主端（/owner/）演示业主手机号: {DEMO_OWNER_MOBILE}（{owners[0].name}，"
        f"{len(owners)} 个项目有房）",
        *project_owner_notes(),
        "登录验证码见 Celery worker 日志（var/log/celery-worker.log，`make run` 时也打印在终端）"
        "或管理后台「短信」记录。",
    ]


def project_owner_mobiles() -> dict[str, str]:
    """{project name: the mobile of one owner of the project who may log in} for every
    project with a sold unit (the demo owner's where they own one)."""
    found: dict[str, str] = {}
    owners = (
        Customer.objects.filter(purchases__is_active=True)
        .exclude(phone="")
        .exclude(phone__in=OwnerAccess.objects.filter(is_disabled=True).values("mobile"))
        .select_related("project")
        .order_by("project__pk", "pk")
    )
    for customer in owners:
        name = customer.project.name
        if customer.phone == DEMO_OWNER_MOBILE or name not in found:
            found[name] = customer.phone
    return found


def project_owner_notes() -> list[str]:
    mobiles = project_owner_mobiles()
    lines = [
        "各项目业主均可用本人手机号登录业主端，例如: "
        + "；".join(f"{project} {mobile}" for project, mobile in mobiles.items())
    ]
    today = timezone.localdate()
    tenant = (
        Tenant.objects.filter(Q(lease_end__isnull=True) | Q(lease_end__gte=today))
        .exclude(phone__in=Customer.objects.values("phone"))
        .select_related("project", "unit__building")
        .order_by("project__pk", "pk")
        .first()
    )
    if tenant is not None:
        lines.append(
            f"演示租户手机号: {tenant.phone}（{tenant.project.name} {tenant.unit}，租户只看所租房屋）"
        )
    return lines
