"""Excel/CSV export of every operations list and the paper-form print views (R-DASH-3).

Exports keep the list's filters and the user's project scope, hold every row (no page) and
run a fixed number of queries whatever the number of rows; print views have the access of
the record's page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from operations import services
from operations.models import (
    MarketingEvent,
    PlanStatus,
    RectificationStatus,
    RosterEntry,
    ServiceCategory,
    ServicePlan,
    ServiceType,
    Shift,
    SiteArea,
    TrainingSession,
)
from salesite.models import Role
from tests import factories as f
from tests import module_db
from tests.exporting import column, csv_rows, xlsx_rows
from tests.operations.conftest import new_checklist, new_plan, new_post

pytestmark = pytest.mark.django_db


# list URL → the header of its project column
LISTS = {
    "/ops/areas/": "项目",
    "/ops/shifts/": "适用项目",
    "/ops/roster/all/": "项目",
    "/ops/services/": "适用项目",
    "/ops/plans/": "项目",
    "/ops/training/": "项目",
    "/ops/events/": "项目",
    "/ops/inspections/": "项目",
    "/ops/rectifications/": "项目",
}


def fill_project(project, *, checklist, make_post, make_plan, hq, staff, today, n=1, tag=""):
    """n rows of every operations list in the project (the first call also writes its plan;
    later calls, with another ``tag``, add filed plan versions)."""
    for i in range(n):
        key = f"{tag}{i}"
        shift = Shift.objects.create(
            project=project,
            name=f"班次{project.code}-{key}",
            start=datetime.time(9),
            end=datetime.time(17),
        )
        post = make_post(project, name=f"岗位{key}", shifts=[shift], area_name=f"区域{key}")
        RosterEntry.objects.create(post=post, shift=shift, user=staff, date=today)
        ServiceType.objects.create(
            category=ServiceCategory.objects.order_by("order").first(),
            project=project,
            name=f"特色服务{project.code}-{key}",
        )
        session = TrainingSession.objects.create(
            project=project, date=today, topic=f"培训{key}", kind="service_flow", trainer=hq
        )
        services.training_attendance_set(session=session, user=staff, score=80, passed=True)
        services.event_create(
            user=hq,
            staff=[staff],
            project=project,
            kind=MarketingEvent.Kind.CLUB,
            title=f"活动{key}",
            starts_at=timezone.now(),
            place="营销中心",
        )
        insp = services.inspection_create(
            project=project, checklist=checklist, date=today, inspector=hq
        )
        services.inspection_score(
            inspection=insp, scores={s.pk: (1, "扣分") for s in insp.scores.all()}
        )
        services.inspection_complete(inspection=insp, user=hq, owner=staff, deadline=today)
        if tag:
            ServicePlan.objects.create(
                project=project,
                version=100 + i,
                title=f"方案{key}",
                status=PlanStatus.FILED,
                submitted_by=hq,
                submitted_at=timezone.now(),
                reviewed_by=hq,
                reviewed_at=timezone.now(),
            )
    if not tag:
        make_plan(project)


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The module's rows, written once inside a transaction rolled back at the end (each test
    runs in a savepoint of it, as in the permission matrix): a centre head of ``project`` and
    ``second`` (two companies); rows in both and in ``other_project``, which the head does not
    see. Built per test, they were a tenth of a second each, 51 times."""
    with module_db.rolled_back(django_db_blocker):
        project, other_project, second = (f.ProjectFactory() for _ in range(3))
        checklist = new_checklist()
        head = f.member("centre_head", project)
        f.MembershipFactory(user=head, project=second, role=Role.objects.get(code="centre_head"))
        hq = f.UserFactory()
        staff = f.UserFactory(name="张培训")
        for p in (project, second, other_project):
            f.MembershipFactory(user=staff, project=p)
            fill_project(
                p,
                checklist=checklist,
                make_post=new_post,
                make_plan=new_plan,
                hq=hq,
                staff=staff,
                today=timezone.localdate(),
            )
        yield {
            "project": project,
            "other_project": other_project,
            "checklist": checklist,
            "head": head,
            "second": second,
            "hq": hq,
            "staff": staff,
        }


@pytest.fixture
def world(built, db):
    """One test's database access: pytest-django's transaction nests in the module's one."""
    return built


@pytest.fixture
def project(world):
    return world["project"]


@pytest.fixture
def other_project(world):
    return world["other_project"]


@pytest.fixture
def checklist(world):
    return world["checklist"]


@pytest.mark.parametrize("url", LISTS)
def test_export_is_xlsx_and_csv_with_the_same_header(world, client_for, url):
    c = client_for(world["head"])
    as_xlsx = xlsx_rows(c.get(url + "?format=xlsx"))
    as_csv = csv_rows(c.get(url + "?format=csv"))
    assert as_xlsx[0] == as_csv[0]
    assert LISTS[url] in as_csv[0]
    assert len(as_xlsx) == len(as_csv) > 1


@pytest.mark.parametrize("url", LISTS)
def test_export_keeps_the_users_project_scope(world, client_for, project, other_project, url):
    rows = csv_rows(client_for(world["head"]).get(url + "?format=csv"))
    projects = set(column(rows, LISTS[url]))
    assert {project.name, world["second"].name} <= projects
    assert other_project.name not in projects


@pytest.mark.parametrize("url", LISTS)
def test_export_keeps_the_project_filter(world, client_for, project, url):
    second = world["second"]
    c = client_for(world["head"])
    rows = csv_rows(c.get(f"{url}?format=csv&project={second.pk}"))
    projects = set(column(rows, LISTS[url]))
    assert second.name in projects and project.name not in projects
    assert set(column(xlsx_rows(c.get(f"{url}?format=xlsx&project={second.pk}")), LISTS[url])) == (
        projects
    )


def test_export_keeps_the_other_filters(world, client_for, project, today):
    c = client_for(world["head"])
    SiteArea.objects.create(project=project, name="停车场A", kind=SiteArea.Kind.PARKING)
    areas = csv_rows(c.get("/ops/areas/?format=csv&kind=parking"))
    assert column(areas, "区域名称") == ["停车场A"]

    item = project.rectifications.first()
    services.rectification_done(item=item, user=world["staff"], note="已整改")
    done = csv_rows(c.get(f"/ops/rectifications/?format=csv&status={RectificationStatus.DONE}"))
    assert column(done, "整改内容") == [item.description]
    assert column(done, "整改情况") == ["已整改"]

    roster = csv_rows(c.get(f"/ops/roster/all/?format=csv&project={project.pk}&person=张培训"))
    assert column(roster, "上岗人员") == ["张培训"]
    assert csv_rows(c.get("/ops/roster/all/?format=csv&person=无此人")) == [roster[0]]

    later = (today + datetime.timedelta(days=1)).isoformat()
    assert len(csv_rows(c.get(f"/ops/training/?format=csv&date_from={later}"))) == 1


def test_export_holds_every_row_not_one_page(
    world, client_for, project, checklist, make_post, make_plan, today
):
    fill_project(
        project,
        checklist=checklist,
        make_post=make_post,
        make_plan=make_plan,
        hq=world["hq"],
        staff=world["staff"],
        today=today,
        n=26,
        tag="more",
    )
    rows = csv_rows(
        client_for(world["head"]).get(f"/ops/training/?format=csv&project={project.pk}")
    )
    assert len(rows) == 1 + 27  # more than the 25 rows of a page


def _export_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        rows = csv_rows(client.get(url))  # the CSV is streamed: count while reading it
    assert len(rows) > 1
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [*LISTS, "staff"])
def test_export_queries_do_not_grow_with_rows(
    world,
    client_for,
    project,
    checklist,
    make_post,
    make_plan,
    today,
    url,
    django_assert_max_num_queries,
):
    c = client_for(world["head"])
    if url == "staff":
        url = f"/ops/staff/{world['staff'].pk}/training/"
    url += "?format=csv"
    before = _export_queries(c, url)
    fill_project(
        project,
        checklist=checklist,
        make_post=make_post,
        make_plan=make_plan,
        hq=world["hq"],
        staff=world["staff"],
        today=today,
        n=10,
        tag="more",
    )
    with django_assert_max_num_queries(10):
        after = _export_queries(c, url)
    assert after == before


def test_staff_training_export_is_scoped_to_the_staff_and_the_viewer(
    world, client_for, project, other_project
):
    someone_else = f.UserFactory(name="李其他")
    session = TrainingSession.objects.filter(project=project).first()
    services.training_attendance_set(session=session, user=someone_else, score=60)
    c = client_for(world["head"])
    url = f"/ops/staff/{world['staff'].pk}/training/"
    rows = csv_rows(c.get(url + "?format=csv"))
    assert rows[0][:3] == ["培训日期", "项目", "培训主题"]
    projects = column(rows, "项目")
    assert project.name in projects and other_project.name not in projects
    assert column(rows, "考核成绩") == ["80", "80"]  # the staff's, not 李其他's 60
    assert len(xlsx_rows(c.get(url + "?format=xlsx"))) == len(rows)


def test_list_pages_show_the_export_buttons(world, client_for):
    c = client_for(world["head"])
    for url in [*LISTS, f"/ops/staff/{world['staff'].pk}/training/"]:
        page = c.get(url + "?project=1&page=2").content.decode()
        assert "format=xlsx" in page and "format=csv" in page, url
        assert "page=2&amp;format" not in page, url


# --- print views ------------------------------------------------------------------------------


def _print_urls(project):
    return {
        "plan": (f"/ops/plans/{project.service_plans.get().pk}/", "服务内容与标准"),
        "training": (f"/ops/training/{project.training_sessions.get().pk}/", "签到"),
        "event": (f"/ops/events/{project.marketing_events.get().pk}/", "确认签字"),
        "inspection": (f"/ops/inspections/{project.inspections.get().pk}/", "形象整洁"),
    }


@pytest.mark.parametrize("kind", ["plan", "training", "event", "inspection"])
def test_print_view_for_a_member_with_a_button_on_the_detail_page(world, client_for, project, kind):
    detail, text = _print_urls(project)[kind]
    c = client_for(world["head"])
    assert f'href="{detail}print/"' in c.get(detail).content.decode()
    page = c.get(detail + "print/")
    assert page.status_code == 200
    body = page.content.decode()
    assert text in body and project.name in body and 'data-action="print"' in body


@pytest.mark.parametrize("kind", ["plan", "training", "event", "inspection"])
def test_print_view_is_404_for_another_projects_member(
    world, member, client_for, project, other_project, kind
):
    detail, _text = _print_urls(project)[kind]
    outsider = client_for(member("centre_head", other_project))
    assert outsider.get(detail).status_code == 404
    assert outsider.get(detail + "print/").status_code == 404


def test_training_sign_in_sheet_lists_the_attendees(world, client_for, project):
    session = project.training_sessions.get()
    body = client_for(world["head"]).get(f"/ops/training/{session.pk}/print/").content.decode()
    assert "张培训" in body and "讲师签字" in body


def test_event_checklist_print_shows_every_item(world, client_for, project):
    event = project.marketing_events.get()
    body = client_for(world["head"]).get(f"/ops/events/{event.pk}/print/").content.decode()
    for item in event.checklist.all():
        assert item.text in body
