import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from renovation import services, tasks
from renovation.exceptions import InvalidTransition
from renovation.models import MissedPatrol, PatrolRecord, Status
from salesite.models import JobRun, Notification

from .conftest import at
from .factories import ApplicationFactory, active_in

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)


def patrol(app, kind="front_desk", day=DAY, result="ok", findings="", now=None):
    return services.patrol_record(
        application=app,
        kind=kind,
        result=result,
        findings=findings,
        user=None,
        day=day,
        now=now or at(2026, 3, 10, 15),
    )


def test_one_patrol_per_renovation_day_and_kind(project):
    (app,) = active_in(project)
    patrol(app)
    with pytest.raises(InvalidTransition, match="已登记"):
        patrol(app)
    patrol(app, kind="engineering")
    patrol(app, day=DAY - datetime.timedelta(days=1))
    assert PatrolRecord.objects.count() == 3
    with pytest.raises(IntegrityError):
        PatrolRecord.objects.create(
            project=project,
            application=app,
            date=DAY,
            kind="front_desk",
            result="ok",
            patrolled_at=at(2026, 3, 10),
        )


def test_patrol_refused_for_inactive_renovation_future_day_and_empty_violation(project):
    app = ApplicationFactory(status=Status.SUBMITTED)
    with pytest.raises(InvalidTransition, match="不能登记巡查"):
        patrol(app)
    (active,) = active_in(project)
    with pytest.raises(InvalidTransition, match="未来"):
        patrol(active, day=DAY + datetime.timedelta(days=1))
    with pytest.raises(InvalidTransition, match="巡查情况"):
        patrol(active, result="violation")
    assert not PatrolRecord.objects.exists()


def test_missed_patrols_flagged_once_and_notified_once(project, member):
    a, b = active_in(project, 2)
    later = ApplicationFactory(
        unit__building__project=project, status=Status.PERMITTED, permitted_at=at(2026, 3, 11)
    )
    fd = member("front_desk", project)
    eng = member("engineering", project)
    head = member("centre_head", project)
    patrol(a, "front_desk")
    patrol(a, "engineering")
    result = services.patrols_missed_flag(day=DAY)
    # a misses security; b misses all three; `later` was not yet active that day.
    assert result["active"] == 2 and result["missed"] == 4
    assert set(MissedPatrol.objects.values_list("application_id", "kind")) == {
        (a.pk, "security"),
        (b.pk, "front_desk"),
        (b.pk, "engineering"),
        (b.pk, "security"),
    }
    assert not MissedPatrol.objects.filter(application=later).exists()
    assert Notification.objects.filter(recipient=fd).count() == 1
    assert Notification.objects.filter(recipient=eng).count() == 1
    assert Notification.objects.filter(recipient=head).count() == 3  # one per kind
    again = services.patrols_missed_flag(day=DAY)
    assert again["missed"] == 0 and again["notified"] == 0
    assert MissedPatrol.objects.count() == 4
    assert Notification.objects.count() == 5


def test_a_day_without_a_run_is_flagged_by_the_next_run(project):
    (app,) = active_in(project, permitted_on=DAY)
    patrol(app, kind="front_desk", day=DAY)
    # The 8:00 run of DAY + 1 did not happen (beat down); the run of DAY + 2 catches up.
    result = services.patrols_missed_flag_recent(today=DAY + datetime.timedelta(days=2))
    assert set(MissedPatrol.objects.values_list("date", "kind")) == {
        (DAY, "engineering"),
        (DAY, "security"),
        (DAY + datetime.timedelta(days=1), "front_desk"),
        (DAY + datetime.timedelta(days=1), "engineering"),
        (DAY + datetime.timedelta(days=1), "security"),
    }
    assert result["missed"] == 5
    again = services.patrols_missed_flag_recent(today=DAY + datetime.timedelta(days=2))
    assert again["missed"] == 0 and again["notified"] == 0


def test_missed_patrol_task_records_run_and_schedule_installed(db):
    from django_celery_beat.models import PeriodicTask

    assert tasks.renovation_patrols_missed.delay().get()["missed"] == 0
    assert JobRun.objects.get(job_name="renovation_patrols_missed").status == "success"
    task = PeriodicTask.objects.get(task="renovation.tasks.renovation_patrols_missed")
    assert (task.crontab.hour, task.crontab.minute) == ("8", "0")
    assert str(task.crontab.timezone) == "Asia/Shanghai"


def test_patrol_in_browser_with_role_permission(project, member, client_for):
    (app,) = active_in(project)
    c = client_for(member("front_desk", project))
    r = c.get(reverse("renovation:patrol_today"), {"project": project.pk})
    assert r.status_code == 200 and "未巡查" in r.text
    url = reverse("renovation:patrol_add", args=[app.pk, "front_desk"])
    r = c.post(url, {"result": "violation", "findings": "阳台外立面开孔"})
    record = PatrolRecord.objects.get()
    assert r.status_code == 302 and r.url == record.get_absolute_url()
    assert record.patrolled_by is not None
    r = c.get(record.get_absolute_url())
    assert "阳台外立面开孔" in r.text and "附件" in r.text
    r = c.post(url, {"result": "ok"})
    assert "已登记" in r.text
    # front desk may not record the engineering patrol
    r = c.post(reverse("renovation:patrol_add", args=[app.pk, "engineering"]), {"result": "ok"})
    assert r.status_code == 403


def test_patrols_of_another_project_hidden(project, other_project, member, client_for):
    (mine,) = active_in(project)
    (theirs,) = active_in(other_project)
    record = patrol(theirs)
    c = client_for(member("centre_head", project))
    r = c.get(reverse("renovation:patrol_today"))
    assert mine.unit.number in r.text and theirs.unit.number not in r.text
    assert (
        c.get(reverse("renovation:patrol_today"), {"project": other_project.pk}).status_code == 404
    )
    assert c.get(record.get_absolute_url()).status_code == 404
    r = c.post(reverse("renovation:patrol_add", args=[theirs.pk, "front_desk"]), {"result": "ok"})
    assert r.status_code == 404


@pytest.mark.parametrize("rows", [3, 30])
def test_patrol_board_query_count_is_bounded(
    project, member, client_for, rows, django_assert_max_num_queries
):
    apps = active_in(project, rows)
    for a in apps[:3]:
        patrol(a, day=None, now=timezone.now())
    c = client_for(member("front_desk", project))
    with django_assert_max_num_queries(14):
        r = c.get(reverse("renovation:patrol_today"), {"project": project.pk})
    assert r.status_code == 200


def test_my_work_counts_todays_unpatrolled_renovations_per_kind(project, member, other_project):
    """R-DASH-2: each patrolling role sees, per project, how many active renovations it has
    not patrolled today; yesterday's patrols, another kind's and inactive renovations do not
    count, nor another project's."""
    from salesite.dashboard import registry

    first, second, third = active_in(project, 3)
    ApplicationFactory(status=Status.SUBMITTED, unit=first.unit)  # not active
    (elsewhere,) = active_in(other_project)
    patrol(first, day=DAY)
    patrol(second, day=DAY - datetime.timedelta(days=1))  # yesterday's
    patrol(third, kind="engineering", day=DAY)
    patrol(elsewhere, day=DAY)
    desk, engineer, guard = (
        member(code, project) for code in ("front_desk", "engineering", "security_lead")
    )

    def patrols(user):
        return sorted(
            (i.title, i.project, i.url)
            for i in registry.work_items(user, DAY)
            if i.kind == "装修巡查"
        )

    url = f"{reverse('renovation:patrol_today')}?project={project.pk}"
    assert patrols(desk) == [("客户助理巡查：2 户今日未巡", project.name, url)]
    assert patrols(engineer) == [("工程部巡查：2 户今日未巡", project.name, url)]
    assert patrols(guard) == [("保安部巡查：3 户今日未巡", project.name, url)]
    for app in (second, third):
        patrol(app, day=DAY)
    assert patrols(desk) == []
