"""First-time fix rate (issue #16 item 5) with hand-computed figures."""

import datetime
from decimal import Decimal

import pytest

from feedback.models import Case, CaseEvent, CaseKind, CaseStatus, RepairQualitySetting
from feedback.selectors import repair_quality as rq
from tests import factories as f

from .conftest import sh

pytestmark = pytest.mark.django_db

CLOSED = sh(2026, 3, 1, 10, 0)
NOW = sh(2026, 6, 1, 12, 0)


def repair(project, unit, *, received, closed=None, category="build_quality", contractor="甲公司"):
    return Case.objects.create(
        project=project,
        kind=CaseKind.REPAIR,
        subject="渗水",
        unit=unit,
        building=unit.building,
        complaint_category=category,
        repair_contractor=contractor,
        received_at=received,
        status=CaseStatus.CLOSED if closed else CaseStatus.NEW,
        reply="已修复" if closed else "",
        closed_at=closed,
    )


@pytest.fixture
def units(project):
    building = f.BuildingFactory(project=project)
    return [f.UnitFactory(building=building) for _ in range(4)]


def test_repeat_on_day_29_fails_and_day_31_does_not(project, units):
    a, b, c, d = units
    r_a = repair(project, a, received=CLOSED - datetime.timedelta(days=2), closed=CLOSED)
    repeat_a = repair(project, a, received=CLOSED + datetime.timedelta(days=29))
    repair(project, b, received=CLOSED - datetime.timedelta(days=2), closed=CLOSED)
    repair(project, b, received=CLOSED + datetime.timedelta(days=31))
    # Same unit, another category on day 5: not a repeat.
    repair(project, c, received=CLOSED - datetime.timedelta(days=2), closed=CLOSED)
    repair(project, c, received=CLOSED + datetime.timedelta(days=5), category="design")
    # Reopened before closing (replied → in progress): not fixed first time.
    r_d = repair(project, d, received=CLOSED - datetime.timedelta(days=3), closed=CLOSED)
    CaseEvent.objects.create(
        case=r_d, from_status="replied", to_status="in_progress", at=CLOSED - datetime.timedelta(1)
    )
    # The owner said "not fixed" on the portal while it was in progress: reopened as well.
    e = f.UnitFactory(building=a.building)
    r_e = repair(project, e, received=CLOSED - datetime.timedelta(days=4), closed=CLOSED)
    Case.objects.filter(pk=r_e.pk).update(owner_confirmation="not_fixed")
    result = rq.fix_rate([project.pk], now=NOW)
    # Counted: the five closed repairs (windows over by June); failed: a (day 29), d and e.
    assert (result["counted"], result["fixed"], result["failed"]) == (5, 2, 3)
    assert result["rate"] == Decimal("40.0")
    Case.objects.filter(pk=r_e.pk).delete()
    result = rq.fix_rate([project.pk], now=NOW)
    # Counted: the four closed repairs (windows over by June); failed: a (day 29) and d.
    assert (result["counted"], result["fixed"], result["failed"]) == (4, 2, 2)
    assert result["rate"] == Decimal("50.0")
    assert result["by_contractor"] == [
        {"contractor": "甲公司", "counted": 4, "fixed": 2, "failed": 2, "rate": Decimal("50.0")}
    ]
    assert result["by_month"][0]["month"] == "2026-03"
    pairs = rq.repeat_pairs([project.pk], now=NOW)
    # Newest closing first, then the higher number: d, then a with its repeat.
    assert [(o.pk, r.pk if r else None) for o, r in pairs] == [
        (r_d.pk, None),
        (r_a.pk, repeat_a.pk),
    ]


def test_day_30_is_inside_the_window_and_the_setting_changes_it(project, units):
    a = units[0]
    repair(project, a, received=CLOSED - datetime.timedelta(days=2), closed=CLOSED)
    repair(project, a, received=CLOSED + datetime.timedelta(days=30))
    assert rq.fix_rate([project.pk], now=NOW)["fixed"] == 0
    RepairQualitySetting.objects.create(repeat_window_days=20)
    assert RepairQualitySetting.window_days() == 20
    result = rq.fix_rate([project.pk], now=NOW)
    # The repeat (day 30, still open so not counted itself) is outside a 20-day window.
    assert (result["counted"], result["fixed"], result["rate"]) == (1, 1, Decimal("100.0"))


def test_only_elapsed_windows_count(project, units):
    a, b = units[:2]
    repair(
        project, a, received=NOW - datetime.timedelta(days=12), closed=NOW - datetime.timedelta(10)
    )
    # Failed already (repeat on day 3) but its window is still open: listed, not counted.
    failed = repair(
        project, b, received=NOW - datetime.timedelta(12), closed=NOW - datetime.timedelta(8)
    )
    repair(project, b, received=NOW - datetime.timedelta(days=5))
    result = rq.fix_rate([project.pk], now=NOW)
    assert (result["counted"], result["rate"]) == (0, None)
    assert [o.pk for o, _r in rq.repeat_pairs([project.pk], now=NOW)] == [failed.pk]


def test_other_projects_are_not_counted(project, other_project, units):
    repair(project, units[0], received=CLOSED - datetime.timedelta(2), closed=CLOSED)
    other_unit = f.UnitFactory(building=f.BuildingFactory(project=other_project))
    repair(other_project, other_unit, received=CLOSED - datetime.timedelta(2), closed=CLOSED)
    assert rq.fix_rate([project.pk], now=NOW)["counted"] == 1
    assert rq.fix_rate(None, now=NOW)["counted"] == 2


def test_fix_rate_query_count_is_fixed(project, units, django_assert_max_num_queries):
    for i, u in enumerate(units):
        repair(
            project, u, received=CLOSED - datetime.timedelta(2), closed=CLOSED, contractor=f"C{i}"
        )
        repair(project, u, received=CLOSED + datetime.timedelta(days=3 + i))
    with django_assert_max_num_queries(5):
        result = rq.fix_rate([project.pk], now=NOW)
    assert len(result["by_contractor"]) == 4
    with django_assert_max_num_queries(3):
        assert len(rq.repeat_pairs([project.pk], now=NOW)) == 4
