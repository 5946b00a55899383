"""Demo of the contractor ranking (issue #16 item 4) on the Hangzhou company (滨江, 云栖): the
year of demo repairs (``demo_repair_quality``, free-text contractors) is dispatched to the
register's contractors, with answer deadlines (some replies late), a repair callback with the
contractor-satisfaction answer for most closed repairs, two complaints about the weakest
contractor, and the centre head's decision for the quarter before last. Idempotent."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from salesite.models import Contractor, Customer, Project, User

from .demo_repair_quality import MARK
from .models import CallbackStatus, CallbackTask, Case, CaseKind, CaseStatus, Question
from .models.assessment import quarter_of
from .models.ranking import RankingDecision

# free-text contractor of the demo repairs → the register's contractor, per project
MAPPING = {
    "binjiang": {
        "安居维修公司": "杭州安居水电维修有限公司",
        "宏达建筑维修": "杭州匠心土建工程队",
        "诚信水电": "杭州匠心土建工程队",
    },
    "yunqi": {
        "安居维修公司": "杭州安居水电维修有限公司",
        "宏达建筑维修": "杭州净美防水工程有限公司",
        "诚信水电": "杭州净美防水工程有限公司",
    },
}
# register contractor → mean of the contractor-satisfaction answers
SATISFACTION = {
    "杭州安居水电维修有限公司": 4.5,
    "杭州匠心土建工程队": 3.9,
    "杭州净美防水工程有限公司": 3.2,
}
SOURCE = "demo-rank"


def seed() -> None:
    now = timezone.now()
    question = Question.objects.filter(questionnaire__rule="repair", rates_contractor=True).first()
    for project in Project.objects.filter(code__in=list(MAPPING)).order_by("pk"):
        with transaction.atomic():
            _dispatch(project, question, now)
    _decision(now)


def _dispatch(project, question, now) -> None:
    if CallbackTask.objects.filter(project=project, source_key__startswith=SOURCE).exists():
        return
    contractors = {
        c.name: c for c in Contractor.objects.filter(company=project.property_company_id)
    }
    customers = list(Customer.objects.filter(project=project).order_by("pk")[:20])
    rng = random.Random(f"rank-{project.code}")
    cases = Case.objects.filter(
        project=project, kind=CaseKind.REPAIR, subject__endswith=MARK, contractor__isnull=True
    ).order_by("pk")
    tasks, changed = [], []
    for case in cases:
        contractor = contractors.get(MAPPING[project.code].get(case.repair_contractor, ""))
        if contractor is None:
            continue
        case.contractor = contractor
        case.repair_contractor = contractor.name
        changed.append(case)
        if case.status != CaseStatus.CLOSED or not customers or question is None:
            continue  # an open repair keeps no deadline here (the breach sweep stays as it was)
        case.answer_due = case.received_at + datetime.timedelta(days=4)
        if rng.random() < 0.2:  # not every owner is reached
            continue
        mean = SATISFACTION.get(contractor.name, 4)
        value = max(1, min(5, round(rng.gauss(mean, 0.7))))
        completed = case.closed_at + datetime.timedelta(days=1)
        if completed > now:
            continue
        tasks.append(
            CallbackTask(
                project=project,
                customer=customers[case.pk % len(customers)],
                rule_id="repair",
                source_key=f"{SOURCE}:{case.pk}",
                case=case,
                due_date=completed.date(),
                status=CallbackStatus.REACHED,
                attempts=1,
                answers={str(question.pk): value},
                score=Decimal(value).quantize(Decimal("0.01")),
                dissatisfied=value <= 2,
                completed_at=completed,
            )
        )
    Case.objects.bulk_update(changed, ["contractor", "repair_contractor", "answer_due"])
    CallbackTask.objects.bulk_create(tasks, ignore_conflicts=True)
    weakest = contractors.get("杭州净美防水工程有限公司")
    if weakest is not None and project.code == "yunqi":
        for days in (20, 75):
            Case.objects.create(
                project=project,
                kind=CaseKind.COMPLAINT,
                subject="维修人员上门迟到、现场未清理",
                contractor=weakest,
                received_at=now - datetime.timedelta(days=days),
            )


def _decision(now) -> None:
    """The centre head's decision on the weakest contractor for the quarter before last."""
    from .services.ranking import ranking_decide

    contractor = Contractor.objects.filter(name="杭州净美防水工程有限公司").first()
    head = User.objects.filter(username="yunqi_centre_head").first()
    if contractor is None or head is None or RankingDecision.objects.exists():
        return
    year, quarter = quarter_of(timezone.localdate(now))
    for _i in range(2):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    ranking_decide(
        company=contractor.company,
        project=None,
        year=year,
        quarter=quarter,
        contractor=contractor,
        decision="keep_on_probation",
        reason="季度排名末位，首次；保留考察期，限期整改防水施工质量。",
        user=head,
    )
