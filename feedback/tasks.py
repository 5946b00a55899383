"""Celery jobs of the feedback app (R-JOB-3..5): thin, idempotent, each recording a JobRun."""

from celery import shared_task

from salesite.jobs import record_run

from . import services


@shared_task(acks_late=True)
def feedback_deadline_breaches() -> dict:
    """Every 5 minutes: mark passed case deadlines once and notify once (R-JOB-4)."""
    with record_run("feedback_deadline_breaches") as counts:
        counts.update(services.deadline_breaches_mark())
    return counts


@shared_task(acks_late=True)
def feedback_callbacks_generate() -> dict:
    """Daily (and on the 1st for the monthly batches): callback tasks by every rule (R-JOB-3)."""
    with record_run("feedback_callbacks_generate") as counts:
        counts.update(services.callbacks_generate())
    return counts
