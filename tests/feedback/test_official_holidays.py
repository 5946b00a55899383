"""Greeting holidays from the official calendar (issue #20 item 5)."""

import datetime

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from feedback import tasks
from feedback.models import Holiday
from feedback.services import official_holidays_load
from salesite.models import JobRun

pytestmark = pytest.mark.django_db


def _rows():
    return list(
        Holiday.objects.order_by("pk").values_list("name", "year", "month", "day", "source")
    )


def test_festivals_of_2026_by_their_dates_and_loading_twice_creates_nothing_twice():
    official_holidays_load([2026])
    rows = _rows()
    official = {(n, y): (m, d) for n, y, m, d, s in rows if s == "official"}
    # The lunar festivals on the first day of their official holiday in 2026.
    assert official[("中秋节", 2026)] == (9, 25)
    assert official[("端午节", 2026)] == (6, 19)
    assert official[("春节", 2026)] == (2, 17)  # the festival day, not the first day off
    # Fixed-date festivals have their every-year manual row (0005): the manual row wins.
    assert ("元旦", 2026) not in official
    counts = official_holidays_load([2026])
    assert (counts["created"], counts["updated"]) == (0, 0)
    assert rows == _rows()


def test_a_manual_row_survives_a_reload():
    Holiday.objects.filter(name="中秋节").delete()
    manual = Holiday.objects.create(name="中秋节", month=9, day=24, greeting="中秋节前问候")
    call_command("load_official_calendar", year=[2026])
    call_command("load_official_calendar", year=[2026])
    manual.refresh_from_db()
    assert (manual.month, manual.day, manual.greeting, manual.source) == (
        9,
        24,
        "中秋节前问候",
        "manual",
    )
    assert not Holiday.objects.filter(name="中秋节", source="official").exists()


def test_official_row_greets_only_in_its_year(monkeypatch):
    from feedback.services import care

    official_holidays_load([2026])
    row = Holiday.objects.get(name="端午节", year=2026)
    days = Holiday.objects.filter(month=row.month, day=row.day)
    assert row in days
    # greetings_send filters by year: a 2026 row is not greeted on 19 June 2027.
    seen = []
    monkeypatch.setattr(care, "_greet", lambda members, **kw: seen.append(kw["key"]) or 0)
    care.greetings_send(today=datetime.date(2027, 6, 19))
    assert f"holiday:{row.pk}:2027" not in seen
    care.greetings_send(today=datetime.date(2026, 6, 19))
    assert f"holiday:{row.pk}:2026" in seen


def test_the_yearly_beat_job_is_registered_and_runs():
    entry = PeriodicTask.objects.get(task="feedback.tasks.feedback_official_holidays")
    assert (entry.crontab.month_of_year, entry.crontab.day_of_month) == ("12", "1")
    assert tasks.feedback_official_holidays.run.scheduled_job_name == "feedback_official_holidays"
    tasks.feedback_official_holidays()
    assert JobRun.objects.get(job_name="feedback_official_holidays").status == "success"
