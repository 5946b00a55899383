import datetime

import pytest

from renovation.models import CalendarDay
from renovation.working_days import add_working_days, is_working_day, nth_working_day_after

from .conftest import at

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def national_day_2026(db):
    for day in range(1, 8):
        CalendarDay.objects.create(date=D(2026, 10, day), kind="holiday", name="国庆节")
    CalendarDay.objects.create(date=D(2026, 10, 10), kind="workday", name="国庆调休")


def test_weekday_is_due_end_of_next_working_day():
    due = add_working_days(at(2026, 3, 2, 9), 1)  # Monday
    assert due.date() == D(2026, 3, 3)
    assert (due.hour, due.minute) == (23, 59)


def test_friday_and_weekend_submissions_are_due_monday():
    assert add_working_days(at(2026, 3, 6, 16), 1).date() == D(2026, 3, 9)  # Friday
    assert add_working_days(at(2026, 3, 7, 10), 1).date() == D(2026, 3, 9)  # Saturday
    assert add_working_days(at(2026, 3, 8, 23, 30), 1).date() == D(2026, 3, 9)  # Sunday


def test_late_evening_submission_uses_local_date():
    # 23:30 on Monday in Shanghai is 15:30 UTC: still Monday, so due Tuesday.
    assert add_working_days(at(2026, 3, 2, 23, 30), 1).date() == D(2026, 3, 3)


def test_public_holiday_is_skipped(national_day_2026):
    # Wednesday 30 September before the holiday: next working day is Thursday 8 October.
    assert add_working_days(at(2026, 9, 30, 15), 1).date() == D(2026, 10, 8)
    assert add_working_days(at(2026, 10, 3, 15), 1).date() == D(2026, 10, 8)
    assert not is_working_day(D(2026, 10, 5))  # a Monday inside the holiday


def test_make_up_saturday_counts(national_day_2026):
    # Friday 9 October: the make-up Saturday 10 October is a working day.
    assert add_working_days(at(2026, 10, 9, 11), 1).date() == D(2026, 10, 10)
    assert is_working_day(D(2026, 10, 10))
    assert add_working_days(at(2026, 10, 10, 11), 1).date() == D(2026, 10, 12)


def test_n_working_days_and_long_holiday_window(national_day_2026):
    assert nth_working_day_after(D(2026, 9, 30), 3) == D(2026, 10, 10)
    # Many holiday rows in a row still terminate.
    for day in range(1, 60):
        CalendarDay.objects.get_or_create(
            date=D(2027, 1, 1) + datetime.timedelta(days=day), defaults={"kind": "holiday"}
        )
    assert nth_working_day_after(D(2027, 1, 1), 1) == D(2027, 3, 2)
    with pytest.raises(ValueError):
        nth_working_day_after(D(2026, 1, 1), 0)
