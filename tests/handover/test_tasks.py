"""R-JOB-2: reminders before due and overdue marks — idempotent, recorded, scheduled."""

import datetime

import pytest
from django_celery_beat.models import PeriodicTask

from handover import services, tasks
from handover.models import Milestone, MilestoneKind, MilestoneStatus
from salesite.models import JobRun, Notification
from tests.handover.factories import make_batch

pytestmark = pytest.mark.django_db

T = datetime.date(2027, 6, 30)


@pytest.fixture
def batch(project):
    return make_batch(project, date=T)


def test_reminders_notify_responsible_roles_once(batch, project, member):
    engineer = member("engineering", project)
    cs = member("cs_lead", project)
    desk = member("front_desk", project)
    first_mock_due = batch.milestones.get(kind=MilestoneKind.FIRST_MOCK).due_date
    today = first_mock_due - datetime.timedelta(days=5)
    assert services.milestones_remind(today=today, days=7) == 1
    assert Notification.objects.filter(recipient=engineer).count() == 1
    assert Notification.objects.filter(recipient=cs).count() == 1
    assert Notification.objects.filter(recipient=desk).count() == 0
    # a second run the next day sends nothing again
    assert services.milestones_remind(today=today + datetime.timedelta(days=1), days=7) == 0
    assert Notification.objects.count() == 2


def test_reminder_not_sent_too_early(batch, project, member):
    member("engineering", project)
    due = batch.milestones.get(kind=MilestoneKind.FIRST_MOCK).due_date
    services.milestones_remind(today=due - datetime.timedelta(days=8), days=7)
    assert not Notification.objects.filter(title__contains="第一次模拟验收").exists()


def test_overdue_marked_once_and_done_ones_left(batch, project, member):
    engineer = member("engineering", project)
    survey = batch.milestones.get(kind=MilestoneKind.DESIGN_SURVEY)
    first = batch.milestones.get(kind=MilestoneKind.FIRST_MOCK)
    services.milestone_complete(milestone=survey, user=None, result_note="ok")
    today = first.due_date + datetime.timedelta(days=1)
    assert services.milestones_mark_overdue(today=today) == 1
    first.refresh_from_db()
    assert first.status == MilestoneStatus.OVERDUE and first.overdue_marked_at
    assert Milestone.objects.get(pk=survey.pk).status == MilestoneStatus.DONE
    assert Notification.objects.filter(recipient=engineer, level="overdue").count() == 1
    assert services.milestones_mark_overdue(today=today) == 0
    assert Notification.objects.filter(recipient=engineer, level="overdue").count() == 1


def test_tasks_record_job_runs(batch):
    tasks.handover_milestone_reminders.delay()
    tasks.handover_milestone_overdue.delay()
    names = set(JobRun.objects.values_list("job_name", flat=True))
    assert {"handover_milestone_reminders", "handover_milestone_overdue"} <= names
    assert JobRun.objects.filter(status="success").count() >= 2


def test_beat_schedules_installed():
    tasks_ = set(PeriodicTask.objects.values_list("task", flat=True))
    assert "handover.tasks.handover_milestone_reminders" in tasks_
    assert "handover.tasks.handover_milestone_overdue" in tasks_
    pt = PeriodicTask.objects.get(task="handover.tasks.handover_milestone_overdue")
    assert str(pt.crontab.timezone) == "Asia/Shanghai"
