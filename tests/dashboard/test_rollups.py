"""Dashboard figures from the daily rollups (issue #17 item 3): identical to the live
computation over generated data, idempotent refresh, today live, closed days after recompute."""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from communication.models import CommunicationRecord
from communication.selectors import compliance
from feedback.models import DeadlineBreach
from salesite import rollups
from salesite.dashboard import registry
from salesite.dashboard.helpers import day_span
from salesite.models import DailyFigure, DailyFigureDay
from salesite.tasks import refresh_daily_figures
from tests import factories as f
from tests.communication.factories import RecordFactory, level
from tests.dashboard.conftest import callback, case_with_breach, days

pytestmark = pytest.mark.django_db

LEVELS = ("daily", "weekly", "monthly")


def moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """An aware local datetime on the day (near midnight too, to test the local day)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


@pytest.fixture
def dataset(today):
    """Two companies, five projects; records, breaches and scored callbacks spread over the
    last 70 days, today and a few days ahead."""
    rng = random.Random(17)
    companies = [f.SubsidiaryFactory(), f.SubsidiaryFactory()]
    projects = [
        f.ProjectFactory(
            property_company=companies[i % 2],
            marketing_phase="displaying" if i == 4 else "opened",
        )
        for i in range(5)
    ]
    levels = [level(code) for code in LEVELS]
    records, breaches = [], []
    for offset in range(-70, 4):
        day = today + days(offset)
        for project in projects:
            for lv in levels:
                for _n in range(rng.choice([0, 0, 1, 2])):
                    records.append((project, lv, day, rng.choice([0, 10, 23])))
            if rng.random() < 0.3 and offset <= 0:
                breaches.append((project, day, rng.choice([0, 9, 23])))
    for project, lv, day, hour in records:
        RecordFactory(project=project, level=lv, held_at=moment(day, hour))
    for project, day, hour in breaches:
        case_with_breach(project, moment(day, hour))
    for i in range(40):
        day = today - days(rng.randrange(0, 70))
        callback(
            projects[i % 5],
            day,
            status="reached",
            score=Decimal(rng.choice(["3.50", "4.00", "4.25", "5.00", "2.75"])),
            completed_at=moment(day, rng.choice([0, 12, 23])),
        )
    return companies, projects


def figures(user, project_ids, first, last, today):
    return [
        (str(fig.title), fig.value, str(fig.note), fig.series)
        for fig in registry.dashboard_figures(user, project_ids, first, last, today=today)
    ]


def scopes(companies, projects):
    company = [p.pk for p in projects if p.property_company_id == companies[0].pk]
    return [[projects[0].pk], company, None]


def ranges(today):
    return [
        (today - days(29), today),
        (today - days(45), today - days(10)),
        (today - days(6), today + days(3)),
        (today - days(90), today),
    ]


def hq_user():
    return f.UserFactory(company=f.HQFactory(), is_superuser=True)


def test_rollup_figures_equal_the_live_computation(dataset, today):
    companies, projects = dataset
    user = hq_user()
    assert not DailyFigureDay.objects.exists()
    cases = [(scope, r) for scope in scopes(companies, projects) for r in ranges(today)]
    live = [figures(user, scope, *r, today) for scope, r in cases]
    call_command("recompute_daily_figures")
    assert DailyFigureDay.objects.filter(day=today - days(70)).exists()
    assert not DailyFigureDay.objects.filter(day__gte=today).exists()  # today stays live
    assert DailyFigure.objects.filter(metric="communication.records").exists()
    assert DailyFigure.objects.filter(metric="feedback.breaches").exists()
    assert DailyFigure.objects.filter(metric="feedback.scores").exists()
    assert [figures(user, scope, *r, today) for scope, r in cases] == live
    rates = {v for scope, r in cases for t, v, _n, _s in live[cases.index((scope, r))]}
    assert any(isinstance(v, float) and 0 < v < 100 for v in rates)  # rates really computed
    # The communication counts equal those of the report's original grouped query.
    for first, last in ranges(today):
        by_period = [
            [(p.start, p.count) for p in row.periods]
            for row in compliance(projects, first, last, today=today)
        ]
        assert by_period == [
            [(p.start, p.count) for p in row.periods]
            for row in compliance(projects, first, last, today=today, project_ids=None)
        ]
    # The breaches equal a plain count of the range.
    start, end = day_span(today - days(29), today)
    by = {t: v for t, v, _n, _s in figures(user, None, today - days(29), today, today)}
    assert (
        by["超时事项"]
        == DeadlineBreach.objects.filter(detected_at__gte=start, detected_at__lt=end).count()
    )
    # Half-computed history (the beat ran for some days only): still the same figures.
    DailyFigureDay.objects.filter(day__lt=today - days(20), day__gt=today - days(40)).delete()
    assert [figures(user, scope, *r, today) for scope, r in cases] == live


def test_the_figures_read_the_stored_days(dataset, today):
    """The rollups are what the dashboard reads for a computed day (not a live count)."""
    _companies, projects = dataset
    yesterday = today - days(1)
    case_with_breach(projects[0], moment(yesterday))
    rollups.refresh(yesterday, yesterday, today=today)
    values = rollups.daily_values("feedback.breaches", None, yesterday, today, today=today)
    stored = DailyFigure.objects.get(
        metric="feedback.breaches", project=projects[0], day=yesterday, key="breaches"
    )
    assert values[(projects[0].pk, yesterday, "breaches")] == stored.value
    DailyFigure.objects.filter(pk=stored.pk).update(value=999)
    values = rollups.daily_values("feedback.breaches", None, yesterday, today, today=today)
    assert values[(projects[0].pk, yesterday, "breaches")] == 999


def test_the_nightly_job_is_idempotent(dataset, today):
    first = refresh_daily_figures.delay().get()
    rows = sorted(DailyFigure.objects.values_list("metric", "project_id", "day", "key", "value"))
    marked = DailyFigureDay.objects.count()
    assert first["days"] == len(rollups.metrics()) * rollups.REFRESH_DAYS
    refresh_daily_figures.delay().get()
    refresh_daily_figures.delay().get()
    assert (
        sorted(DailyFigure.objects.values_list("metric", "project_id", "day", "key", "value"))
        == rows
    )
    assert DailyFigureDay.objects.count() == marked
    for metric in rollups.metrics():
        # Yesterday and the two days before; the fix rate 31 days earlier (its 30-day window,
        # and a day's margin): it keeps changing until then.
        last = today - days(1 + (31 if metric == "feedback.fix_rate" else 0))
        assert set(DailyFigureDay.objects.filter(metric=metric).values_list("day", flat=True)) == {
            last - days(n) for n in range(rollups.REFRESH_DAYS)
        }


def test_a_change_today_shows_at_once_and_a_closed_day_after_recompute(dataset, today):
    _companies, projects = dataset
    user = hq_user()
    call_command("recompute_daily_figures")
    scope = [projects[1].pk]
    week = (today - days(6), today)

    def breaches():
        by = {t: v for t, v, _n, _s in figures(user, scope, *week, today)}
        return by["超时事项"]

    before = breaches()
    case_with_breach(projects[1], moment(today))
    assert breaches() == before + 1  # today: live
    # A breach saved on a closed day invalidates that day: counted live at once.
    case_with_breach(projects[1], moment(today - days(2)))
    assert breaches() == before + 2
    assert not DailyFigureDay.objects.filter(
        metric="feedback.breaches", day=today - days(2)
    ).exists()
    # The nightly job recomputes the invalidated day, with the same figure.
    refresh_daily_figures.delay().get()
    assert DailyFigureDay.objects.filter(metric="feedback.breaches", day=today - days(2)).exists()
    assert breaches() == before + 2
    # A change that bypasses the models' signals (a bulk insert) shows after the recompute.
    old = today - days(3)
    breach = case_with_breach(projects[1], moment(today)).breaches.get()
    DeadlineBreach.objects.filter(pk=breach.pk).update(detected_at=moment(old))
    assert breaches() == before + 2  # the stored day 3 does not know it yet
    rollups.refresh(old, old, today=today)
    assert breaches() == before + 3


def test_a_record_moved_to_another_day_invalidates_both_days(dataset, today):
    assert dataset
    call_command("recompute_daily_figures")
    record = CommunicationRecord.objects.filter(held_on__lt=today - days(5)).first()
    old_day, new_day = record.held_on, today - days(2)
    record.held_at = moment(new_day)
    record.held_on = new_day
    record.save()
    marked = set(
        DailyFigureDay.objects.filter(metric="communication.records").values_list("day", flat=True)
    )
    assert old_day not in marked and new_day not in marked
    # The next nightly run fills them again.
    refresh_daily_figures.delay().get()
    marked = set(
        DailyFigureDay.objects.filter(metric="communication.records").values_list("day", flat=True)
    )
    assert {old_day, new_day} <= marked


def test_dashboard_queries_are_bounded_with_rollups(
    dataset, client_for, today, django_assert_max_num_queries
):
    call_command("recompute_daily_figures")
    client = client_for(hq_user())
    url = reverse("dashboard:dashboard")
    for scope in ("all", f"company:{dataset[0][0].pk}"):
        # A fixed number whatever the data: each rollup metric reads its marked days and stored
        # rows (2 queries) and counts the other days live (today; here also the days of the
        # year before the generated data, never computed): 57 with the targets' answers.
        with django_assert_max_num_queries(57):
            assert client.get(url, {"scope": scope}).status_code == 200
