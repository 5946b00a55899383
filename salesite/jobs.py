"""Recording of scheduled-job runs (R-JOB): each run leaves a JobRun row with its counts."""

from __future__ import annotations

import contextlib
import traceback

from django.utils import timezone

from salesite.models import JobRun


@contextlib.contextmanager
def record_run(job_name: str):
    """Wrap a job: yields a dict of counts that the job fills; saves success or the error."""
    run = JobRun.objects.create(job_name=job_name)
    counts: dict[str, int] = {}
    try:
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
