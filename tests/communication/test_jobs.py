import pytest

from communication import services, tasks
from communication.models import ComplianceBreach, ProblemEvent
from salesite.models import JobRun, Notification, Project
from tests.communication.factories import ProblemFactory, RecordFactory, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_project(project):
    Project.objects.filter(pk=project.pk).update(created_at=at(2026, 1, 1))
    project.refresh_from_db()
    return project


def test_reminder_sent_once_per_level_project_and_period(member, old_project, levels):
    lead = member("cs_lead", old_project)
    monday_evening = at(2026, 3, 2, 17, 5)
    first = services.communication_send_reminders(now=monday_evening)
    second = services.communication_send_reminders(now=at(2026, 3, 2, 17, 20))
    reminders = Notification.objects.filter(recipient=lead, level=Notification.Level.REMINDER)
    # Only the daily log is due at 17:05 (the department review reminds at 17:30).
    assert [n.dedupe_key for n in reminders] == [f"com-remind:daily:{old_project.pk}:2026-03-02"]
    assert (first["notified"], second["notified"]) == (1, 0)
    services.communication_send_reminders(now=at(2026, 3, 2, 17, 35))
    assert reminders.all().count() == 2
    runs = JobRun.objects.filter(job_name="communication_send_reminders")
    assert runs.count() == 3 and all(r.status == JobRun.Status.SUCCESS for r in runs)


@pytest.mark.parametrize("phase", ["preparing", "closed"])
def test_no_reminder_nor_overdue_mark_outside_the_levels_phases(member, old_project, levels, phase):
    Project.objects.filter(pk=old_project.pk).update(marketing_phase=phase)
    lead = member("cs_lead", old_project)
    services.communication_send_reminders(now=at(2026, 3, 2, 17, 35))
    services.communication_mark_overdue(now=at(2026, 3, 4, 0, 20))
    assert not Notification.objects.filter(recipient=lead).exists()
    assert not ComplianceBreach.objects.filter(project=old_project).exists()
    # An admin who extends a level to the phase brings its reminders and marks back.
    levels["daily"].phases = ["preparing", "closed"]
    levels["daily"].save()
    services.communication_send_reminders(now=at(2026, 3, 2, 17, 40))
    services.communication_mark_overdue(now=at(2026, 3, 4, 0, 25))
    assert Notification.objects.filter(
        recipient=lead, dedupe_key=f"com-remind:daily:{old_project.pk}:2026-03-02"
    ).exists()
    assert set(
        ComplianceBreach.objects.filter(project=old_project).values_list("level__code", flat=True)
    ) == {"daily"}


def test_no_reminder_before_the_time_or_when_the_record_exists(member, old_project, levels):
    lead = member("cs_lead", old_project)
    services.communication_send_reminders(now=at(2026, 3, 2, 16, 59))
    assert not Notification.objects.filter(recipient=lead).exists()
    RecordFactory(project=old_project, level=levels["daily"], held_at=at(2026, 3, 2, 9))
    services.communication_send_reminders(now=at(2026, 3, 2, 17, 30))
    assert not Notification.objects.filter(
        recipient=lead, dedupe_key__startswith="com-remind:daily:"
    ).exists()


def test_weekly_reminder_on_friday_at_its_time(member, old_project, levels):
    head = member("centre_head", old_project)
    services.communication_send_reminders(now=at(2026, 3, 5, 16))  # Thursday
    assert not Notification.objects.filter(dedupe_key__startswith="com-remind:weekly:").exists()
    services.communication_send_reminders(now=at(2026, 3, 6, 15, 1))  # Friday after 15:00
    assert Notification.objects.get(
        recipient=head, dedupe_key=f"com-remind:weekly:{old_project.pk}:2026-03-02"
    )


def test_overdue_marked_once_and_notified_once(member, old_project, levels):
    lead = member("cs_lead", old_project)
    head = member("centre_head", old_project)
    RecordFactory(project=old_project, level=levels["daily"], held_at=at(2026, 3, 2, 23, 59))
    now = at(2026, 3, 4, 0, 20)  # Mar 2 met; Mar 3 missing
    first = services.communication_mark_overdue(now=now)
    second = services.communication_mark_overdue(now=at(2026, 3, 4, 6))
    daily = ComplianceBreach.objects.filter(project=old_project, level=levels["daily"])
    assert sorted(str(b.period_start) for b in daily) == [
        "2026-02-25",
        "2026-02-26",
        "2026-02-27",
        "2026-02-28",
        "2026-03-01",
        "2026-03-03",
    ]
    assert first["marked"] > 0 and second["marked"] == 0
    key = f"com-overdue:daily:{old_project.pk}:2026-03-03"
    assert Notification.objects.filter(dedupe_key=key, recipient=lead).count() == 1
    assert Notification.objects.filter(dedupe_key=key, recipient=head).count() == 1
    assert JobRun.objects.filter(job_name="communication_mark_overdue").count() == 2


def test_no_breach_before_the_project_existed(old_project, levels):
    Project.objects.filter(pk=old_project.pk).update(created_at=at(2026, 3, 3, 8))
    services.communication_mark_overdue(now=at(2026, 3, 4, 0, 20))
    assert list(
        ComplianceBreach.objects.filter(level=levels["daily"]).values_list(
            "period_start", flat=True
        )
    ) == [at(2026, 3, 3).date()]


def test_problem_overdue_marked_and_owner_told_once(project, levels):
    p = ProblemFactory(project=project)
    done = ProblemFactory(project=project)
    done.status = "resolved"
    done.save()
    first = services.communication_mark_problems_overdue(now=at(2026, 3, 3, 0, 30))
    second = services.communication_mark_problems_overdue(now=at(2026, 3, 3, 1, 30))
    p.refresh_from_db()
    assert p.overdue_since == at(2026, 3, 3, 0, 30)
    assert (first["marked"], second["marked"]) == (1, 0)
    assert p.events.filter(kind=ProblemEvent.Kind.OVERDUE).count() == 1
    assert Notification.objects.filter(recipient=p.owner, level="overdue").count() == 1


def test_tasks_run_eagerly_and_record_runs(levels):
    tasks.communication_send_reminders.delay()
    tasks.communication_mark_overdue.delay()
    tasks.communication_mark_problems_overdue.delay()
    assert set(JobRun.objects.values_list("job_name", flat=True)) >= {
        "communication_send_reminders",
        "communication_mark_overdue",
        "communication_mark_problems_overdue",
    }


def test_beat_schedules_exist_in_shanghai_time():
    from django_celery_beat.models import PeriodicTask

    tasks_ = PeriodicTask.objects.filter(task__startswith="communication.tasks.")
    assert tasks_.count() == 3
    assert {str(t.crontab.timezone) for t in tasks_} == {"Asia/Shanghai"}
