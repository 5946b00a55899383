"""Celery jobs of the feedback app (R-JOB-3..5): thin, idempotent, each recording a JobRun."""

from celery import shared_task

from salesite.jobs import record_run, scheduled_job

from . import services
from .services.ranking import elimination_proposals_notify


@shared_task(acks_late=True)
@scheduled_job("feedback_deadline_breaches")
def feedback_deadline_breaches() -> dict:
    """Every 5 minutes: mark passed case deadlines once and notify once (R-JOB-4)."""
    with record_run("feedback_deadline_breaches") as counts:
        counts.update(services.deadline_breaches_mark())
    return counts


@shared_task(acks_late=True)
@scheduled_job("feedback_callbacks_generate")
def feedback_callbacks_generate() -> dict:
    """Daily (and on the 1st for the monthly batches): callback tasks by every rule (R-JOB-3)."""
    with record_run("feedback_callbacks_generate") as counts:
        counts.update(services.callbacks_generate())
    return counts


@shared_task(acks_late=True)
@scheduled_job("feedback_warranty_notices")
def feedback_warranty_notices() -> dict:
    """Daily: warranty expiry notices 2 months ahead and the collection window (R-JOB-5)."""
    with record_run("feedback_warranty_notices") as counts:
        counts.update(services.warranty_notices_send())
    return counts


@shared_task(acks_late=True)
@scheduled_job("feedback_greetings")
def feedback_greetings() -> dict:
    """Daily: birthday and holiday greetings to club members, once each (R-JOB-5)."""
    with record_run("feedback_greetings") as counts:
        counts.update(services.greetings_send())
    return counts


@shared_task(acks_late=True)
@scheduled_job("feedback_official_holidays")
def feedback_official_holidays() -> dict:
    """Yearly (1 December): the festivals of the current and next year's official calendar
    as greeting holidays; manual rows win (idempotent)."""
    from django.utils import timezone

    year = timezone.localdate().year
    with record_run("feedback_official_holidays") as counts:
        counts.update(services.official_holidays_load([year, year + 1]))
    return counts


@shared_task(acks_late=True)
@scheduled_job("feedback_survey_links_send")
def feedback_survey_links_send() -> dict:
    """Daily: a one-time survey link by SMS for each open callback that has fallen due under a
    rule answered by questionnaire (e.g. 设计回访); a task already sent a link gets none."""
    with record_run("feedback_survey_links_send") as counts:
        counts.update(services.survey_links_send(services.survey_link_tasks_due()))
    return counts


@shared_task(acks_late=True)
@scheduled_job("feedback_steps_remind")
def feedback_steps_remind() -> dict:
    """Daily: the responsible role is told of each 6+2 action falling due within a week (and of
    the project's 四年之约), once per action and customer (R-FB-9)."""
    with record_run("feedback_steps_remind") as counts:
        counts.update(services.steps_remind())
    return counts


@shared_task(acks_late=True)
@scheduled_job("feedback_elimination_notices")
def feedback_elimination_notices() -> dict:
    """Daily: once a quarter's (and a year's) contractor ranking is final, the centre heads
    and the company's managers are told of the contractor proposed for elimination, once per
    contractor and period (issue #16 item 4)."""
    with record_run("feedback_elimination_notices") as counts:
        counts.update(elimination_proposals_notify())
    return counts
