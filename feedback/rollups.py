"""Daily rollups of the feedback app (issue #17 item 3), read by its dashboard figures
(salesite.rollups): the deadline breaches detected per project and local day, and the
callback scores given per project and local day of completion (their number and sum, so that
weekly and overall means are exact).

A breach or a scored callback saved or deleted on a closed day invalidates that day, so the
dashboard counts it live until the nightly job stores it again.

The first-time fix rate (``FIX_RATE``, selectors.repair_quality): the repairs counted and
failed per project and local day of closing. A day's figure is final only once the repeat
window (N days, ``RepairQualitySetting``) has passed for every repair closed that day, so the
metric settles N + 1 days late and the last N + 2 days are always counted live. What changes a
final day: a repair case closed on it edited, or a repair case received within N days after it
(only a case received before yesterday can be: a backdated or edited one); changing the window
invalidates every day.

The yearly targets' actuals (``ANSWERS``): per project, local day of the callback and
dimension, the sum and number of the 1–5 answers (``<dimension>:sum``, ``<dimension>:n``). A
callback saved or deleted invalidates its day, as for the scores; a question edited (its
dimension or kind) invalidates every day."""

from __future__ import annotations

import datetime

from django.db.models import Count, Min, Sum
from django.db.models.functions import TruncDate
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone

from salesite import rollups
from salesite.dashboard.helpers import day_span

BREACHES = "feedback.breaches"
SCORES = "feedback.scores"
FIX_RATE = "feedback.fix_rate"
ANSWERS = "feedback.target_answers"


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


def fix_rate_per_day(project_ids, first, last):
    """Counted (window elapsed) and failed repairs per project and local day of closing."""
    from .selectors import repair_quality as rq

    start, end = day_span(first, last)
    qs = rq.repairs(project_ids, repeat_id=False).filter(
        elapsed=True, closed_at__gte=start, closed_at__lt=end
    )
    rows = qs.annotate(day=TruncDate("closed_at")).values("project_id", "day")
    for r in rows.annotate(**rq.COUNTS).order_by():
        yield r["project_id"], r["day"], "counted", r["total"]
        yield r["project_id"], r["day"], "failed", r["failed_n"]


def fix_rate_settle_days(window: int | None = None) -> int:
    """A day's fix rate is final once the window has passed for its last repair: N + 1 days
    after yesterday (a day more than exactly needed, whatever the clock change)."""
    from .models import RepairQualitySetting

    return (window or RepairQualitySetting.window_days()) + 1


def first_repair_day():
    from .models import Case, CaseKind

    first = Case.objects.filter(kind=CaseKind.REPAIR, closed_at__isnull=False).aggregate(
        m=Min("closed_at")
    )
    return _local_day(first["m"])


def answers_per_day(project_ids, first, last):
    from .selectors import repair_quality as rq

    start, end = day_span(first, last)
    for project_id, day, dimension, total, n in rq.dimension_day_totals(project_ids, start, end):
        yield project_id, day, f"{dimension}:sum", total
        yield project_id, day, f"{dimension}:n", n


def first_breach_day():
    from .models import DeadlineBreach

    return _local_day(DeadlineBreach.objects.aggregate(first=Min("detected_at"))["first"])


def first_score_day():
    from .models import CallbackTask

    first = CallbackTask.objects.filter(score__isnull=False).aggregate(m=Min("completed_at"))
    return _local_day(first["m"])


def first_answer_day():
    from .models import CallbackTask

    first = CallbackTask.objects.exclude(answers={}).aggregate(m=Min("completed_at"))
    return _local_day(first["m"])


def _remember(field):
    def remember(sender, instance, **kwargs):
        instance._rollup_moment = instance.__dict__.get(field)

    return remember


def _invalidate(metrics, field):
    def invalidate(sender, instance, **kwargs):
        moment = getattr(instance, field)
        rollups.invalidate(
            metrics, [_local_day(moment), _local_day(getattr(instance, "_rollup_moment", None))]
        )
        instance._rollup_moment = moment

    return invalidate


_receivers = []  # kept alive: the signals hold weak references

_CASE_FIELDS = ("kind", "received_at", "closed_at")


def _remember_case(sender, instance, **kwargs):
    instance._rollup_case = tuple(instance.__dict__.get(f) for f in _CASE_FIELDS)


def _invalidate_case(sender, instance, **kwargs):
    """A repair case saved or deleted: the final days of the fix rate it may change (its own
    closing day; the closing days it is a repeat of). Usually none, and no query: a case
    received or closed today or yesterday cannot change a final day."""
    from .models import CaseKind

    before = getattr(instance, "_rollup_case", None) or (None, None, None)
    now = tuple(getattr(instance, f) for f in _CASE_FIELDS)
    instance._rollup_case = now
    if CaseKind.REPAIR not in (before[0], now[0]):
        return
    today = timezone.localdate()
    old = today - datetime.timedelta(days=2)
    received = {d for d in (_local_day(before[1]), _local_day(now[1])) if d and d <= old}
    closed = {d for d in (_local_day(before[2]), _local_day(now[2])) if d and d <= old}
    if not (received or closed):
        return
    from .models import RepairQualitySetting

    window = RepairQualitySetting.window_days()
    days = set(closed)
    for day in received:
        days.update(day - datetime.timedelta(days=n) for n in range(window + 1))
    last = rollups.last_final_day(FIX_RATE, today, settle_days=fix_rate_settle_days(window))
    rollups.invalidate(FIX_RATE, [d for d in days if d <= last])


def _invalidate_fix_rate(sender, instance, **kwargs):
    rollups.invalidate_all(FIX_RATE)


def _invalidate_answers(sender, instance, **kwargs):
    rollups.invalidate_all(ANSWERS)


def setup() -> None:
    """Called from FeedbackConfig.ready()."""
    from .models import CallbackTask, Case, DeadlineBreach, Question, RepairQualitySetting

    rollups.register(BREACHES, breaches_per_day, first_day=first_breach_day)
    rollups.register(SCORES, scores_per_day, first_day=first_score_day)
    rollups.register(ANSWERS, answers_per_day, first_day=first_answer_day)
    rollups.register(
        FIX_RATE,
        fix_rate_per_day,
        first_day=first_repair_day,
        settle_days=fix_rate_settle_days,
    )
    uid = "feedback.rollups.fix_rate"
    post_init.connect(_remember_case, sender=Case, dispatch_uid=uid)
    post_save.connect(_invalidate_case, sender=Case, dispatch_uid=uid)
    post_delete.connect(_invalidate_case, sender=Case, dispatch_uid=uid)
    post_save.connect(_invalidate_fix_rate, sender=RepairQualitySetting, dispatch_uid=uid)
    uid = "feedback.rollups.answers"
    post_save.connect(_invalidate_answers, sender=Question, dispatch_uid=uid)
    post_delete.connect(_invalidate_answers, sender=Question, dispatch_uid=uid)
    for model, metrics, field in (
        (DeadlineBreach, [BREACHES], "detected_at"),
        (CallbackTask, [SCORES, ANSWERS], "completed_at"),
    ):
        remember, invalidate = _remember(field), _invalidate(metrics, field)
        _receivers.extend([remember, invalidate])
        uid = f"feedback.rollups.{metrics[0]}"
        post_init.connect(remember, sender=model, dispatch_uid=uid)
        post_save.connect(invalidate, sender=model, dispatch_uid=uid)
        post_delete.connect(invalidate, sender=model, dispatch_uid=uid)
