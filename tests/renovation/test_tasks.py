import pytest

from renovation import services, tasks
from renovation.models import RenovationApplication
from salesite.models import JobRun, Notification

from .conftest import at

pytestmark = pytest.mark.django_db


def test_review_overdue_alerts_once(ready_app, member):
    app = ready_app()
    head = member("centre_head", app.project)
    eng = member("engineering", app.project)
    member("front_desk", app.project)
    services.application_submit(application=app, user=head, now=at(2026, 3, 2, 9))
    assert services.review_overdue_alert(now=at(2026, 3, 3, 12)) == {"overdue": 0, "notified": 0}
    result = services.review_overdue_alert(now=at(2026, 3, 4, 9))
    assert result == {"overdue": 1, "notified": 2}
    assert Notification.objects.filter(recipient=eng, level="overdue").count() == 1
    assert services.review_overdue_alert(now=at(2026, 3, 4, 10))["overdue"] == 0
    assert RenovationApplication.objects.get(pk=app.pk).review_overdue_alerted_at is not None


def test_review_overdue_task_records_run(db):
    counts = tasks.renovation_review_overdue.delay().get()
    assert counts == {"overdue": 0, "notified": 0}
    run = JobRun.objects.get(job_name="renovation_review_overdue")
    assert run.status == JobRun.Status.SUCCESS


def test_beat_schedule_installed(db):
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(task="renovation.tasks.renovation_review_overdue").exists()
