import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from renovation import selectors, services
from renovation.models import LectureAttendee, RenovationLecture, Status
from tests.factories import BuildingFactory, CustomerFactory, PurchaseFactory, UnitFactory

from .conftest import at
from .factories import ApplicationFactory, active_in

pytestmark = pytest.mark.django_db

NOW = at(2026, 5, 6, 10)


def make(project, status, **kw):
    return ApplicationFactory(unit__building__project=project, status=status, **kw)


def pipeline_fixture(project):
    make(project, Status.SUBMITTED, review_due_at=at(2026, 5, 7, 23))
    make(project, Status.SUBMITTED, review_due_at=at(2026, 5, 5, 23))  # overdue
    make(project, Status.WAITING_GOVERNMENT)
    make(project, Status.DRAFT)
    make(project, Status.COMPLETION_APPLIED)
    make(project, Status.RECTIFICATION)
    make(project, Status.COMPLETION_ACCEPTED, refund_due_on=datetime.date(2026, 5, 1))
    make(project, Status.COMPLETION_ACCEPTED, refund_due_on=datetime.date(2026, 6, 1))
    a, b = active_in(project, 2)
    for app in (a, b):
        services.violation_record(
            application=app,
            severity="serious",
            description="x",
            requirement="y",
            rectify_by=datetime.date(2036, 1, 1),
            user=None,
        )
    services.violation_record(
        application=a, severity="minor", description="z", warned_person="w", user=None
    )


def test_pipeline_counts(project, other_project, member):
    pipeline_fixture(project)
    pipeline_fixture(other_project)
    user = member("centre_head", project)
    counts = selectors.pipeline_counts(user, now=NOW, today=NOW.date())
    assert counts == {
        "in_review": 3,
        "overdue": 1,
        "waiting_government": 1,
        "active": 2,
        "completion": 2,
        "refunds_due": 1,
        "open_violations": 2,
    }


def test_pipeline_page_links_to_filtered_lists_with_bounded_queries(
    project, member, client_for, django_assert_max_num_queries
):
    pipeline_fixture(project)
    c = client_for(member("centre_head", project))
    with django_assert_max_num_queries(10):
        r = c.get(reverse("renovation:pipeline"))
    assert r.status_code == 200
    assert "?overdue=true" in r.text and "?open=true" in r.text
    today = timezone.localdate()
    due = make(project, Status.COMPLETION_ACCEPTED, refund_due_on=today)
    later = make(
        project, Status.COMPLETION_ACCEPTED, refund_due_on=today + datetime.timedelta(days=1)
    )
    r = c.get(reverse("renovation:application_list"), {"refund_due": "true"})
    assert due.number in r.text and later.number not in r.text
    r = c.get(reverse("renovation:pipeline"), {"project": project.pk})
    assert f"project={project.pk}&amp;status=permitted" in r.text


def test_register_filters_and_exports(project, other_project, member, client_for):
    mine = make(project, Status.SUBMITTED, contractor_name="=HYPERLINK(1)")
    make(other_project, Status.SUBMITTED, contractor_name="他项目装修")
    c = client_for(member("front_desk", project))
    r = c.get(reverse("renovation:register"))
    assert mine.number in r.text and "他项目装修" not in r.text
    r = c.get(reverse("renovation:register"), {"format": "csv", "status": "submitted"})
    rows = list(csv.reader(io.StringIO(r.getvalue().decode("utf-8-sig"))))
    assert rows[0][0] == "申请编号" and len(rows) == 2
    assert rows[1][0] == mine.number and rows[1][5] == "'=HYPERLINK(1)"
    r = c.get(reverse("renovation:register"), {"format": "xlsx"})
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    r = c.get(reverse("renovation:register"), {"format": "csv", "status": "draft"})
    assert len(list(csv.reader(io.StringIO(r.getvalue().decode("utf-8-sig"))))) == 1


@pytest.mark.parametrize("rows", [3, 30])
def test_register_query_count_is_bounded(
    project, member, client_for, rows, django_assert_max_num_queries
):
    for app in active_in(project, rows):
        services.violation_record(
            application=app, severity="minor", description="z", warned_person="w", user=None
        )
    c = client_for(member("front_desk", project))
    with django_assert_max_num_queries(12):
        assert c.get(reverse("renovation:register")).status_code == 200
    with django_assert_max_num_queries(10):
        assert c.get(reverse("renovation:register"), {"format": "csv"}).status_code == 200


def test_lecture_with_attendees_found_by_unit(project, other_project, member, client_for):
    building = BuildingFactory(project=project)
    unit = UnitFactory(building=building, number="1801")
    PurchaseFactory(unit=unit, customer=CustomerFactory(project=project, name="周业主"))
    c = client_for(member("front_desk", project))
    r = c.post(
        reverse("renovation:lecture_create"),
        {
            "project": project.pk,
            "held_on": "2026-05-10",
            "topic": "防水与水电改造",
            "speaker": "工程部刘工",
        },
    )
    lecture = RenovationLecture.objects.get()
    assert r.status_code == 302 and lecture.created_by is not None
    url = lecture.get_absolute_url()
    r = c.post(url, {"building": building.pk, "unit_number": "1801"})
    assert r.status_code == 302
    assert list(LectureAttendee.objects.values_list("name", flat=True)) == ["周业主"]
    r = c.post(url, {"building": building.pk, "unit_number": "1801"})
    assert "已登记参加" in r.text
    r = c.post(url, {"building": building.pk, "unit_number": "9999"})
    assert "没有房号" in r.text
    r = c.get(reverse("renovation:lecture_list"))
    assert "防水与水电改造" in r.text
    outsider = client_for(member("front_desk", other_project))
    assert outsider.get(url).status_code == 404
    assert "防水与水电改造" not in outsider.get(reverse("renovation:lecture_list")).text
    engineer = client_for(member("engineering", project))
    assert engineer.post(url, {"building": building.pk, "unit_number": "1801"}).status_code == 403


@pytest.mark.parametrize("rows", [3, 30])
def test_lecture_list_query_count_is_bounded(
    project, member, client_for, rows, django_assert_max_num_queries
):
    RenovationLecture.objects.bulk_create(
        RenovationLecture(project=project, held_on=timezone.localdate(), topic=f"t{i}", speaker="s")
        for i in range(rows)
    )
    c = client_for(member("front_desk", project))
    with django_assert_max_num_queries(12):
        assert c.get(reverse("renovation:lecture_list")).status_code == 200
