"""Queues by kind and one effective beat (issue #18, item 2).

Messages go to the ``notifications`` queue, imports to ``imports``, beat's periodic jobs to
``scheduled``: a worker on notifications alone is never held by an import. Two beats started
side by side send each due entry once: the second stands by until the first releases its lease
(or the lease expires), then takes over from the schedule the first saved.
"""

import datetime
import time

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from salesite import beat as beat_module
from salesite import task_routes
from salesite.beat import LOCK_NAME, SingleBeatScheduler
from salesite.celery import app as celery_app
from salesite.models import JobLease

pytestmark = pytest.mark.django_db


def routed_queue(task_name: str) -> str:
    """The queue Celery's own router (settings: CELERY_TASK_ROUTES) picks for a task."""
    celery_app.loader.import_default_modules()
    task = celery_app.tasks[task_name]
    route = celery_app.amqp.router.route({}, task_name, (), {}, task)
    return route["queue"].name


def test_messages_imports_and_scheduled_jobs_have_queues_of_their_own():
    assert routed_queue("salesite.tasks.outbox_send") == "notifications"
    assert routed_queue("salesite.tasks.outbox_sweep") == "notifications"
    assert routed_queue("salesite.tasks.import_batch_process") == "imports"
    assert routed_queue("salesite.tasks.system_heartbeat") == "scheduled"
    assert routed_queue("feedback.tasks.feedback_greetings") == "scheduled"
    assert routed_queue("celery.backend_cleanup") == "celery"


def test_every_beat_entry_lands_on_the_scheduled_queue_except_the_outbox_sweep():
    """Each periodic task the migrations install goes to ``scheduled`` (the outbox sweep, the
    path of delayed messages, to ``notifications``); none pins a queue of its own."""
    entries = list(PeriodicTask.objects.exclude(task=""))
    assert len(entries) >= 10
    for entry in entries:
        assert not entry.queue, entry.name
        expected = "notifications" if entry.task == "salesite.tasks.outbox_sweep" else "scheduled"
        assert routed_queue(entry.task) == expected, entry.task


def test_an_explicit_queue_wins_over_the_route(monkeypatch):
    sent = []
    monkeypatch.setattr(
        celery_app.amqp, "send_task_message", lambda producer, name, message, **kw: sent.append(kw)
    )
    from salesite.tasks import outbox_send

    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with celery_app.producer_or_acquire() as producer:
            outbox_send.apply_async(args=([1],), producer=producer)
            outbox_send.apply_async(args=([1],), producer=producer, queue="private-test")
    finally:
        celery_app.conf.task_always_eager = eager
    queues = [getattr(kw["queue"], "name", kw["queue"]) for kw in sent]
    assert queues == ["notifications", "private-test"]


def test_queue_names_are_the_documented_ones():
    assert task_routes.ALL_QUEUES == ("celery", "notifications", "imports", "scheduled")


# --- One effective beat --------------------------------------------------------------------


@pytest.fixture
def beats(monkeypatch, settings):
    """Make schedulers whose sends are recorded instead of published."""
    settings.BEAT_LOCK_SECONDS = 30
    # The scheduler closes stale connections between ticks, as a beat process must; inside
    # the test's transaction that would close the test's connection.
    monkeypatch.setattr("django_celery_beat.schedulers.close_old_connections", lambda: None)
    monkeypatch.setattr(beat_module, "close_old_connections", lambda: None)
    every_second, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.SECONDS
    )
    PeriodicTask.objects.create(
        name="test every second", task="salesite.tasks.system_heartbeat", interval=every_second
    )
    made = []

    def make():
        scheduler = SingleBeatScheduler(app=celery_app)
        scheduler.sent = []
        scheduler.apply_entry = lambda entry, producer=None: scheduler.sent.append(entry.name)
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        scheduler._finalize.cancel()  # its sync at interpreter exit, after the test database


def run_ticks(schedulers, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for s in schedulers:
            s.tick()
        time.sleep(0.05)


@pytest.mark.waits
def test_two_beats_send_once_and_the_second_takes_over_when_the_first_stops(beats):
    first, second = beats(), beats()
    run_ticks([first, second], 2.5)
    assert first.leading and not second.leading
    assert first.sent.count("test every second") >= 2
    assert second.sent == []  # standing by: nothing sent twice
    lease = JobLease.objects.get(job_name=LOCK_NAME)
    assert lease.holder == first.holder and lease.expires_at > timezone.now()

    # The first stops cleanly: it releases the lease, the second leads at its next tick.
    first.close()
    sent_by_first = len(first.sent)
    run_ticks([second], 2.5)
    assert second.leading
    assert second.sent.count("test every second") >= 2
    assert len(first.sent) == sent_by_first
    assert JobLease.objects.get(job_name=LOCK_NAME).holder == second.holder


@pytest.mark.waits
def test_a_beat_that_died_is_replaced_once_its_lease_expires(beats):
    dead, standby = beats(), beats()
    run_ticks([dead, standby], 1.2)
    assert dead.leading and dead.sent and standby.sent == []
    # The leader dies (no close, no renewal). Before the lease expires the standby waits...
    run_ticks([standby], 1.2)
    assert standby.sent == [] and not standby.leading
    # ...after it, the standby leads and sends the schedule.
    JobLease.objects.filter(job_name=LOCK_NAME).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    run_ticks([standby], 2.2)
    assert standby.leading
    assert standby.sent.count("test every second") >= 2
    # Were the old leader to come back, it finds the lease taken and stands by.
    before = len(dead.sent)
    time.sleep(1.1)  # past its renewal interval: it asks the database again
    run_ticks([dead], 1.2)
    assert not dead.leading and len(dead.sent) == before
