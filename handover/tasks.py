"""Scheduled jobs of the handover app (R-JOB-2): thin, idempotent, each run recorded."""

from celery import shared_task

from salesite.jobs import record_run, scheduled_job

from . import services


@shared_task(acks_late=True)
@scheduled_job("handover_milestone_reminders")
def handover_milestone_reminders(days: int | None = None) -> dict:
    """Remind the responsible roles of milestones due soon (the lead is each project's service
    policy unless ``days`` is given); a second run sends nothing."""
    with record_run("handover_milestone_reminders") as counts:
        counts["reminded"] = services.milestones_remind(days=days)
    return counts


@shared_task(acks_late=True)
@scheduled_job("handover_milestone_overdue")
def handover_milestone_overdue() -> dict:
    """Mark milestones past due as overdue (once) and notify the responsible roles."""
    with record_run("handover_milestone_overdue") as counts:
        counts["marked_overdue"] = services.milestones_mark_overdue()
    return counts


@shared_task(acks_late=True)
@scheduled_job("handover_findings_overdue")
def handover_findings_overdue() -> dict:
    """Tell the assignee of each preview finding past its deadline, once per deadline."""
    with record_run("handover_findings_overdue") as counts:
        counts["notified"] = services.previews.findings_notify_overdue()
    return counts


@shared_task(acks_late=True)
@scheduled_job("handover_booking_reminders")
def handover_booking_reminders() -> dict:
    """SMS the owners booked for tomorrow's handover slots; once per booking."""
    with record_run("handover_booking_reminders") as counts:
        counts["reminded"] = services.day.bookings_remind()
    return counts
