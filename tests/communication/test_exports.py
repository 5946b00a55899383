"""Excel/CSV export of the communication lists and the compliance report, and the print view
of a record (R-DASH-3): filters and project scope kept, every row, a fixed number of queries;
the print view has the access of the record's page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communication import services
from communication.models import Problem
from salesite.models import Contact, Role
from tests import factories as f
from tests.communication.factories import ProblemFactory, RecordFactory, at, level
from tests.exporting import column, csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db

# A week well in the past: its periods are closed whatever the day the tests run.
WEEK = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday() + 28)
RANGE = f"start={WEEK.isoformat()}&end={(WEEK + datetime.timedelta(days=6)).isoformat()}"

LISTS = [
    "/communication/records/",
    "/communication/reports/",
    "/communication/problems/",
    "/communication/compliance/",
]


def developer_contact(project, name="策划主管"):
    return f.MembershipFactory(
        project=project,
        user=None,
        contact=Contact.objects.create(name=name, company=f.CompanyFactory(kind="developer_city")),
        role=Role.objects.get(code="dev_marketing_supervisor"),
    )


def when(day: int, hh: int, mm: int = 0) -> datetime.datetime:
    """A time on day ``day`` (0 = Monday) of WEEK."""
    d = WEEK + datetime.timedelta(days=day)
    return at(d.year, d.month, d.day, hh, mm)


def fill(project, lead, n=1, day=1):
    """n daily logs with participants of both sides, n problems, n weekly reports."""
    dev = developer_contact(project, name=f"地产{project.code}-{day}")
    mine = lead.memberships.get(project=project)
    for i in range(n):
        services.record_create(
            project=project,
            level=level("daily"),
            user=lead,
            held_at=when(day, 9, i),
            participants=[mine, dev],
            topics=f"沟通{project.code}-{i}",
            problems=[{"title": f"问题{project.code}-{day}-{i}", "owner": lead}],
        )
        RecordFactory(
            project=project,
            level=level("weekly_report"),
            held_at=when(day, 18, i),
            summary=f"周志{project.code}-{i}",
            created_by=lead,
        )


@pytest.fixture
def world(member, project, other_project, levels):
    """A customer-service lead of ``project``; records and problems in ``project`` and in
    ``other_project``, which the lead does not see."""
    lead = member("cs_lead", project)
    fill(project, lead)
    fill(other_project, member("cs_lead", other_project))
    return {"lead": lead}


@pytest.mark.parametrize("url", LISTS)
def test_export_is_xlsx_and_csv_and_keeps_the_project_scope(
    world, client_for, project, other_project, url
):
    c = client_for(world["lead"])
    as_xlsx = xlsx_rows(c.get(url + "?format=xlsx"))
    as_csv = csv_rows(c.get(url + "?format=csv"))
    assert as_xlsx[0] == as_csv[0] and len(as_xlsx) == len(as_csv) > 1
    projects = set(column(as_csv, "项目"))
    assert projects == {project.name}
    assert other_project.name not in projects


def test_record_export_rows_and_filters(world, client_for, project, levels):
    c = client_for(world["lead"])
    rows = csv_rows(c.get("/communication/records/?format=csv"))
    assert rows[0][:3] == ["时间", "项目", "层级"]
    daily = [r for r in rows[1:] if r[rows[0].index("层级")] == levels["daily"].name]
    assert len(daily) == 1
    participants = daily[0][rows[0].index("参加人员")]
    assert str(world["lead"]) in participants and f"地产{project.code}-1" in participants
    assert daily[0][rows[0].index("问题数")] == "1"
    only_reports = csv_rows(
        c.get(f"/communication/records/?format=csv&level={levels['weekly_report'].pk}")
    )
    assert column(only_reports, "层级") == [levels["weekly_report"].name]
    later = (WEEK + datetime.timedelta(days=2)).isoformat()
    none_after = csv_rows(c.get(f"/communication/records/?format=csv&date_from={later}"))
    assert len(none_after) == 1


def test_report_export_holds_the_report_texts(world, client_for, project):
    rows = csv_rows(client_for(world["lead"]).get("/communication/reports/?format=csv"))
    assert column(rows, "工作小结") == [f"周志{project.code}-0"]


def test_problem_export_keeps_the_filters(world, client_for, project):
    lead = world["lead"]
    solved = ProblemFactory(project=project, owner=lead, title="已解决的问题")
    services.problem_resolve(problem=solved, resolution="已处理", user=lead)
    c = client_for(lead)
    everything = csv_rows(c.get("/communication/problems/?format=csv"))
    assert set(column(everything, "问题")) == {f"问题{project.code}-1-0", "已解决的问题"}
    resolved = csv_rows(
        c.get(f"/communication/problems/?format=csv&status={Problem.Status.RESOLVED}")
    )
    assert column(resolved, "问题") == ["已解决的问题"]
    assert column(resolved, "处理结果") == ["已处理"]
    assert column(csv_rows(c.get("/communication/problems/?format=csv&q=已解决")), "问题") == [
        "已解决的问题"
    ]


def test_compliance_export_keeps_the_range_and_scope(
    world, member, client_for, project, other_project, levels
):
    url = f"/communication/compliance/?format=csv&{RANGE}"
    rows = csv_rows(client_for(world["lead"]).get(url))
    assert rows[0][:2] == ["项目", "层级"]
    assert set(column(rows, "项目")) == {project.name}
    daily = [r for r in rows[1:] if r[1] == levels["daily"].name]
    assert daily and daily[0][rows[0].index("达标周期")] == "1"  # the log of Tuesday
    assert daily[0][rows[0].index("应统计周期")] == "7"
    missing = daily[0][rows[0].index("缺失周期")]
    assert WEEK.isoformat() in missing
    assert (WEEK + datetime.timedelta(days=1)).isoformat() not in missing
    gm = client_for(member("subsidiary_gm", other_project))
    theirs = csv_rows(gm.get(url + f"&project={other_project.pk}"))
    assert set(column(theirs, "项目")) == {other_project.name}
    assert gm.get(url + f"&project={project.pk}").status_code == 404


@pytest.mark.parametrize("url", LISTS)
def test_export_queries_do_not_grow_with_rows(
    world, client_for, project, url, django_assert_max_num_queries
):
    c = client_for(world["lead"])
    url += f"?format=csv&{RANGE}"

    def count():
        with CaptureQueriesContext(connection) as ctx:
            rows = csv_rows(c.get(url))  # streamed: count while reading
        return len(ctx.captured_queries), len(rows)

    before, n_before = count()
    fill(project, world["lead"], n=12, day=3)
    # Session, user, access and levels, then the rows: one query (compliance: one grouped
    # query per kind of period), whatever the number of rows.
    with django_assert_max_num_queries(14):
        after, n_after = count()
    assert after == before
    if "compliance" not in url:
        assert n_after >= n_before + 12


def test_list_pages_show_the_export_buttons(world, client_for):
    c = client_for(world["lead"])
    for url in LISTS:
        page = c.get(url).content.decode()
        assert "format=xlsx" in page and "format=csv" in page, url


# --- print view -------------------------------------------------------------------------------


def test_minutes_print_with_participants_problems_and_signatures(
    member, client_for, project, levels
):
    head = member("centre_head", project)
    reader = member("front_desk", project)
    dev = developer_contact(project, name="营销经理王")
    record = services.record_create(
        project=project,
        level=levels["weekly"],
        user=head,
        held_at=when(4, 15),
        place="营销中心会议室",
        participants=[head.memberships.get(), dev],
        recipients=[reader],
        topics="周末客流安排",
        decisions="增加两名礼宾",
        problems=[
            {"title": "停车指引不足", "owner": head, "due_date": WEEK + datetime.timedelta(days=11)}
        ],
    )
    c = client_for(head)
    assert f'href="/communication/records/{record.pk}/print/"' in (
        c.get(f"/communication/records/{record.pk}/").content.decode()
    )
    response = c.get(f"/communication/records/{record.pk}/print/")
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        project.name,
        levels["weekly"].name,
        "营销中心会议室",
        str(head),
        "营销经理王",
        "增加两名礼宾",
        "停车指引不足",
        str(reader),
        "签字",
        "纪要分发与签收",
        'data-action="print"',
    ):
        assert text in body, text


def test_report_print_shows_the_report_texts(member, client_for, project, levels):
    record = RecordFactory(
        project=project, level=levels["monthly_report"], summary="三月进度", next_plan="四月计划"
    )
    body = (
        client_for(member("cs_lead", project))
        .get(f"/communication/records/{record.pk}/print/")
        .content.decode()
    )
    assert "三月进度" in body and "四月计划" in body and "参加人员签到" not in body


def test_record_print_is_404_for_another_project_and_403_without_the_view_permission(
    member, client_for, project, other_project, levels
):
    record = RecordFactory(project=project, held_at=timezone.now())
    outsider = client_for(member("cs_lead", other_project))
    assert outsider.get(f"/communication/records/{record.pk}/print/").status_code == 404
    role = Role.objects.create(code="no_comm", name="无沟通权限", side="property", scope="project")
    stranger = f.UserFactory()
    f.MembershipFactory(user=stranger, project=project, role=role)
    c = client_for(stranger)
    assert c.get(f"/communication/records/{record.pk}/").status_code == 403
    assert c.get(f"/communication/records/{record.pk}/print/").status_code == 403
