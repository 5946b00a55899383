"""Excel/CSV export of the renovation lists (R-DASH-3): applications (the register's rows),
violations and lectures keep their filters and the project scope, hold every row and run a
fixed number of queries whatever the number of rows."""

import datetime

import pytest
from django.urls import reverse

from renovation import services
from renovation.models import LectureAttendee, RenovationLecture
from tests.exporting import column, counted_csv, csv_rows, shows_export_buttons, xlsx_rows
from tests.factories import UnitFactory

from .factories import active_in

pytestmark = pytest.mark.django_db

LISTS = ["renovation:application_list", "renovation:violation_list", "renovation:lecture_list"]


def fill(project, tag: str, n: int = 1):
    """n active renovations, each with a serious violation and a lecture attended from it."""
    for i, app in enumerate(active_in(project, n, contractor_name=f"装修{tag}")):
        services.violation_record(
            application=app,
            severity="serious",
            description=f"违章{tag}-{i}",
            requirement="恢复原状",
            rectify_by=datetime.date(2036, 1, 1),
            user=None,
        )
        lecture = RenovationLecture.objects.create(
            project=project,
            held_on=datetime.date(2026, 5, 10),
            topic=f"讲座{tag}-{i}",
            speaker="工程部刘工",
        )
        LectureAttendee.objects.create(
            project=project, lecture=lecture, unit=app.unit, name=app.owner_name
        )


@pytest.fixture
def desk(member, project, other_project):
    fill(project, "本")
    fill(other_project, "外")
    return member("front_desk", project)


@pytest.mark.parametrize("name", LISTS)
def test_export_is_xlsx_and_csv_and_keeps_the_project_scope(
    desk, client_for, project, other_project, name
):
    c = client_for(desk)
    url = reverse(name)
    as_xlsx = xlsx_rows(c.get(url + "?format=xlsx"))
    as_csv = csv_rows(c.get(url + "?format=csv"))
    assert as_xlsx[0] == as_csv[0] and len(as_xlsx) == len(as_csv) > 1
    assert set(column(as_csv, "项目")) == {project.name}
    assert shows_export_buttons(c.get(url))


def test_application_export_is_the_register_with_the_same_filters(desk, client_for, project):
    c = client_for(desk)
    url = reverse("renovation:application_list")
    register = reverse("renovation:register")
    for query in ("?format=csv", "?format=csv&status=permitted", "?format=csv&q=装修本"):
        assert csv_rows(c.get(url + query)) == csv_rows(c.get(register + query))
    rows = csv_rows(c.get(url + "?format=csv&status=permitted"))
    assert column(rows, "装修单位") == ["装修本"] and column(rows, "违章次数") == ["1"]
    assert csv_rows(c.get(url + "?format=csv&status=draft"))[1:] == []


def test_violation_and_lecture_exports_keep_the_filters(desk, client_for, project):
    c = client_for(desk)
    violations = reverse("renovation:violation_list")
    rows = csv_rows(c.get(violations + "?format=csv&open=true"))
    assert column(rows, "违章情况") == ["违章本-0"] and column(rows, "整改要求") == ["恢复原状"]
    assert csv_rows(c.get(violations + "?format=csv&severity=minor"))[1:] == []
    lectures = reverse("renovation:lecture_list")
    rows = csv_rows(c.get(lectures + f"?format=csv&project={project.pk}"))
    assert column(rows, "主题") == ["讲座本-0"] and column(rows, "参加业主") == ["1"]


@pytest.mark.parametrize("name", LISTS)
def test_export_queries_do_not_grow_with_rows(desk, client_for, project, name):
    c = client_for(desk)
    url = reverse(name) + "?format=csv"
    before, rows_before = counted_csv(c, url)
    fill(project, "多", n=6)
    UnitFactory()  # another project's unit: nothing more to read
    after, rows_after = counted_csv(c, url)
    assert after == before <= 10
    assert len(rows_after) == len(rows_before) + 6


def test_another_project_is_not_exported_even_when_asked(desk, client_for, other_project):
    for name in LISTS:
        url = reverse(name) + f"?format=csv&project={other_project.pk}"
        response = client_for(desk).get(url)
        if name == "renovation:lecture_list":  # its project picker answers 404
            assert response.status_code == 404
            continue
        assert other_project.name not in column(csv_rows(response), "项目"), name
