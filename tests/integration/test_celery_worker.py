"""A real Celery worker executes tasks end to end through the configured broker (Redis in CI).

The worker runs in a thread of the test process (celery.contrib.testing.worker.start_worker),
consuming a queue of its own, so a second worker on the same Redis cannot take our messages.
There is no result backend: completion is observed with the task_postrun signal. The database
is transactional so that the worker thread's own connection sees the committed rows; the
serialized rollback restores the data-migration rows (roles) for the tests that follow.
"""

import threading
import uuid

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connections

from salesite import outbox
from salesite.celery import app as celery_app
from salesite.models import JobRun, Notification
from salesite.notifications.services import notification_email
from salesite.tasks import outbox_send, system_heartbeat
from tests import factories as f

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TIMEOUT = 20  # seconds to wait for one task


class FinishedTasks:
    """Collects (task id → return value) of tasks the worker finished."""

    def __init__(self):
        self.results = {}
        self._cond = threading.Condition()

    def on_postrun(self, task_id=None, retval=None, **kwargs):
        # Runs in the worker thread: leave no database connection open behind the test.
        connections.close_all()
        with self._cond:
            self.results[task_id] = retval
            self._cond.notify_all()

    def wait(self, task_id, timeout=TIMEOUT):
        with self._cond:
            done = self._cond.wait_for(lambda: task_id in self.results, timeout=timeout)
        assert done, f"the worker did not finish task {task_id} within {timeout} s"
        return self.results[task_id]


@pytest.fixture
def worker():
    """A real worker on a private queue; tasks are published, not run eagerly."""
    queue = f"salesite-test-{uuid.uuid4().hex[:12]}"
    finished = FinishedTasks()
    signals.task_postrun.connect(finished.on_postrun, weak=False)
    was_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(
            celery_app,
            pool="solo",
            perform_ping_check=False,
            queues=[queue],
            loglevel="WARNING",
            shutdown_timeout=10,
        ):

            def run(task, *args):
                result = task.apply_async(args=args, queue=queue)
                return finished.wait(result.id)

            yield run
    finally:
        celery_app.conf.task_always_eager = was_eager
        signals.task_postrun.disconnect(finished.on_postrun)


def test_worker_sends_notification_email_once(worker):
    user = f.UserFactory(email="front.desk@example.com")
    notification = Notification.objects.create(
        recipient=user, title="交房提醒", body="请于本周五前完成交房资料准备。"
    )

    # The one mail path: the message's outbox row, sent by the outbox task.
    row = outbox.queue([notification_email(notification)], upsert=True, enqueue=False)[0]
    assert worker(outbox_send, [row.pk]) == 1

    notification.refresh_from_db()
    assert notification.email_sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["front.desk@example.com"]
    assert "交房提醒" in mail.outbox[0].subject

    # Idempotent: a second delivery of the same task sends nothing.
    sent_at = notification.email_sent_at
    assert worker(outbox_send, [row.pk]) == 0
    notification.refresh_from_db()
    assert notification.email_sent_at == sent_at
    assert len(mail.outbox) == 1


def test_worker_runs_heartbeat_and_records_job_run(worker):
    counts = worker(system_heartbeat)

    run = JobRun.objects.get(job_name="system_heartbeat")
    assert run.status == JobRun.Status.SUCCESS
    assert run.finished_at is not None
    assert run.counts == counts == {"unread_notifications": 0}
