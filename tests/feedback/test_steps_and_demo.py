import datetime

import pytest

from feedback import services
from feedback.models import CallbackTask, Case, CustomerStepRecord, DeadlineBreach, HandoverFact
from tests import demo_snapshot

pytestmark = pytest.mark.django_db


def test_tick_step_is_idempotent_and_keeps_first_date(customer):
    r1 = services.tick_step(
        customer=customer,
        action_code="progress_notice",
        on=datetime.date(2026, 1, 5),
        source="communication",
    )
    r2 = services.tick_step(
        customer=customer, action_code="progress_notice", on=datetime.date(2026, 2, 5)
    )
    assert r1.pk == r2.pk and r2.done_on == datetime.date(2026, 1, 5)
    assert CustomerStepRecord.objects.count() == 1
    assert services.tick_step(customer=customer, action_code="unknown") is None


def test_record_handover_ticks_move_in_and_is_idempotent(owner, unit):
    services.record_handover(customer=owner, unit=unit, handover_date=datetime.date(2026, 2, 1))
    services.record_handover(customer=owner, unit=unit, handover_date=datetime.date(2026, 2, 2))
    assert HandoverFact.objects.get().handover_date == datetime.date(2026, 2, 2)
    assert CustomerStepRecord.objects.get().action.code == "handover"


def test_seed_demo_is_idempotent():
    from django.core.management import call_command

    from feedback import models as m

    demo_snapshot.seed_demo()
    tables = [
        m.QuarterlyAssessment,
        m.WarrantyItem,
        m.WarrantyNotice,
        m.WarrantyNoticeChannel,
        m.WarrantyReport,
        m.ClubEvent,
        m.ClubEventAttendee,
        m.AmbassadorPatrol,
        m.Referral,
        m.RepeatPurchase,
        m.Greeting,
        m.ProjectStepRecord,
    ]
    new_counts = [t.objects.count() for t in tables]
    assert all(new_counts), dict(zip([t.__name__ for t in tables], new_counts, strict=True))
    assert m.Referral.objects.filter(status="signed").exists()
    counts = (Case.objects.count(), CallbackTask.objects.count(), DeadlineBreach.objects.count())
    assert counts[0] > 0 and counts[1] > 0 and counts[2] > 0
    assert set(Case.objects.values_list("status", flat=True)) >= {
        "new",
        "dispatched",
        "in_progress",
        "replied",
        "closed",
    }
    # The quarter's 6+2 checklists are submitted; one fourth quarter carries the BSC result.
    from django.utils import timezone

    from feedback import selectors
    from salesite.models import Project

    year, quarter = m.quarter_of(timezone.localdate())
    assert (
        m.QuarterlyAssessment.objects.filter(year=year, quarter=quarter, status="submitted").count()
        == 3
    )
    assert m.QuarterlyAssessment.objects.filter(quarter=4, bsc_total__isnull=False).count() == 1
    # The defect report of the quarter shows defects of every source but the callbacks.
    report = selectors.defect_summary(Project.objects.all(), year=year, quarter=quarter)
    totals = {code: sum(r[code] for r in report["by_category"]) for code, _l in report["sources"]}
    assert all(n > 0 for code, n in totals.items() if code != "callbacks"), totals
    call_command("seed_demo", verbosity=0)
    assert (
        Case.objects.count(),
        CallbackTask.objects.count(),
        DeadlineBreach.objects.count(),
    ) == counts
    assert [t.objects.count() for t in tables] == new_counts
