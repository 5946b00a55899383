"""Generation of the callback programme (R-FB-6): the handover fact, the tasks of each rule,
set-based for the monthly batches (SPEC §9)."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from salesite.models import Purchase, Unit

from .. import deadlines
from ..models import (
    AmbassadorAssignment,
    CallbackRule,
    CallbackStatus,
    CallbackTask,
    Case,
    CaseKind,
    HandoverFact,
)
from .steps import tick_step

Trigger = CallbackRule.Trigger
AMBASSADOR_ROLE = "customer_ambassador"

# --- callback programme (R-FB-6) -------------------------------------------------------------


def record_handover(*, customer, unit, handover_date: datetime.date) -> HandoverFact:
    """Called by the handover app when a customer takes handover of a unit: the fact starts the
    delivery, 3-month and 1-year callbacks and ticks the 6+2 step 恭迎乔迁 (idempotent)."""
    fact, _created = HandoverFact.objects.update_or_create(
        customer=customer,
        unit=unit,
        defaults={"project_id": unit.project_id, "handover_date": handover_date},
    )
    tick_step(customer=customer, action_code="handover", on=handover_date, source="handover")
    return fact


def _ambassador_map(project_ids):
    """{(project_id, building_id): user_id} of active building assignments (one query)."""
    rows = AmbassadorAssignment.objects.filter(
        project_id__in=project_ids, is_active=True, building__isnull=False
    ).values_list("project_id", "building_id", "user_id")
    return {(p, b): u for p, b, u in rows}


def _bulk_tasks(rows, rule: CallbackRule) -> int:
    """rows: (project_id, customer_id, building_id, source_key, due_date, case_id)."""
    rows = list(rows)
    if not rows:
        return 0
    amb = _ambassador_map({r[0] for r in rows}) if _assigns_ambassador(rule) else {}
    objs = [
        CallbackTask(
            project_id=p,
            customer_id=c,
            rule=rule,
            source_key=key,
            due_date=due,
            case_id=case_id,
            assigned_to_id=amb.get((p, b)),
        )
        for p, c, b, key, due, case_id in rows
    ]
    before = CallbackTask.objects.filter(rule=rule).count()
    CallbackTask.objects.bulk_create(objs, ignore_conflicts=True, batch_size=2000)
    return CallbackTask.objects.filter(rule=rule).count() - before


def _assigns_ambassador(rule: CallbackRule) -> bool:
    """A rule made by the customer ambassador (or naming no role) goes to the ambassador who
    follows the building; a rule of another role is left for the project's lead to assign."""
    return rule.role_id is None or rule.role.code == AMBASSADOR_ROLE


def _local_date(dt):
    return timezone.localtime(dt).date() if dt else None


# The cases each case trigger applies to, and the moment its offset counts from.
CASE_TRIGGER_CASES = {
    Trigger.REPAIR_CLOSED: (Q(kind=CaseKind.REPAIR, closed_at__isnull=False), "closed_at"),
    Trigger.MAJOR_REPAIR_CLOSED: (
        Q(kind=CaseKind.REPAIR, is_major=True, closed_at__isnull=False),
        "closed_at",
    ),
    Trigger.RECTIFICATION_DONE: (Q(rectification_done_at__isnull=False), "rectification_done_at"),
    Trigger.COMPLAINT_CLOSED: (Q(kind=CaseKind.COMPLAINT, closed_at__isnull=False), "closed_at"),
}


def _active_rules():
    return list(CallbackRule.objects.filter(is_active=True).select_related("role"))


def _create_case_callbacks(cases, rules=None) -> dict:
    """The callbacks of the active case rules (repair closed: 24 h, major repair: again within
    2 months, rectification done: 1 week, complaint closed: 24 h, by default) for the given
    cases; a task is due at the event plus the rule's offset."""
    rules = _active_rules() if rules is None else rules
    counts = {}
    for rule in rules:
        if not rule.is_case_rule:
            continue
        condition, moment = CASE_TRIGGER_CASES[rule.trigger]
        rows = cases.filter(condition, customer__isnull=False).values_list(
            "project_id", "customer_id", "building_id", "pk", moment
        )
        offset = rule.offset
        counts[rule.code] = _bulk_tasks(
            ((p, c, b, f"case:{pk}", _local_date(at + offset), pk) for p, c, b, pk, at in rows),
            rule,
        )
    return counts


# How far ahead a callback after handover is generated, and how far back a missed one is
# still generated (a job that did not run for a while catches up).
LOOKAHEAD = datetime.timedelta(days=7)
CATCH_UP = datetime.timedelta(days=62)


# --- set-based generation (SPEC §9: 100k customers in under 30 s) ---------------------------


def _add_months_sql(column: str, months: int, days: int = 0) -> str:
    """SQL for ``column + months`` calendar months (then ``days`` days), clamped to the
    month's end like ``relativedelta`` (31 Jan + 1 month = 28/29 Feb) on both PostgreSQL and
    SQLite."""
    if connection.vendor == "postgresql":
        return (
            f"CAST({column} + INTERVAL '{int(months)} months' + INTERVAL '{int(days)} days'"
            " AS date)"
        )
    day_offset = f"'+' || (CAST(strftime('%%d', {column}) AS INTEGER) - 1) || ' days'"
    expr = (
        f"MIN(date({column}, 'start of month', '+{int(months)} months', {day_offset}), "
        f"date({column}, 'start of month', '+{int(months) + 1} months', '-1 day'))"
    )
    return f"date({expr}, '+{int(days)} days')" if days else expr


def _months_and_days(rule: CallbackRule) -> tuple[int, int]:
    """A date rule's offset as (months, days); the one-year trigger adds its year. Hours (not
    allowed on date rules) count as whole days."""
    value, unit = rule.offset_value, rule.offset_unit
    months = {CallbackRule.Unit.MONTHS: value}.get(unit, 0)
    days = {
        CallbackRule.Unit.DAYS: value,
        CallbackRule.Unit.WEEKS: 7 * value,
        CallbackRule.Unit.HOURS: value // 24,
    }.get(unit, 0)
    if rule.trigger == Trigger.ONE_YEAR_AFTER_HANDOVER:
        months += 12
    return months, days


def _insert_tasks_from_select(*, rule: CallbackRule, select_sql: str, params: list, now) -> int:
    """One ``INSERT … SELECT … ON CONFLICT DO NOTHING`` creating the tasks of one rule.

    ``select_sql`` yields (project_id, customer_id, building_id, source_key, due_date); the
    ambassador following the building is assigned when the rule is the ambassador's. The
    unique constraint (rule, customer, source_key) keeps it idempotent; the returned count is
    the cursor's row count, which on both PostgreSQL and SQLite is the number of rows actually
    inserted (conflicts excluded)."""
    task_table = connection.ops.quote_name(CallbackTask._meta.db_table)
    amb_table = connection.ops.quote_name(AmbassadorAssignment._meta.db_table)
    empty_json = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    if _assigns_ambassador(rule):
        assignee = f"""(SELECT a.user_id FROM {amb_table} a
              WHERE a.project_id = s.project_id AND a.building_id = s.building_id
                AND a.is_active = %s
              ORDER BY a.id DESC LIMIT 1)"""
        assignee_params = [True]
    else:
        assignee, assignee_params = "NULL", []
    sql = f"""
        INSERT INTO {task_table} (
            project_id, customer_id, rule, source_key, due_date, assigned_to_id,
            status, attempts, answers, dissatisfied, created_at
        )
        SELECT s.project_id, s.customer_id, %s, s.source_key, s.due_date, {assignee},
            %s, 0, {empty_json}, %s, %s
        FROM ({select_sql}) s
        WHERE 1 = 1
        ON CONFLICT (rule, customer_id, source_key) DO NOTHING
    """
    head = [rule.code, *assignee_params, CallbackStatus.PENDING.value, "{}", False, now]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*head, *params])
        return max(cursor.rowcount, 0)


def callbacks_generate(*, today: datetime.date | None = None, now=None) -> dict:
    """Generate the callback tasks of every active rule (R-JOB-3). Set-based and idempotent:
    each date rule is one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` in the database (no
    rows are loaded into Python), and a second run the same day creates nothing. A rule added
    in admin creates its tasks on the next run: those falling due between ``CATCH_UP`` ago and
    ``LOOKAHEAD`` ahead."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    this_month = today.replace(day=1)
    prev_month = deadlines.add_months(this_month, -1)
    period = f"{prev_month:%Y-%m}"
    counts: dict[str, int] = {}
    purchase = connection.ops.quote_name(Purchase._meta.db_table)
    unit = connection.ops.quote_name(Unit._meta.db_table)
    fact = connection.ops.quote_name(HandoverFact._meta.db_table)
    rules = _active_rules()

    with transaction.atomic():
        for rule in rules:
            months, days = _months_and_days(rule)
            if rule.trigger in CallbackRule.MONTHLY_TRIGGERS:
                # Everyone who signed (took handover) last month, due on the 1st of this
                # month plus the offset.
                if rule.trigger == Trigger.SIGNED_IN_MONTH:
                    source = f"""
                        FROM {purchase} p JOIN {unit} u ON u.id = p.unit_id
                        WHERE p.is_active = %s AND p.signed_on >= %s AND p.signed_on < %s
                        GROUP BY p.project_id, p.customer_id"""
                    alias, where = "p", [True, prev_month, this_month]
                else:
                    source = f"""
                        FROM {fact} h JOIN {unit} u ON u.id = h.unit_id
                        WHERE h.handover_date >= %s AND h.handover_date < %s
                        GROUP BY h.project_id, h.customer_id"""
                    alias, where = "h", [prev_month, this_month]
                counts[rule.code] = _insert_tasks_from_select(
                    rule=rule,
                    select_sql=f"""
                        SELECT {alias}.project_id AS project_id,
                               {alias}.customer_id AS customer_id,
                               MIN(u.building_id) AS building_id, %s AS source_key,
                               %s AS due_date
                        {source}""",
                    params=[period, this_month + relativedelta(months=months, days=days), *where],
                    now=now,
                )
            elif rule.trigger in (Trigger.AFTER_HANDOVER, Trigger.ONE_YEAR_AFTER_HANDOVER):
                # Generated a week ahead of the due date; a job that did not run for a while
                # catches up over CATCH_UP.
                delta = relativedelta(months=months, days=days)
                latest = today + LOOKAHEAD - delta
                earliest = today - CATCH_UP - delta
                counts[rule.code] = _insert_tasks_from_select(
                    rule=rule,
                    select_sql=f"""
                        SELECT h.project_id AS project_id, h.customer_id AS customer_id,
                               u.building_id AS building_id,
                               'handover:' || CAST(h.id AS VARCHAR(20)) AS source_key,
                               {_add_months_sql("h.handover_date", months, days)} AS due_date
                        FROM {fact} h JOIN {unit} u ON u.id = h.unit_id
                        WHERE h.handover_date > %s AND h.handover_date <= %s""",
                    params=[earliest, latest],
                    now=now,
                )

    # Repairs and complaints closed and rectifications completed recently (normally created at
    # once by the service; the job is the safety net). Few rows: the ORM bulk path is enough.
    since = now - CATCH_UP
    case_counts = _create_case_callbacks(
        Case.objects.filter(Q(closed_at__gte=since) | Q(rectification_done_at__gte=since)),
        rules,
    )
    counts.update(case_counts)
    return counts
