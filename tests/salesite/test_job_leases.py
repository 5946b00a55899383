"""Scheduled jobs run once at a time and catch up on what is due (issue #12, item 8).

Every periodic task of the beat schedule takes its job's lease; a run that finds the lease
held does nothing and leaves a "skipped" job run. Messages are claimed before the gateway is
called: two concurrent greeting runs (threads on PostgreSQL) call the gateway once per
customer. A daily job that did not run on a day still sends that day's messages (greetings here,
missed patrols in tests/renovation/test_patrols.py)."""

import collections
import datetime
import threading

import pytest
from django.db import connections
from django_celery_beat.models import PeriodicTask

from feedback import services as feedback_services
from feedback import tasks as feedback_tasks
from feedback.models import Greeting
from salesite.celery import app as celery_app
from salesite.jobs import lease_acquire, lease_release
from salesite.models import JobLease, JobRun, OutboundMessage, SMSMessage
from salesite.notifications.sms import SMSBackend
from tests import factories as f

D = datetime.date


class CountingSMSBackend(SMSBackend):
    """A fake gateway that counts its calls per phone (thread-safe)."""

    name = "counting"
    calls: collections.Counter = collections.Counter()
    lock = threading.Lock()

    def send(self, phone, body):
        with self.lock:
            self.calls[phone] += 1


@pytest.fixture
def counting_gateway(settings):
    settings.SMS_BACKEND = f"{__name__}.CountingSMSBackend"
    CountingSMSBackend.calls.clear()
    return CountingSMSBackend.calls


@pytest.mark.django_db
def test_every_scheduled_task_runs_under_a_lease():
    names = set(PeriodicTask.objects.values_list("task", flat=True))
    assert "salesite.tasks.outbox_sweep" in names and len(names) >= 14
    celery_app.loader.import_default_modules()
    unguarded = [n for n in names if not hasattr(celery_app.tasks[n].run, "scheduled_job_name")]
    assert unguarded == []


@pytest.mark.django_db
def test_a_run_while_the_lease_is_held_does_nothing(project, counting_gateway):
    f.CustomerFactory(project=project, is_club_member=True, phone="13800000001")
    assert lease_acquire("feedback_greetings", "another-run")

    assert feedback_tasks.feedback_greetings.delay().get() == {"skipped": 1}
    assert not Greeting.objects.exists() and not OutboundMessage.objects.exists()
    skipped = JobRun.objects.get(job_name="feedback_greetings")
    assert skipped.status == JobRun.Status.SKIPPED and skipped.counts == {"skipped": 1}

    lease_release("feedback_greetings", "another-run")
    assert "skipped" not in feedback_tasks.feedback_greetings.delay().get()
    assert JobRun.objects.filter(status=JobRun.Status.SUCCESS).count() == 1
    assert JobLease.objects.get(job_name="feedback_greetings").holder != "another-run"


@pytest.mark.django_db
def test_lease_expires_and_a_redelivered_task_takes_its_own_lease_back():
    assert lease_acquire("job", "task-1", seconds=60)
    assert not lease_acquire("job", "task-2", seconds=60)
    assert lease_acquire("job", "task-1", seconds=60)  # same task id: a redelivery after a crash
    JobLease.objects.filter(job_name="job").update(
        expires_at=JobLease.objects.get().expires_at - datetime.timedelta(seconds=61)
    )
    assert lease_acquire("job", "task-2", seconds=60)  # the vanished run's lease has expired


@pytest.mark.django_db
def test_greetings_missed_on_the_day_are_sent_the_next_day(project, counting_gateway):
    f.CustomerFactory(project=project, is_club_member=True, phone="13800000001")
    f.CustomerFactory(
        project=project, is_club_member=True, phone="13800000002", birthday=D(1980, 9, 30)
    )
    # The job did not run on 30 September nor on 1 October (国庆节); on 2 October it does.
    counts = feedback_services.greetings_send(today=D(2026, 10, 2))
    assert counts == {"birthday": 1, "holiday": 2}
    assert Greeting.objects.filter(kind="birthday", key="birthday:2026").count() == 1
    assert Greeting.objects.filter(kind="holiday", key__endswith=":2026").count() == 2
    assert sum(counting_gateway.values()) == 0  # queued; sent after commit
    assert feedback_services.greetings_send(today=D(2026, 10, 3)) == {"birthday": 0, "holiday": 0}
    # Too late is too late: a greeting is not sent weeks after the day.
    assert feedback_services.greetings_send(today=D(2027, 10, 20))["holiday"] == 0


# --- PostgreSQL: two runs at the same time ----------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_greeting_runs_call_the_gateway_once_per_customer(counting_gateway):
    project = f.ProjectFactory()
    customers = [
        f.CustomerFactory(project=project, is_club_member=True, phone=f"139{i:08d}")
        for i in range(60)
    ]
    barrier = threading.Barrier(3)
    errors = []

    def run():
        try:
            barrier.wait()
            feedback_services.greetings_send(today=D(2026, 10, 1))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    # Before the outbox: one gateway call per customer and run (up to 180 calls here).
    assert sum(counting_gateway.values()) == len(customers)
    assert set(counting_gateway.values()) == {1}
    assert Greeting.objects.count() == len(customers)
    assert OutboundMessage.objects.filter(status="sent").count() == len(customers)
    assert SMSMessage.objects.count() == len(customers)


@pytest.mark.django_db
def test_a_run_left_running_by_a_dead_worker_is_closed_by_the_next_run():
    orphan = JobRun.objects.create(job_name="system_heartbeat")  # its worker was killed
    from salesite.tasks import system_heartbeat

    system_heartbeat.delay().get()
    orphan.refresh_from_db()
    assert orphan.status == JobRun.Status.FAILED and "Interrupted" in orphan.error
    assert JobRun.objects.filter(status=JobRun.Status.SUCCESS).count() == 1
