"""Celery tasks of the communication app (R-JOB-1): thin wrappers around the services,
scheduled by django-celery-beat rows created in migration 0002 (editable in admin)."""

from celery import shared_task

from communication import services
from salesite.jobs import scheduled_job


@shared_task(acks_late=True)
@scheduled_job("communication_send_reminders")
def communication_send_reminders() -> dict:
    return services.communication_send_reminders()


@shared_task(acks_late=True)
@scheduled_job("communication_mark_overdue")
def communication_mark_overdue() -> dict:
    return services.communication_mark_overdue()


@shared_task(acks_late=True)
@scheduled_job("communication_mark_problems_overdue")
def communication_mark_problems_overdue() -> dict:
    return services.communication_mark_problems_overdue()
