"""Scheduled jobs (R-JOB): one run at a time, each run recorded.

``scheduled_job(name)`` wraps the function of every periodic task (every task that a
django-celery-beat entry names): a run first takes the job's lease (a ``JobLease`` row, taken
with one atomic insert-or-conditional-update, so it works the same on PostgreSQL and SQLite);
a run that finds the lease held by another run does nothing and leaves a ``skipped`` JobRun.
Two beats, a beat restart that replays a due entry, or a manual run next to the scheduled one
therefore never work at the same time. The lease holder is the Celery task id: a task that is
delivered again after its worker died (same id) takes its own lease back at once; a lease of a
run that vanished expires after ``lease_seconds``.

``record_run(name)`` leaves a JobRun row with the counts a job fills, or its error.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import logging
import traceback
import uuid

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from salesite.audit_bulk import audit_job
from salesite.models import JobLease, JobRun

logger = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 15 * 60


@contextlib.contextmanager
def record_run(job_name: str):
    """Wrap a job: yields a dict of counts that the job fills; saves success or the error."""
    run = JobRun.objects.create(job_name=job_name)
    counts: dict[str, int] = {}
    try:
        with audit_job(job_name):  # bulk writes of the job say so in the audit trail
            yield counts
    except Exception:
        run.status = JobRun.Status.FAILED
        run.error = traceback.format_exc()[-4000:]
        run.counts = counts
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "counts", "finished_at"])
        raise
    run.status = JobRun.Status.SUCCESS
    run.counts = counts
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "counts", "finished_at"])


def lease_acquire(job_name: str, holder: str, seconds: int = DEFAULT_LEASE_SECONDS) -> bool:
    """Take the job's lease for ``holder`` if it is free, expired or already theirs."""
    now = timezone.now()
    until = now + datetime.timedelta(seconds=seconds)
    try:
        with transaction.atomic():
            JobLease.objects.create(
                job_name=job_name, holder=holder, acquired_at=now, expires_at=until
            )
        return True
    except IntegrityError:
        pass
    # One UPDATE decides: a concurrent run waits for the row lock, then re-reads the row and
    # finds it taken (PostgreSQL re-checks the WHERE clause on the updated row).
    return (
        JobLease.objects.filter(job_name=job_name)
        .filter(Q(expires_at__lte=now) | Q(holder=holder))
        .update(holder=holder, acquired_at=now, expires_at=until)
        == 1
    )


def lease_release(job_name: str, holder: str) -> None:
    JobLease.objects.filter(job_name=job_name, holder=holder).update(expires_at=timezone.now())


def _holder() -> str:
    from celery import current_task

    request_id = getattr(getattr(current_task, "request", None), "id", None)
    return request_id or f"local-{uuid.uuid4().hex}"


def scheduled_job(job_name: str, *, lease_seconds: int = DEFAULT_LEASE_SECONDS):
    """Decorator for the function of a periodic task: runs it only under the job's lease."""

    def decorate(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            holder = _holder()
            if not lease_acquire(job_name, holder, lease_seconds):
                logger.info("Job %s is already running: this run does nothing.", job_name)
                now = timezone.now()
                JobRun.objects.create(
                    job_name=job_name,
                    status=JobRun.Status.SKIPPED,
                    finished_at=now,
                    counts={"skipped": 1},
                )
                return {"skipped": 1}
            # Holding the lease, no other run of this job is working: a run still marked
            # running was interrupted (its worker died); say so instead of leaving it running.
            JobRun.objects.filter(job_name=job_name, status=JobRun.Status.RUNNING).update(
                status=JobRun.Status.FAILED,
                error="Interrupted: the worker running this job stopped; a later run took over.",
                finished_at=timezone.now(),
            )
            try:
                with audit_job(job_name):  # the job's bulk writes name it in the audit trail
                    return fn(*args, **kwargs)
            finally:
                lease_release(job_name, holder)

        run.scheduled_job_name = job_name
        return run

    return decorate
