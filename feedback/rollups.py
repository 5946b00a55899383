"""Daily rollups of the feedback app (issue #17 item 3), read by its dashboard figures
(salesite.rollups): the deadline breaches detected per project and local day, and the
callback scores given per project and local day of completion (their number and sum, so that
weekly and overall means are exact).

A breach or a scored callback saved or deleted on a closed day invalidates that day, so the
dashboard counts it live until the nightly job stores it again."""

from __future__ import annotations

from django.db.models import Count, Min, Sum
from django.db.models.functions import TruncDate
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone

from salesite import rollups
from salesite.dashboard.helpers import day_span

BREACHES = "feedback.breaches"
SCORES = "feedback.scores"


def _local_day(moment):
    return None if moment is None else timezone.localdate(moment)


def breaches_per_day(project_ids, first, last):
    from .models import DeadlineBreach

    start, end = day_span(first, last)
    qs = DeadlineBreach.objects.filter(detected_at__gte=start, detected_at__lt=end)
    if project_ids is not None:
        qs = qs.filter(project_id__in=project_ids)
    rows = qs.annotate(day=TruncDate("detected_at")).values("project_id", "day")
    for r in rows.annotate(n=Count("id")).order_by():
        yield r["project_id"], r["day"], "breaches", r["n"]


def scores_per_day(project_ids, first, last):
    from .models import CallbackTask

    start, end = day_span(first, last)
    qs = CallbackTask.objects.filter(
        score__isnull=False, completed_at__gte=start, completed_at__lt=end
    )
    if project_ids is not None:
        qs = qs.filter(project_id__in=project_ids)
    rows = qs.annotate(day=TruncDate("completed_at")).values("project_id", "day")
    for r in rows.annotate(n=Count("id"), total=Sum("score")).order_by():
        yield r["project_id"], r["day"], "scored", r["n"]
        yield r["project_id"], r["day"], "score_sum", r["total"]


def first_breach_day():
    from .models import DeadlineBreach

    return _local_day(DeadlineBreach.objects.aggregate(first=Min("detected_at"))["first"])


def first_score_day():
    from .models import CallbackTask

    first = CallbackTask.objects.filter(score__isnull=False).aggregate(m=Min("completed_at"))
    return _local_day(first["m"])


def _remember(field):
    def remember(sender, instance, **kwargs):
        instance._rollup_moment = instance.__dict__.get(field)

    return remember


def _invalidate(metric, field):
    def invalidate(sender, instance, **kwargs):
        moment = getattr(instance, field)
        rollups.invalidate(
            metric, [_local_day(moment), _local_day(getattr(instance, "_rollup_moment", None))]
        )
        instance._rollup_moment = moment

    return invalidate


_receivers = []  # kept alive: the signals hold weak references


def setup() -> None:
    """Called from FeedbackConfig.ready()."""
    from .models import CallbackTask, DeadlineBreach

    rollups.register(BREACHES, breaches_per_day, first_day=first_breach_day)
    rollups.register(SCORES, scores_per_day, first_day=first_score_day)
    for model, metric, field in (
        (DeadlineBreach, BREACHES, "detected_at"),
        (CallbackTask, SCORES, "completed_at"),
    ):
        remember, invalidate = _remember(field), _invalidate(metric, field)
        _receivers.extend([remember, invalidate])
        uid = f"feedback.rollups.{metric}"
        post_init.connect(remember, sender=model, dispatch_uid=uid)
        post_save.connect(invalidate, sender=model, dispatch_uid=uid)
        post_delete.connect(invalidate, sender=model, dispatch_uid=uid)
