"""The official calendar (issue #20 item 5): holidays and make-up working days loaded from
the chinesecalendar package, idempotently, manual rows winning; a yearly beat job."""

import datetime

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from renovation import services, tasks
from renovation.models import CalendarDay
from renovation.services.calendar import official_calendar_load
from salesite.models import JobRun

from .conftest import at

pytestmark = pytest.mark.django_db

D = datetime.date


def test_review_deadline_over_the_2026_spring_festival(ready_app, member):
    call_command("load_official_calendar", year=[2026])
    # Off 15–23 February 2026; Saturdays 14 and 28 February are make-up working days.
    assert CalendarDay.objects.get(date=D(2026, 2, 17)).kind == CalendarDay.Kind.HOLIDAY
    assert CalendarDay.objects.get(date=D(2026, 2, 14)).kind == CalendarDay.Kind.WORKDAY
    user = member("front_desk")
    # Friday 13 February: the next working day is the make-up Saturday.
    app = services.application_submit(application=ready_app(), user=user, now=at(2026, 2, 13, 16))
    assert app.review_due_at.date() == D(2026, 2, 14)
    # Submitted on the make-up Saturday, just before the festival: due after the holiday.
    app = services.application_submit(application=ready_app(), user=user, now=at(2026, 2, 14, 11))
    assert app.review_due_at.date() == D(2026, 2, 24)
    assert (app.review_due_at.hour, app.review_due_at.minute) == (23, 59)


def test_loading_twice_creates_nothing_twice():
    first = official_calendar_load([2026])
    assert first["created"] > 30
    rows = list(CalendarDay.objects.values_list("date", "kind", "name", "source"))
    second = official_calendar_load([2026])
    assert (second["created"], second["updated"], second["deleted"]) == (0, 0, 0)
    assert rows == list(CalendarDay.objects.values_list("date", "kind", "name", "source"))
    assert {s for *_, s in rows} == {CalendarDay.Source.OFFICIAL}


def test_a_manual_row_survives_a_reload():
    # The company works on 2 January 2026 and adds an extra day off on 9 March.
    CalendarDay.objects.create(date=D(2026, 1, 2), kind="workday", name="公司安排上班")
    CalendarDay.objects.create(date=D(2026, 3, 9), kind="holiday", name="公司假日")
    counts = official_calendar_load([2026])
    assert counts["manual_kept"] == 1
    official_calendar_load([2026])
    day = CalendarDay.objects.get(date=D(2026, 1, 2))
    assert (day.kind, day.name, day.source) == ("workday", "公司安排上班", "manual")
    assert CalendarDay.objects.filter(date=D(2026, 3, 9), source="manual").exists()


def test_official_rows_the_package_no_longer_lists_are_removed():
    CalendarDay.objects.create(
        date=D(2026, 3, 10), kind="holiday", name="旧数据", source="official"
    )
    assert official_calendar_load([2026])["deleted"] == 1
    assert not CalendarDay.objects.filter(date=D(2026, 3, 10)).exists()


def test_a_year_without_official_schedule_loads_nothing():
    assert official_calendar_load([2999]) == {
        "created": 0,
        "updated": 0,
        "deleted": 0,
        "manual_kept": 0,
        "years_missing": 1,
    }


def test_the_yearly_beat_job_is_registered_and_runs():
    entry = PeriodicTask.objects.get(task="renovation.tasks.renovation_official_calendar")
    assert (entry.crontab.month_of_year, entry.crontab.day_of_month) == ("12", "1")
    assert tasks.renovation_official_calendar.run.scheduled_job_name == (
        "renovation_official_calendar"
    )
    tasks.renovation_official_calendar()
    assert JobRun.objects.get(job_name="renovation_official_calendar").status == "success"
