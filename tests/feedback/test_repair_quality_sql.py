"""The repair-quality figures in SQL (issue #17) equal the first, Python implementation
(``rq_reference``) over generated data, including the window's edges, and the dashboard's
queries do not grow with the number of cases."""

import datetime
import random

import pytest
from django.urls import reverse

from feedback.models import (
    CallbackStatus,
    CallbackTask,
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Question,
    RepairQualitySetting,
)
from feedback.selectors import repair_quality as rq
from tests import factories as f

from . import rq_reference as ref
from .conftest import sh

pytestmark = pytest.mark.django_db

NOW = sh(2026, 6, 1, 12, 0)
CATEGORIES = ["build_quality", "design", ""]


def _case(project, unit, *, received, closed=None, category="build_quality", **kw):
    return Case.objects.create(
        project=project,
        kind=kw.pop("kind", CaseKind.REPAIR),
        subject="渗水",
        unit=unit,
        building=unit.building if unit else None,
        complaint_category=category,
        repair_contractor=kw.pop("contractor", "甲公司"),
        received_at=received,
        status=CaseStatus.CLOSED if closed else CaseStatus.NEW,
        reply="已修复" if closed else "",
        closed_at=closed,
        **kw,
    )


def _generate_repairs(rng, projects, n_units):
    """Closed repairs over 14 months with repeats on every day around the window's end (to the
    microsecond), other categories and kinds, reopenings and owners' "not fixed"."""
    for project in projects:
        building = f.BuildingFactory(project=project)
        for _u in range(n_units):
            unit = f.UnitFactory(building=building)
            for _ in range(rng.randint(1, 3)):
                closed = NOW - datetime.timedelta(
                    days=rng.randint(0, 430), minutes=rng.randint(0, 1439)
                )
                if rng.random() < 0.5:
                    closed = closed.replace(microsecond=rng.choice([1, 500000, 999999]))
                category = rng.choice(CATEGORIES)
                case = _case(
                    project,
                    unit,
                    received=closed - datetime.timedelta(days=rng.randint(1, 9)),
                    closed=closed,
                    category=category,
                    contractor=rng.choice(["甲公司", "乙公司", ""]),
                    owner_confirmation="not_fixed" if rng.random() < 0.05 else "",
                )
                if rng.random() < 0.08:
                    CaseEvent.objects.create(
                        case=case, from_status="replied", to_status="in_progress", at=closed
                    )
                roll = rng.random()
                if roll < 0.6:
                    gap = datetime.timedelta(
                        days=rng.choice([1, 9, 10, 11, 29, 30, 31, 45]),
                        microseconds=rng.choice([0, 0, 1, -1]),
                    )
                    _case(
                        project,
                        unit,
                        received=closed + gap,
                        category=category if rng.random() < 0.8 else rng.choice(CATEGORIES),
                        kind=CaseKind.REPAIR if rng.random() < 0.9 else CaseKind.COMPLAINT,
                    )
        # Closings on both sides of a local month start (Asia/Shanghai midnight = 16:00 UTC).
        unit = f.UnitFactory(building=building)
        _case(project, unit, received=sh(2026, 3, 20), closed=sh(2026, 3, 31, 23, 59, 59))
        _case(project, unit, received=sh(2026, 3, 20), closed=sh(2026, 4, 1, 0, 0))


def _same_repairs(project_ids, **kw):
    new = {
        r["pk"]: r
        for r in rq.repairs(project_ids, **kw).values("pk", "failed", "repeat_id", "elapsed")
    }
    old = {
        r["pk"]: r
        for r in ref.repairs(project_ids, **kw).values("pk", "failed", "repeat_id", "elapsed")
    }
    assert new == old
    return new


def test_fix_rate_equals_the_reference_over_generated_data(project, other_project):
    _generate_repairs(random.Random(17), [project, other_project], 25)
    rows = _same_repairs(None, now=NOW)
    assert any(r["failed"] for r in rows.values()) and any(not r["failed"] for r in rows.values())
    start, end = sh(2025, 6, 2), sh(2026, 6, 2)
    for ids, kw in [
        (None, {}),
        ([project.pk], {}),
        ([other_project.pk], {"closed_from": start, "closed_to": end}),
        (None, {"closed_from": start, "closed_to": end}),
        (None, {"closed_from": sh(2026, 4, 1)}),
        (None, {"closed_to": sh(2026, 4, 1)}),
        (None, {"closed_from": sh(2026, 4, 1), "closed_to": sh(2026, 4, 1)}),
        (None, {"closed_from": sh(2026, 3, 31, 23, 0), "closed_to": sh(2026, 4, 1, 1, 0)}),
        ([], {}),
    ]:
        for days in (None, 10, 30, 31, 365):
            assert rq.fix_rate(ids, now=NOW, days=days, **kw) == ref.fix_rate(
                ids, now=NOW, days=days, **kw
            ), (ids, kw, days)
    # The window is the admin setting.
    RepairQualitySetting.objects.create(repeat_window_days=10)
    assert rq.fix_rate(None, now=NOW) == ref.fix_rate(None, now=NOW)
    assert rq.fix_rate(None, now=NOW)["days"] == 10
    _same_repairs(None, now=NOW)
    # The dashboard's variant leaves out the project and contractor rows, nothing else.
    full = rq.fix_rate(None, now=NOW, closed_from=start, closed_to=end)
    short = rq.fix_rate(
        None, now=NOW, closed_from=start, closed_to=end, by_project=False, by_contractor=False
    )
    assert short == {**full, "by_project": [], "by_contractor": []}
    assert [m["month"] for m in full["by_month"]][-3:] == ["2026-03", "2026-04", "2026-05"]


@pytest.mark.parametrize(
    ("days", "gap", "fixed"),
    [
        (30, datetime.timedelta(days=29), False),
        (30, datetime.timedelta(days=30), False),
        (30, datetime.timedelta(days=30, microseconds=1), True),
        (30, datetime.timedelta(days=31), True),
        (10, datetime.timedelta(days=10), False),
        (10, datetime.timedelta(days=11), True),
        (45, datetime.timedelta(days=31), False),
    ],
)
def test_window_edges_follow_the_setting(project, days, gap, fixed):
    RepairQualitySetting.objects.create(repeat_window_days=days)
    unit = f.UnitFactory(building=f.BuildingFactory(project=project))
    closed = sh(2026, 3, 1, 10, 0, 0, 250000)
    _case(project, unit, received=closed - datetime.timedelta(days=2), closed=closed)
    _case(project, unit, received=closed + gap)
    result = rq.fix_rate([project.pk], now=NOW)
    assert (result["counted"], result["fixed"]) == (1, int(fixed))
    assert result == ref.fix_rate([project.pk], now=NOW)


# --- the yearly targets' actuals ---------------------------------------------------------------

ODD_ANSWERS = [0, 6, "7", "", None, "3", "5", True, False, "yes", "no", "true", "1", 1, "x"]


def _generate_callbacks(rng, projects, n):
    scored = list(Question.objects.exclude(dimension="").values_list("pk", "kind"))
    # Cover a yes/no question and a text one with a dimension, and questions without one.
    yes_no = Question.objects.filter(kind=Question.Kind.YES_NO).first()
    text = Question.objects.filter(kind=Question.Kind.TEXT).first()
    Question.objects.filter(pk__in=[yes_no.pk, text.pk]).update(dimension="sales")
    plain = list(Question.objects.filter(dimension="").values_list("pk", flat=True)[:3])
    keys = [pk for pk, _k in scored] + [yes_no.pk, text.pk] + plain
    instants = [
        sh(2025, 12, 31, 23, 59),
        sh(2026, 1, 1, 0, 0),
        sh(2026, 1, 31, 23, 59, 59, 999999),
        sh(2026, 2, 1),
        sh(2026, 5, 20, 23, 59),
        sh(2026, 5, 21, 0, 0),
        sh(2027, 1, 1),
    ]
    for i in range(n):
        project = rng.choice(projects)
        if rng.random() < 0.2:
            completed = rng.choice(instants)
        else:
            completed = sh(2026, 1, 1) + datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 200))
        answers = {}
        for pk in rng.sample(keys, rng.randint(0, len(keys))):
            if rng.random() < 0.15:
                answers[str(pk)] = rng.choice(ODD_ANSWERS)
            else:
                answers[str(pk)] = rng.choice([1, 2, 3, 4, 5, "yes", "no"])
        if rng.random() < 0.1:
            answers["owner_rating"] = 2
        CallbackTask.objects.create(
            project=project,
            customer=f.CustomerFactory(project=project),
            rule_id="sales",
            source_key=f"gen{i}",
            due_date=completed.date(),
            status=rng.choice([CallbackStatus.REACHED, CallbackStatus.DONE, "pending"]),
            answers=answers,
            completed_at=completed,
        )


def test_dimension_actuals_equal_the_reference_over_generated_data(project, other_project):
    _generate_callbacks(random.Random(17), [project, other_project], 120)
    for ids in (None, [project.pk], [other_project.pk], []):
        for year, today in (
            (2026, datetime.date(2026, 5, 20)),
            (2026, datetime.date(2026, 12, 31)),
            (2025, datetime.date(2026, 5, 20)),
            (2027, datetime.date(2027, 3, 1)),
            (2026, datetime.date(2025, 12, 1)),  # a year not begun: nothing
        ):
            new = rq.dimension_actuals(ids, year, today=today)
            assert new == ref.dimension_actuals(ids, year, today=today), (ids, year, today)
    full = rq.dimension_actuals(None, 2026, today=datetime.date(2026, 12, 31))
    assert full["year"]["sales"] is not None and len(full["months"]) >= 6
    assert set(full["projects"]) == {project.pk, other_project.pk}


def test_dimension_actuals_one_query(project, django_assert_num_queries):
    _generate_callbacks(random.Random(3), [project], 20)
    with django_assert_num_queries(1):
        rq.dimension_actuals(None, 2026, today=datetime.date(2026, 12, 31))


# --- the dashboard: queries independent of the number of cases ---------------------------------


def _dashboard_queries(client, captured):
    with captured() as ctx:
        assert client.get(reverse("dashboard:dashboard")).status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_queries_do_not_grow_with_the_cases(
    project, member, client_for, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def captured():
        return CaptureQueriesContext(connection)

    client = client_for(member("centre_head", project))
    rng = random.Random(5)
    _generate_repairs(rng, [project], 4)
    _generate_callbacks(rng, [project], 10)
    client.get(reverse("dashboard:dashboard"))  # warm caches
    small = _dashboard_queries(client, captured)
    _generate_repairs(rng, [project], 8)  # 3N
    _generate_callbacks(rng, [project], 20)
    with django_assert_max_num_queries(small):
        r = client.get(reverse("dashboard:dashboard"))
    assert r.status_code == 200 and "维修一次成功率" in r.content.decode()
    assert _dashboard_queries(client, captured) == small


def test_no_python_functions_in_the_sql(project, django_assert_max_num_queries):
    """Nothing SQLite would call back into Python for (``django_format_dtdelta``,
    ``django_datetime_trunc``…): the cost stays in the database engine."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        rq.fix_rate(None, now=NOW, closed_from=sh(2025, 6, 1))
        rq.dimension_actuals(None, 2026, today=datetime.date(2026, 12, 31))
    assert ctx.captured_queries
    assert not [q["sql"] for q in ctx.captured_queries if "django_" in q["sql"]]
