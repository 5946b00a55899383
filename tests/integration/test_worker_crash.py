"""A task whose worker is killed (SIGKILL) mid-task runs again on a new worker, and its effect
happens exactly once (issue #12, item 7).

Real worker processes (``celery worker``, prefork) on the Redis broker and the PostgreSQL test
database: the first worker takes the daily greetings job and is held inside it by a table lock
the test keeps on the greetings table; the test kills its whole process group, releases the
lock and starts a second worker. The unacknowledged message comes back after the visibility
timeout (5 s here through CELERY_VISIBILITY_TIMEOUT; 300 s in production instead of an hour),
the job takes its own lease back (same task id) and greets every member once.
"""

import contextlib
import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from feedback.models import Greeting
from feedback.tasks import feedback_greetings
from salesite.celery import app as celery_app
from salesite.models import JobRun, OutboundMessage, SMSMessage
from tests import factories as f

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BASE_DIR = Path(settings.BASE_DIR)
MEMBERS = 5


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _start_worker(queue: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "salesite.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        # Tasks the job itself queues (the outbox send) run inline in the worker.
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "salesite",
        "worker",
        "-P",
        "prefork",
        "-c",
        "1",
        "-Q",
        queue,
        "-n",
        f"{queue}-{uuid.uuid4().hex[:6]}@%h",
        "-l",
        "INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    out = log.open("ab")
    return subprocess.Popen(
        cmd, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def _kill(worker: subprocess.Popen, sig=signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, sig)  # the worker and its pool child: a new session of our own
    worker.wait(30)


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _lock_waiters() -> int:
    # Asked on Django's autocommit connection: the locking session's own view of
    # pg_stat_activity is a snapshot taken once per transaction.
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO \"feedback_greeting\"%%'"
        )
        return cur.fetchone()[0]


def _pool_children(worker: subprocess.Popen) -> list[int]:
    path = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
    return [int(pid) for pid in path.read_text().split()]


@pytest.mark.parametrize("killed", ["worker", "pool_process"])
def test_a_killed_worker_task_runs_again_once(tmp_path, killed):
    """``worker``: the whole worker dies; the message comes back after the visibility timeout
    to a new worker. ``pool_process``: only the process running the task dies; the worker
    puts the task back at once (task_reject_on_worker_lost; before, it was acknowledged as
    failed and lost)."""
    today = timezone.localdate()
    if (today.month, today.day) == (2, 29):
        pytest.skip("birthdays on 29 February are greeted on 28 February")
    project = f.ProjectFactory()
    for i in range(MEMBERS):
        f.CustomerFactory(
            project=project,
            is_club_member=True,
            phone=f"1370000000{i}",
            birthday=datetime.date(1980, today.month, today.day),
        )
    queue = f"salesite-crash-{uuid.uuid4().hex[:10]}"
    log = tmp_path / "workers.log"

    # Another session holds the greetings table: the job will wait inside its insert.
    lock = psycopg2.connect(_database_url().replace("postgres://", "postgresql://"))
    lock_cur = lock.cursor()
    lock_cur.execute("LOCK TABLE feedback_greeting IN EXCLUSIVE MODE")
    first = second = None
    was_eager = celery_app.conf.task_always_eager
    try:
        first = _start_worker(queue, log)
        celery_app.conf.task_always_eager = False
        feedback_greetings.apply_async(queue=queue)
        _wait(lambda: _lock_waiters() > 0, 60, "the first worker to start the job")
        if killed == "worker":
            _kill(first)
        else:
            (child,) = _pool_children(first)
            os.kill(child, signal.SIGKILL)
        lock.rollback()  # the killed session's transaction is gone; release ours too

        assert not Greeting.objects.exists()  # nothing of the interrupted run was kept
        if killed == "worker":
            second = _start_worker(queue, log)
        _wait(
            lambda: JobRun.objects.filter(job_name="feedback_greetings", status="success").exists(),
            60,
            "the task to run again",
        )
        time.sleep(2)  # a second redelivery, if any, would show now
    finally:
        celery_app.conf.task_always_eager = was_eager
        lock.close()
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                _kill(worker, signal.SIGTERM)

    assert Greeting.objects.count() == MEMBERS
    assert OutboundMessage.objects.filter(status="sent").count() == MEMBERS
    assert SMSMessage.objects.count() == MEMBERS  # one gateway call per member
    runs = JobRun.objects.filter(job_name="feedback_greetings")
    assert runs.get(status="success").counts["birthday"] == MEMBERS
    assert "Interrupted" in runs.get(status="failed").error  # the killed run, not left running
    assert runs.count() == 2
