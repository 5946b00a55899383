"""Reads of the callback surveys by SMS link: response rates (sent vs answered), one
aggregate query whatever the number of tasks."""

from __future__ import annotations

from django.db.models import Count, Max, Q

from salesite.dashboard.helpers import percent

from ..models import CallbackRule, SurveyLink


def survey_response_rates(tasks) -> list[dict]:
    """Per project and rule, of the callback tasks ``tasks`` (a queryset): how many were sent
    a survey link and how many answered one, with the rate in percent. One query."""
    rows = (
        SurveyLink.objects.filter(task__in=tasks.order_by().values("pk"))
        .values("task__project_id", "task__project__name", "task__rule")
        .annotate(
            sent=Count("task", distinct=True),
            answered=Count("task", filter=Q(used_at__isnull=False), distinct=True),
        )
        .order_by("task__project__name", "task__rule")
    )
    labels = dict(CallbackRule.objects.values_list("code", "name"))
    return [
        {
            "project": r["task__project__name"],
            "rule": labels.get(r["task__rule"], r["task__rule"]),
            "sent": r["sent"],
            "answered": r["answered"],
            "rate": percent(r["answered"], r["sent"]),
        }
        for r in rows
    ]


def survey_totals(links) -> dict:
    """Tasks sent a link and tasks answered by link, of the links ``links`` (a queryset)."""
    return links.aggregate(
        sent=Count("task", distinct=True),
        answered=Count("task", filter=Q(used_at__isnull=False), distinct=True),
    )


def customer_survey_links(customer) -> dict:
    """The survey links sent to one customer (their callback tasks): ``sent`` and
    ``answered`` (tasks), and ``last_answered_at``. One query."""
    return SurveyLink.objects.filter(task__customer=customer).aggregate(
        sent=Count("task", distinct=True),
        answered=Count("task", filter=Q(used_at__isnull=False), distinct=True),
        last_answered_at=Max("used_at"),
    )


def customer_portal_cases(customer) -> dict:
    """The cases one customer submitted on the owner portal (channel 业主端): ``submitted``,
    ``rated`` and ``last_at`` (the newest submission). One query."""
    from feedback.models import Case, Channel

    return Case.objects.filter(customer=customer, channel=Channel.OWNER).aggregate(
        submitted=Count("pk"),
        rated=Count("pk", filter=Q(owner_rating__isnull=False)),
        last_at=Max("received_at"),
    )
