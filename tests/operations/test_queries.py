"""Pages stay within a fixed number of queries whatever the number of rows (SPEC §9)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from operations import selectors, services
from operations.models import MarketingEvent, TrainingSession
from salesite.models import MarketingPhase
from tests import factories as f

pytestmark = pytest.mark.django_db

PAGES = [
    "/ops/areas/",
    "/ops/roster/",
    "/ops/roster/all/",
    "/ops/services/",
    "/ops/shifts/",
    "/ops/plans/",
    "/ops/training/",
    "/ops/events/",
    "/ops/inspections/",
    "/ops/rectifications/",
    "/",
]


def _grow(project, hq, shifts, make_post, checklist, make_plan, n, today):
    """Add n rows of every kind to the project."""
    lead = f.UserFactory()
    f.MembershipFactory(user=lead, project=project)
    for i in range(n):
        post = make_post(project, name=f"岗位{n}-{i}", shifts=shifts, area_name=f"区域{n}-{i}")
        services.roster_add(post=post, shift=shifts[0], date=today, user=lead, by=lead)
        session = TrainingSession.objects.create(
            project=project, date=today, topic=f"培训{n}-{i}", kind="service_flow", trainer=lead
        )
        services.training_attendance_set(session=session, user=lead, score=80)
        services.event_create(
            user=lead,
            staff=[lead],
            project=project,
            kind=MarketingEvent.Kind.CLUB,
            title=f"活动{n}-{i}",
            starts_at=timezone.now(),
            place="x",
        )
        insp = services.inspection_create(
            project=project, checklist=checklist, date=today, inspector=hq
        )
        services.inspection_score(
            inspection=insp, scores={s.pk: (0, "") for s in insp.scores.all()}
        )
        services.inspection_complete(inspection=insp, user=hq, owner=lead, deadline=today)


def _counts(client, pages):
    out = {}
    for url in pages:
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(url)
        assert r.status_code in (200, 302), url
        out[url] = len(ctx.captured_queries)
    return out


def test_list_pages_and_home_do_not_grow_with_rows(
    member, client_for, project, other_project, shifts, make_post, checklist, make_plan, today
):
    for p in (project, other_project):
        p.marketing_phase = MarketingPhase.OPENED
        p.save(update_fields=["marketing_phase"])
    head = member("centre_head", project)
    hq = member("hq_inspector", project)
    make_plan(project)
    make_plan(other_project)
    c = client_for(head)
    hq_client = client_for(hq)
    _grow(project, hq, shifts, make_post, checklist, make_plan, 2, today)
    small, small_hq = _counts(c, PAGES), _counts(hq_client, PAGES)
    _grow(project, hq, shifts, make_post, checklist, make_plan, 8, today)
    _grow(other_project, hq, shifts, make_post, checklist, make_plan, 8, today)
    big, big_hq = _counts(c, PAGES), _counts(hq_client, PAGES)
    assert big == small
    assert big_hq == small_hq
    assert max(big.values()) <= 25, big


@pytest.mark.parametrize("url", PAGES)
def test_each_list_page_is_bounded(
    url,
    member,
    client_for,
    open_project,
    shifts,
    make_post,
    checklist,
    make_plan,
    today,
    django_assert_max_num_queries,
):
    hq = member("hq_inspector", open_project)
    make_plan(open_project)
    _grow(open_project, hq, shifts, make_post, checklist, make_plan, 6, today)
    c = client_for(member("centre_head", open_project))
    with django_assert_max_num_queries(25):
        assert c.get(url).status_code == 200


def test_home_block_selector_is_bounded(
    member,
    open_project,
    shifts,
    make_post,
    checklist,
    make_plan,
    today,
    django_assert_max_num_queries,
):
    hq = member("hq_inspector", open_project)
    _grow(open_project, hq, shifts, make_post, checklist, make_plan, 6, today)
    head = member("centre_head", open_project)
    with django_assert_max_num_queries(10):  # access (3) + posts, shifts, roster, overdue, count
        blocks = selectors.home_blocks(head, today + datetime.timedelta(days=1))
    assert blocks["ops_empty_post_count"] == 12  # 6 posts × 2 shifts, nobody rostered tomorrow
    assert blocks["ops_overdue_count"] == 6 * 3


def test_detail_pages_are_bounded(
    member,
    client_for,
    open_project,
    shifts,
    make_post,
    checklist,
    make_plan,
    today,
    django_assert_max_num_queries,
):
    hq = member("hq_inspector", open_project)
    _grow(open_project, hq, shifts, make_post, checklist, make_plan, 3, today)
    plan = make_plan(open_project)
    c = client_for(member("centre_head", open_project))
    insp = open_project.inspections.first()
    for url in [
        f"/ops/plans/{plan.pk}/",
        f"/ops/inspections/{insp.pk}/",
        f"/ops/events/{open_project.marketing_events.first().pk}/",
        f"/ops/training/{open_project.training_sessions.first().pk}/",
        f"/ops/rectifications/{open_project.rectifications.first().pk}/",
    ]:
        with django_assert_max_num_queries(30):
            assert c.get(url).status_code == 200, url


def test_the_home_block_is_kept_until_the_roster_changes(
    member, open_project, shifts, make_post, today, django_capture_on_commit_callbacks
):
    """The home page's empty posts come from a snapshot (salesite.dashboard.snapshots): read
    again without counting, and a committed roster entry shows at once."""
    from operations.dashboard import home_blocks
    from operations.models import RosterEntry
    from tests.dashboard.conftest import commit

    post = make_post(open_project, shifts=[shifts[0]])
    head = member("centre_head", open_project)
    commit()

    def empty():
        with CaptureQueriesContext(connection) as ctx:
            context = home_blocks(head, today)[0].context
        return context["ops_empty_post_count"], len(ctx)

    (first, computed), (again, kept) = empty(), empty()
    assert first == again == 1
    assert kept < computed
    with django_capture_on_commit_callbacks(execute=True):
        RosterEntry.objects.create(post=post, shift=shifts[0], user=head, date=today)
    assert empty()[0] == 0
