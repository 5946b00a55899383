"""Demo repairs dispatched to the contractor register (issue #16): per demo project one repair
dispatched to a trained contractor with a supervisor (the owner's repair card is queued), and
on 云栖花园 one to the untrained contractor on probation (flagged on the case). Idempotent."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from salesite.models import Contractor, Project, Purchase, User

from . import services
from .models import Case

REPAIRS = [
    # subject, prefer the untrained contractor
    ("阳台地漏堵塞返水", False),
    ("入户门锁芯损坏", True),
]


def seed_demo_contractors() -> None:
    now = timezone.now()
    for project in Project.objects.filter(code__in=["binjiang", "yunqi", "haitang"]):
        with transaction.atomic():
            _seed_project(project, now)


def _seed_project(project, now) -> None:
    contractors = list(Contractor.objects.dispatchable(project).order_by("pk"))
    if not contractors:
        return
    purchases = list(
        Purchase.objects.filter(project=project).select_related("customer", "unit").order_by("pk")
    )
    if not purchases:
        return
    desk = User.objects.filter(username=f"{project.code}_front_desk").first()
    supervisor = User.objects.filter(username=f"{project.code}_repair_team").first()
    untrained = [c for c in contractors if not c.trainings.exists()]
    trained = [c for c in contractors if c.trainings.exists()] or contractors
    for i, (subject, wants_untrained) in enumerate(REPAIRS):
        if wants_untrained and not untrained:
            continue
        if Case.objects.filter(project=project, subject=subject).exists():
            continue
        purchase = purchases[(i + 3) % len(purchases)]
        received = now - datetime.timedelta(hours=30 - i)
        case = services.case_create(
            project=project,
            kind="repair",
            subject=subject,
            customer=purchase.customer,
            unit=purchase.unit,
            user=desk,
            now=received,
        )
        contractor = untrained[0] if wants_untrained else trained[i % len(trained)]
        case = services.case_dispatch(
            case=case,
            user=desk,
            responsible_person="工程部 维修组",
            contractor=contractor,
            repair_supervisor=supervisor,
            now=received + datetime.timedelta(minutes=6),
        )
        if not wants_untrained:
            services.case_start(case=case, user=desk, now=received + datetime.timedelta(hours=2))
