"""Celery tasks of the renovation app (R-JOB-4): thin, idempotent, each records a JobRun."""

from celery import shared_task

from salesite.jobs import record_run, scheduled_job

from . import services


@shared_task(acks_late=True)
@scheduled_job("renovation_review_overdue")
def renovation_review_overdue() -> dict:
    """Alert reviewers once per application whose 1-working-day review deadline passed."""
    with record_run("renovation_review_overdue") as counts:
        counts.update(services.review_overdue_alert())
    return counts


@shared_task(acks_late=True)
@scheduled_job("renovation_refunds_due")
def renovation_refunds_due() -> dict:
    """Deposits falling due (3 months after completion acceptance): tell the front desk once."""
    with record_run("renovation_refunds_due") as counts:
        counts.update(services.refunds_due_notify())
    return counts


@shared_task(acks_late=True)
@scheduled_job("renovation_patrols_missed")
def renovation_patrols_missed() -> dict:
    """Next morning: flag yesterday's missing patrols of active renovations, and those of
    the days before it that a missed run left unflagged (idempotent)."""
    with record_run("renovation_patrols_missed") as counts:
        counts.update(services.patrols_missed_flag_recent())
    return counts


@shared_task(acks_late=True)
@scheduled_job("renovation_official_calendar")
def renovation_official_calendar() -> dict:
    """Yearly (1 December): load the official holidays and make-up working days of the
    current and next year into the working-day calendar; manual rows win (idempotent)."""
    from .services.calendar import default_years

    with record_run("renovation_official_calendar") as counts:
        counts.update(services.official_calendar_load(default_years()))
    return counts
