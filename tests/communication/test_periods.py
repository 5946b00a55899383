import datetime

import pytest

from communication.periods import Period, local_date, period_label, period_of, periods_between
from tests.communication.factories import RecordFactory, at

D = datetime.date


def test_day_boundary_in_local_time():
    # 23:59 and 00:01 Shanghai are different local days even though both are the same UTC day.
    late, early = at(2026, 3, 1, 23, 59), at(2026, 3, 2, 0, 1)
    assert local_date(late) == D(2026, 3, 1)
    assert local_date(early) == D(2026, 3, 2)
    utc = datetime.UTC
    assert late.astimezone(utc).date() == early.astimezone(utc).date()


def test_iso_week_53():
    start, end = period_of(Period.WEEK, D(2026, 12, 31))
    assert (start, end) == (D(2026, 12, 28), D(2027, 1, 3))
    assert period_label(Period.WEEK, start) == "2026-W53"
    # 2027-01-03 (Sunday) is still week 53 of 2026; 2027-01-04 starts week 1 of 2027.
    assert period_of(Period.WEEK, D(2027, 1, 3))[0] == start
    assert period_label(Period.WEEK, period_of(Period.WEEK, D(2027, 1, 4))[0]) == "2027-W01"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 3, 31), (D(2026, 1, 1), D(2026, 3, 31))),
        (D(2026, 4, 1), (D(2026, 4, 1), D(2026, 6, 30))),
        (D(2026, 9, 30), (D(2026, 7, 1), D(2026, 9, 30))),
        (D(2026, 12, 31), (D(2026, 10, 1), D(2026, 12, 31))),
    ],
)
def test_quarter_edges(day, expected):
    assert period_of(Period.QUARTER, day) == expected


def test_month_edges_and_leap_year():
    assert period_of(Period.MONTH, D(2028, 2, 29)) == (D(2028, 2, 1), D(2028, 2, 29))
    assert period_of(Period.MONTH, D(2026, 12, 31)) == (D(2026, 12, 1), D(2026, 12, 31))
    assert period_label(Period.QUARTER, D(2026, 10, 1)) == "2026-Q4"


def test_periods_between_covers_overlapping_periods():
    weeks = periods_between(Period.WEEK, D(2026, 12, 30), D(2027, 1, 5))
    assert [w[0] for w in weeks] == [D(2026, 12, 28), D(2027, 1, 4)]


@pytest.mark.django_db
def test_record_local_date_is_stored_for_grouping(project):
    late = RecordFactory(project=project, held_at=at(2026, 3, 1, 23, 59))
    early = RecordFactory(project=project, held_at=at(2026, 3, 2, 0, 1))
    assert (late.held_on, early.held_on) == (D(2026, 3, 1), D(2026, 3, 2))
