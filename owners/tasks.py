"""Celery jobs of the owner portal (thin, idempotent, each recording a JobRun)."""

from celery import shared_task

from salesite.jobs import record_run, scheduled_job

from . import services


@shared_task(acks_late=True)
@scheduled_job("owners_login_cleanup")
def owners_login_cleanup() -> dict:
    """Daily: delete login codes older than a day and reset the idle numbers' guard rows."""
    with record_run("owners_login_cleanup") as counts:
        counts.update(services.login_records_clean())
    return counts
