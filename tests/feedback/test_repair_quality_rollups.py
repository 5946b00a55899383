"""The dashboard's repair-quality figures from the daily rollups (issue #17 item 3) equal the
live computations over generated data: the first-time fix rate (``rq.fix_rate``) before anything
is stored, after a full recompute, after a late edit of a final day and after the repeat window
changes, a day being stored only once its window has passed; the yearly targets' actuals
(``rq.dimension_actuals``) likewise, after a late callback edit and a question change."""

import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from feedback.dashboard_repair_quality import actuals_from_rollups, fix_rate_by_month
from feedback.models import (
    CallbackStatus,
    CallbackTask,
    Case,
    CaseKind,
    Question,
    RepairQualitySetting,
)
from feedback.rollups import ANSWERS, FIX_RATE
from feedback.selectors import repair_quality as rq
from salesite import rollups
from salesite.dashboard.helpers import day_start
from salesite.models import DailyFigure, DailyFigureDay
from tests.feedback import test_repair_quality_sql as generated

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
KEYS = ("days", "counted", "fixed", "failed", "rate", "by_month")


def live(project_ids, date_to):
    result = rq.fix_rate(
        project_ids,
        closed_from=day_start(date_to - 364 * DAY),
        closed_to=day_start(date_to + DAY),
        by_project=False,
        by_contractor=False,
    )
    return {k: result[k] for k in KEYS}


def from_rollups(project_ids, date_to):
    result = fix_rate_by_month(project_ids, date_to, today=timezone.localdate())
    return {k: result[k] for k in KEYS}


def recompute():
    call_command("recompute_daily_figures", stdout=io.StringIO())


def assert_same(scopes):
    for ids, date_to in scopes:
        expected = live(ids, date_to)
        assert from_rollups(ids, date_to) == expected, (ids, date_to)


@pytest.fixture
def repairs(project, other_project, monkeypatch):
    monkeypatch.setattr(generated, "NOW", timezone.now())
    generated._generate_repairs(random.Random(23), [project, other_project], 20)
    today = timezone.localdate()
    return [
        (ids, date_to)
        for ids in (None, [project.pk], [other_project.pk])
        for date_to in (today, today - 40 * DAY, today - 200 * DAY)
    ]


def test_fix_rate_from_rollups_equals_live(repairs, project):
    today = timezone.localdate()
    assert live(None, today)["counted"] > 50 and live(None, today)["failed"] > 5
    assert_same(repairs)  # nothing stored: every day live
    recompute()
    marked = set(DailyFigureDay.objects.filter(metric=FIX_RATE).values_list("day", flat=True))
    # Stored up to the last day whose 30-day window has passed for every repair, no later.
    last = rollups.last_final_day(FIX_RATE, today)
    assert last == today - 32 * DAY
    assert max(marked) == last and today - 31 * DAY not in marked
    assert DailyFigure.objects.filter(metric=FIX_RATE, key="failed").exists()
    assert_same(repairs)


def test_a_late_edit_of_a_final_day_shows_at_once(repairs, project):
    recompute()
    today = timezone.localdate()
    # A repair closed 100 days ago, then a repeat entered late (received 90 days ago).
    unit = Case.objects.filter(project=project, unit__isnull=False).first().unit
    closed = timezone.now() - 100 * DAY
    generated._case(project, unit, received=closed - 2 * DAY, closed=closed, category="design")
    assert not DailyFigureDay.objects.filter(
        metric=FIX_RATE, day=timezone.localdate(closed)
    ).exists()
    assert_same(repairs)
    recompute()
    before = live([project.pk], today)
    repeat = generated._case(project, unit, received=closed + 10 * DAY, category="design")
    assert live([project.pk], today)["failed"] == before["failed"] + 1
    assert_same(repairs)
    # Deleting it, or making it a complaint, is a change of final days too.
    recompute()
    repeat.kind = CaseKind.COMPLAINT
    repeat.save()
    assert live([project.pk], today)["failed"] == before["failed"]
    assert_same(repairs)


def test_a_new_case_today_leaves_the_final_days_stored(repairs, project):
    recompute()
    marked = DailyFigureDay.objects.filter(metric=FIX_RATE).count()
    unit = Case.objects.filter(project=project, unit__isnull=False).first().unit
    generated._case(project, unit, received=timezone.now())
    assert DailyFigureDay.objects.filter(metric=FIX_RATE).count() == marked


def test_changing_the_window_recounts_every_day(repairs):
    recompute()
    setting = RepairQualitySetting.objects.get_or_create(pk=1)[0]
    setting.repeat_window_days = 10
    setting.save()
    assert not DailyFigureDay.objects.filter(metric=FIX_RATE).exists()
    assert_same(repairs)
    assert live(None, timezone.localdate())["days"] == 10
    recompute()
    assert (
        max(DailyFigureDay.objects.filter(metric=FIX_RATE).values_list("day", flat=True))
        == timezone.localdate() - 12 * DAY
    )
    assert_same(repairs)


# --- the yearly targets' actuals ----------------------------------------------------------------


def actuals_both(project_ids, year, until):
    today = timezone.localdate()
    full = rq.dimension_actuals(project_ids, year, today=until)
    got = actuals_from_rollups(project_ids, year, today=today, until=until)
    return got, {"year": full["year"], "months": full["months"]}


@pytest.fixture
def callbacks(project, other_project):
    generated._generate_callbacks(random.Random(29), [project, other_project], 150)
    today = timezone.localdate()
    return [
        (ids, year, until)
        for ids in (None, [project.pk], [other_project.pk], [])
        for year, until in ((2026, today), (2026, datetime.date(2026, 5, 20)), (2025, today))
    ]


def assert_same_actuals(scopes):
    for ids, year, until in scopes:
        got, expected = actuals_both(ids, year, until)
        assert got == expected, (ids, year, until)


def test_target_actuals_from_rollups_equal_live(callbacks, project):
    expected = rq.dimension_actuals(None, 2026, today=timezone.localdate())
    assert expected["year"]["product"] is not None and len(expected["months"]) >= 6
    assert_same_actuals(callbacks)  # nothing stored
    recompute()
    assert DailyFigure.objects.filter(metric=ANSWERS).exists()
    assert_same_actuals(callbacks)


def test_a_late_callback_edit_or_a_question_change_shows_at_once(callbacks, project):
    recompute()
    task = CallbackTask.objects.filter(
        project=project, status=CallbackStatus.DONE, completed_at__year=2026
    ).exclude(answers={})[0]
    question = Question.objects.filter(dimension="engineering", kind=Question.Kind.SCALE).first()
    task.answers = {**task.answers, str(question.pk): 1}
    task.save()
    assert_same_actuals(callbacks)
    recompute()
    question.dimension = "design"
    question.save()
    assert not DailyFigureDay.objects.filter(metric=ANSWERS).exists()
    assert_same_actuals(callbacks)
