"""Reads of the yearly targets (issue #16 item 8): the actuals from the callbacks' answers, per
target dimension, month and project, counted in SQL; and the targets of several projects as
one. Split from ``repair_quality`` (which re-exports these names as ``rq.*``)."""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case as CaseWhen
from django.db.models import IntegerField, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..models import CallbackStatus, CallbackTask, Question
from ..models.repair_quality import TARGET_GROUPS, TARGET_KEYS


def _month_bucket(field: str, starts) -> CaseWhen:
    """The index in ``starts`` of the local month of ``field`` (rows before ``starts[1]`` are
    month 0, rows from the last start on the last month): a plain SQL ``CASE``."""
    whens = [When(**{f"{field}__lt": start}, then=Value(i)) for i, start in enumerate(starts[1:])]
    return CaseWhen(*whens, default=Value(len(starts) - 1), output_field=IntegerField())


def _answer_value(kind: str, raw):
    """An answer on the 1–5 scale as ``score_answers`` counts it (yes = 5, no = 1)."""
    if raw in (None, ""):
        return None
    if kind == Question.Kind.SCALE:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            return None
        return value if 1 <= value <= 5 else None
    if kind == Question.Kind.YES_NO:
        return 5 if raw in (True, "yes", "true", "1", 1) else 1
    return None


def _mean(total_n) -> Decimal | None:
    total, n = total_n
    if not n:
        return None
    return (Decimal(total) / n).quantize(Decimal("0.01"), ROUND_HALF_UP)


# One row per answer (json_each / jsonb_each over the callback's answers) to a question with a
# target dimension (joined in SQL), counted per project, bucket (month or day), dimension, kind
# and distinct raw answer: the database does the counting, Python maps the few distinct answers
# to their score with ``_answer_value`` (so any stored value counts exactly as
# ``score_answers`` reads it).
_ANSWER_COUNTS_SQL = {
    "sqlite": (
        "SELECT t.project_id, t.month_i, q.dimension, q.kind, a.type, a.value, COUNT(*) "
        "FROM ({tasks}) t, json_each(t.answers) a "
        "JOIN {questions} q ON q.id = CAST(a.key AS INTEGER) AND CAST(q.id AS TEXT) = a.key "
        "WHERE q.dimension IN ({dimensions}) AND q.kind IN ({kinds}) "
        "GROUP BY t.project_id, t.month_i, q.dimension, q.kind, a.type, a.value"
    ),
    "postgresql": (
        "SELECT t.project_id, t.month_i, q.dimension, q.kind, jsonb_typeof(a.value), "
        "a.value::text, COUNT(*) "
        "FROM ({tasks}) t, jsonb_each(CASE WHEN jsonb_typeof(t.answers) = 'object' "
        "THEN t.answers ELSE '{{}}'::jsonb END) a "
        "JOIN {questions} q ON q.id::text = a.key "
        "WHERE q.dimension IN ({dimensions}) AND q.kind IN ({kinds}) "
        "GROUP BY t.project_id, t.month_i, q.dimension, q.kind, jsonb_typeof(a.value), "
        "a.value::text"
    ),
}

GROUP_OF = {d: g for g, dims in TARGET_GROUPS.items() for d in dims}  # dimension → group
SCORED_KINDS = (Question.Kind.SCALE, Question.Kind.YES_NO)


def _decode(vendor: str, kind: str, value):
    """The Python value of a JSON answer as the row gives it."""
    if vendor == "postgresql":
        return json.loads(value)
    if kind in ("object", "array"):
        return json.loads(value)
    return {"true": True, "false": False, "null": None}.get(kind, value)


def _answer_counts(tasks):
    """[(project id, bucket, dimension, question kind, raw answer, count)] of the answers of
    ``tasks`` (annotated with the bucket as ``month_i``) to questions with a target dimension:
    one grouped query."""
    try:
        sql, params = tasks.values("project_id", "month_i", "answers").query.sql_with_params()
    except EmptyResultSet:  # no project in scope
        return []
    vendor = connection.vendor
    dimensions, kinds = sorted(GROUP_OF), [str(k) for k in SCORED_KINDS]
    query = _ANSWER_COUNTS_SQL[vendor].format(
        tasks=sql,
        questions=connection.ops.quote_name(Question._meta.db_table),
        dimensions=", ".join(["%s"] * len(dimensions)),
        kinds=", ".join(["%s"] * len(kinds)),
    )
    with connection.cursor() as cursor:
        cursor.execute(query, (*params, *dimensions, *kinds))
        rows = cursor.fetchall()
    return [(p, b, d, qk, _decode(vendor, kind, v), n) for p, b, d, qk, kind, v, n in rows]


def _answered_tasks(project_ids, start, end):
    tasks = CallbackTask.objects.filter(
        status__in=[CallbackStatus.REACHED, CallbackStatus.DONE],
        completed_at__gte=start,
        completed_at__lt=end,
    ).exclude(answers={})
    if project_ids is not None:
        tasks = tasks.filter(project_id__in=project_ids)
    return tasks


def _dimension_cells(tasks) -> dict:
    """{(project id, bucket, dimension): [sum, count]} of the answers of ``tasks`` (annotated
    with the bucket as ``month_i``)."""
    cells = defaultdict(lambda: [0, 0])
    for project_id, bucket, dimension, kind, raw, n in _answer_counts(tasks):
        value = _answer_value(kind, raw)
        if value is not None:
            cell = cells[project_id, bucket, dimension]
            cell[0] += value * n
            cell[1] += n
    return cells


def actuals_from_cells(cells) -> dict:
    """The means of ``dimension_actuals`` from {(project id, "YYYY-MM", dimension): [sum, n]}."""
    year_sums = defaultdict(lambda: [0, 0])
    month_sums = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    project_sums = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for (project_id, month, dimension), (total, n) in cells.items():
        for key in (dimension, GROUP_OF[dimension]):
            for sums in (year_sums, month_sums[month], project_sums[project_id]):
                sums[key][0] += total
                sums[key][1] += n
    return {
        "year": {key: _mean(year_sums[key]) for key in TARGET_KEYS},
        "months": [
            (month, {key: _mean(month_sums[month][key]) for key in TARGET_KEYS})
            for month in sorted(month_sums)
        ],
        "projects": {
            pid: {key: _mean(sums[key]) for key in TARGET_KEYS}
            for pid, sums in project_sums.items()
        },
    }


def year_span(year: int, today: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[1 January of ``year``, the end of ``today`` or of the year) as aware datetimes."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, tzinfo=tz)
    end = min(
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min, tz),
    )
    return start, end


def dimension_actuals(project_ids, year: int, *, today=None) -> dict:
    """The mean 1–5 answer per target key (the five dimensions and the product and experience
    groups, each a mean of all its dimensions' answers), from the callbacks reached in ``year``
    up to ``today``: {"year": {key: mean}, "months": [(YYYY-MM, {key: mean})],
    "projects": {project id: {key: mean}}}. One query: the answers to the questions with a
    dimension counted by project, month, dimension and value in SQL (no row is loaded)."""
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    start, end = year_span(year, today)
    cells = {}
    if start < end:
        starts = [datetime.datetime(year, m, 1, tzinfo=tz) for m in range(1, 13)]
        starts = [s for s in starts if s < end]
        labels = [s.strftime("%Y-%m") for s in starts]
        tasks = _answered_tasks(project_ids, start, end)
        tasks = tasks.annotate(month_i=_month_bucket("completed_at", starts)).order_by()
        cells = {
            (project_id, labels[month_i], dimension): cell
            for (project_id, month_i, dimension), cell in _dimension_cells(tasks).items()
        }
    return actuals_from_cells(cells)


def dimension_day_totals(project_ids, start, end):
    """(project id, local day, dimension, sum, count) of the answers of the callbacks reached in
    [start, end): the daily rollup of the actuals (feedback.rollups). One query."""
    tasks = _answered_tasks(project_ids, start, end)
    tasks = tasks.annotate(month_i=TruncDate("completed_at")).order_by()
    for (project_id, day, dimension), (total, n) in _dimension_cells(tasks).items():
        if isinstance(day, str):  # SQLite gives the date as text
            day = datetime.date.fromisoformat(day[:10])
        yield project_id, day, dimension, total, n


def scope_targets(targets) -> dict:
    """The targets of several projects' rows as one: the mean of the rows that set each key."""
    out = {}
    for key in TARGET_KEYS:
        values = [t.target_of(key) for t in targets if t.target_of(key) is not None]
        out[key] = (
            (sum(values) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP) if values else None
        )
    return out
