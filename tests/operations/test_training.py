import datetime

import pytest

from operations import services
from operations.models import TrainingAttendance, TrainingSession
from salesite.exceptions import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(member, project):
    return TrainingSession.objects.create(
        project=project,
        date=datetime.date(2026, 3, 1),
        topic="服务流程",
        kind="service_flow",
        trainer=member("cs_lead", project),
    )


def test_attendance_with_results_and_score_range(member, project, session):
    desk = member("front_desk", project)
    services.training_attendance_set(
        session=session, user=desk, score=88, passed=True, result="合格"
    )
    services.training_attendance_set(
        session=session, user=desk, score=60, passed=False, result="补训"
    )
    row = TrainingAttendance.objects.get()
    assert (row.score, row.passed, row.result) == (60, False, "补训")
    with pytest.raises(DomainError):
        services.training_attendance_set(session=session, user=desk, score=101)


def test_create_training_and_record_attendees_in_the_browser(member, client_for, project):
    head = member("centre_head", project)
    desk = member("front_desk", project)
    c = client_for(head)
    r = c.post(
        "/ops/training/new/",
        {
            "project": project.pk,
            "date": "2026-03-02",
            "topic": "对讲机操作",
            "kind": "operation_skills",
            "trainer": head.pk,
            "hours": "1.5",
        },
    )
    assert r.status_code == 302
    session = TrainingSession.objects.get()
    c.post(
        f"/ops/training/{session.pk}/attendance/",
        {"user": desk.pk, "attended": "on", "score": 95, "passed": "true", "result": "优秀"},
    )
    assert session.attendance.get().score == 95
    c.post(
        f"/ops/training/{session.pk}/attendance/", {"user": desk.pk, "attended": "on", "score": 150}
    )
    assert session.attendance.get().score == 95  # refused: above 100
    history = client_for(desk).get(f"/ops/staff/{desk.pk}/training/").content.decode()
    assert "对讲机操作" in history and "95" in history


def test_training_needs_a_trainer(member, client_for, project):
    c = client_for(member("centre_head", project))
    c.post(
        "/ops/training/new/",
        {
            "project": project.pk,
            "date": "2026-03-02",
            "topic": "无讲师",
            "kind": "service_flow",
            "hours": "1",
        },
    )
    assert not TrainingSession.objects.exists()


def test_staff_history_shows_only_visible_projects(
    member, client_for, project, other_project, session
):
    desk = member("front_desk", project)
    services.training_attendance_set(session=session, user=desk, score=90)
    other = TrainingSession.objects.create(
        project=other_project,
        date=datetime.date(2026, 3, 3),
        topic="别的项目培训",
        kind="service_flow",
        trainer_name="外部讲师",
    )
    services.training_attendance_set(session=other, user=desk, score=70)
    viewer = member("centre_head", project)
    page = client_for(viewer).get(f"/ops/staff/{desk.pk}/training/").content.decode()
    assert "服务流程" in page and "别的项目培训" not in page
    # someone on no shared project gets a 404
    outsider = member("centre_head", other_project)
    stranger = member("front_desk", project)
    assert client_for(outsider).get(f"/ops/staff/{stranger.pk}/training/").status_code == 404
    assert client_for(outsider).get(f"/ops/training/{session.pk}/").status_code == 404


def test_front_desk_cannot_record_attendance(member, client_for, project, session):
    desk = member("front_desk", project)
    r = client_for(desk).post(
        f"/ops/training/{session.pk}/attendance/", {"user": desk.pk, "score": 100}
    )
    assert r.status_code == 403 and not TrainingAttendance.objects.exists()


def test_detail_shows_the_edit_link_only_to_who_may_edit(member, client_for, project, session):
    """The "编辑" button of a training needs the permission training_edit requires."""
    edit_url = f"/ops/training/{session.pk}/edit/"
    head = member("centre_head", project)
    desk = member("front_desk", project)
    assert head.has_perm("operations.change_trainingsession", session)
    assert not desk.has_perm("operations.change_trainingsession", session)
    assert f'href="{edit_url}"' in client_for(head).get(f"/ops/training/{session.pk}/").text
    assert f'href="{edit_url}"' not in client_for(desk).get(f"/ops/training/{session.pk}/").text
    assert client_for(head).get(edit_url).status_code == 200
    assert client_for(desk).get(edit_url).status_code == 403
