import datetime

import pytest

from communication import selectors
from tests import factories as f
from tests.communication.factories import RecordFactory, at

pytestmark = pytest.mark.django_db
D = datetime.date


def test_compliance_counts_periods_and_lists_missing_ones(project, levels):
    other = f.ProjectFactory(marketing_phase="sold_out")
    for day in [2, 3, 5]:  # Mar 4 missing
        RecordFactory(project=project, level=levels["daily"], held_at=at(2026, 3, day, 23, 59))
    RecordFactory(project=project, level=levels["daily"], held_at=at(2026, 3, 6, 0, 1))
    RecordFactory(project=project, level=levels["weekly"], held_at=at(2026, 3, 4))
    rows = selectors.compliance(
        [project, other],
        D(2026, 3, 2),
        D(2026, 3, 8),
        today=D(2026, 3, 7),
        levels=[levels["daily"], levels["weekly"], levels["quarterly"]],
    )
    by = {(r.project.pk, r.level.code): r for r in rows}
    daily = by[(project.pk, "daily")]
    assert [p.label for p in daily.missing] == ["2026-03-04"]
    assert (daily.met, len(daily.counted), daily.rate) == (4, 5, 80.0)  # Mar 7 still open
    assert by[(project.pk, "weekly")].rate == 100.0
    assert by[(project.pk, "quarterly")].rate is None  # quarter not over, not met yet
    assert by[(other.pk, "daily")].rate == 0.0
    totals = {t["level"].code: t for t in selectors.compliance_by_level(rows)}
    assert totals["daily"]["missing"] == 6


def test_compliance_leaves_out_levels_that_do_not_apply_in_the_phase(project, levels):
    preparing = f.ProjectFactory(marketing_phase="preparing")
    closed = f.ProjectFactory(marketing_phase="closed")
    weekly_report = levels["weekly_report"]
    weekly_report.phases = ["preparing", "opened"]
    weekly_report.save()
    rows = selectors.compliance(
        [project, preparing, closed],
        D(2026, 3, 2),
        D(2026, 3, 8),
        today=D(2026, 3, 9),
        levels=[levels["daily"], weekly_report],
    )
    assert sorted((r.project.pk, r.level.code) for r in rows) == sorted(
        [
            (project.pk, "daily"),  # opened: the default phases
            (project.pk, "weekly_report"),
            (preparing.pk, "weekly_report"),  # preparing: only the level set to it
        ]
    )


def test_compliance_uses_a_fixed_number_of_queries(project, levels, django_assert_num_queries):
    projects = [project] + [f.ProjectFactory() for _ in range(5)]
    lv = [levels["daily"], levels["weekly"], levels["monthly"], levels["quarterly"]]
    with django_assert_num_queries(4):  # one grouped query per kind of period
        selectors.compliance(
            projects, D(2026, 1, 1), D(2026, 6, 30), today=D(2026, 7, 1), levels=lv
        )


def test_recordable_levels_follow_roles(member, project, levels):
    lead = member("cs_lead", project)
    deputy = member("subsidiary_deputy", project)
    codes = lambda u: {lv.code for lv in selectors.recordable_levels(u, project)}  # noqa: E731
    assert "daily" in codes(lead) and "monthly" not in codes(lead)
    assert "monthly" in codes(deputy)
    # A company-scope role records on every project of its property company.
    sibling = f.ProjectFactory(service_centre=f.CentreFactory(parent=project.property_company))
    fresh = type(deputy).objects.get(pk=deputy.pk)  # access is cached per user object
    assert "monthly" in {lv.code for lv in selectors.recordable_levels(fresh, sibling)}
