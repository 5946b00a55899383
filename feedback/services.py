"""Writes of the feedback app: one function per use case (STYLE §1).

Other apps call these explicitly (no signals):
- ``record_handover(customer=, unit=, handover_date=)`` when a customer takes handover; it starts
  the delivery, 3-month and 1-year callbacks and ticks the 6+2 step 恭迎乔迁.
- ``tick_step(customer=, action_code=, on=, source=)`` when a workflow performs a 6+2 action
  (e.g. a progress notice → ``"progress_notice"``); idempotent.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.models import Customer, Notification, ProjectMembership, Purchase, Unit
from salesite.notifications import notify_many, send_email_many, send_sms_many

from . import deadlines
from .exceptions import CallbackClosed, CaseNotReplied, DomainError, InvalidTransition
from .models import (
    AmbassadorAssignment,
    AmbassadorPatrol,
    BreachKind,
    CallbackAttempt,
    CallbackRule,
    CallbackStatus,
    CallbackTask,
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    ClubEvent,
    ClubEventAttendee,
    ComplaintCategory,
    CustomerStepRecord,
    DeadlineBreach,
    Greeting,
    HandoverFact,
    Holiday,
    QuarterlyAssessment,
    Question,
    Referral,
    RepeatPurchase,
    RewardRule,
    StepAction,
    WarrantyItem,
    WarrantyNotice,
    WarrantyReport,
)

LEADER_ROLES = ["centre_head"]
BREACH_RECIPIENT_ROLES = ["cs_lead", "centre_head"]


def max_attempts() -> int:
    return int(getattr(settings, "FEEDBACK_CALLBACK_MAX_ATTEMPTS", 3))


def members_with_roles(project_ids, role_codes):
    """{project_id: [users]} of the active members holding one of the roles (one query)."""
    rows = (
        ProjectMembership.objects.filter(
            project_id__in=project_ids,
            role__code__in=role_codes,
            is_active=True,
            user__isnull=False,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("pk")
    )
    out: dict[int, list] = {}
    for m in rows:
        out.setdefault(m.project_id, []).append(m.user)
    return out


def ambassador_for(*, project_id: int, building_id: int | None, area: str = ""):
    """The active ambassador following this building, else this area (or None)."""
    qs = AmbassadorAssignment.objects.filter(project_id=project_id, is_active=True)
    if building_id:
        a = qs.filter(building_id=building_id).select_related("user").first()
        if a:
            return a.user
    if area:
        a = qs.filter(area=area).select_related("user").first()
        if a:
            return a.user
    return None


# --- cases ---------------------------------------------------------------------------------


@transaction.atomic
def case_create(
    *,
    project,
    kind: str,
    subject: str,
    user=None,
    channel: str = "visit",
    content: str = "",
    complaint_category: str = "",
    customer=None,
    walk_in_name: str = "",
    contact_phone: str = "",
    unit=None,
    building=None,
    area: str = "",
    settled_on_spot: bool = False,
    is_major: bool = False,
    promised_at: datetime.datetime | None = None,
    handling: str = "",
    reply: str = "",
    source_callback=None,
    now: datetime.datetime | None = None,
) -> Case:
    """Log a visit/call, request, complaint or repair with its deadlines (R-FB-1..4)."""
    now = now or timezone.now()
    if customer is not None and customer.project_id != project.pk:
        raise DomainError(_("客户不属于该项目。"))
    if unit is not None:
        if unit.project_id != project.pk:
            raise DomainError(_("房号不属于该项目。"))
        building = unit.building
    if building is not None and building.project_id != project.pk:
        raise DomainError(_("楼栋不属于该项目。"))
    if customer is None and not walk_in_name.strip():
        raise DomainError(_("请选择客户或填写来访人姓名。"))
    if kind == CaseKind.COMPLAINT and not complaint_category:
        raise DomainError(_("投诉须选择类别。"))
    if kind != CaseKind.COMPLAINT:
        complaint_category = ""
    if not contact_phone and customer is not None:
        contact_phone = customer.phone
    case = Case(
        project=project,
        kind=kind,
        channel=channel,
        complaint_category=complaint_category,
        customer=customer,
        walk_in_name=walk_in_name.strip(),
        contact_phone=contact_phone,
        unit=unit,
        building=building,
        area=area,
        subject=subject,
        content=content,
        handling=handling,
        settled_on_spot=settled_on_spot,
        is_major=is_major,
        received_at=now,
        received_by=user,
        promised_at=promised_at,
        source_callback=source_callback,
        dispatch_due=deadlines.dispatch_due(
            kind=kind, received_at=now, settled_on_spot=settled_on_spot
        ),
        answer_due=deadlines.answer_due(
            kind=kind, received_at=now, settled_on_spot=settled_on_spot, promised_at=promised_at
        ),
    )
    ambassador = ambassador_for(
        project_id=project.pk, building_id=building.pk if building else None, area=area
    )
    if settled_on_spot and reply.strip():
        case.status = CaseStatus.REPLIED
        case.reply = reply.strip()
        case.replied_at = now
    if is_major and kind != CaseKind.REPAIR:
        case.escalated_at = now
    case.save()
    CaseEvent.objects.create(
        case=case,
        from_status=CaseStatus.NEW,
        to_status=case.status,
        by=user,
        at=now,
        note=_("登记"),
    )
    if case.escalated_at:
        # R-FB-1: a major, urgent or sudden matter goes to the leader at once.
        leaders = members_with_roles([project.pk], LEADER_ROLES).get(project.pk, [])
        notify_many(
            recipients=leaders,
            title=_("重大/紧急事项：%(s)s") % {"s": subject},
            body=content,
            url=case.get_absolute_url(),
            project=project,
            level=Notification.Level.ESCALATION,
            dedupe_key=f"feedback:case:{case.pk}:escalation",
        )
    if ambassador is not None and ambassador != user:
        notify_many(
            recipients=[ambassador],
            title=_("您负责区域的新事项：%(s)s") % {"s": subject},
            url=case.get_absolute_url(),
            project=project,
            dedupe_key=f"feedback:case:{case.pk}:ambassador",
        )
    return case


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _move(case: Case, to_status: str, *, user, now, note: str = "", fields=()) -> None:
    if to_status not in case.allowed_next():
        raise InvalidTransition(
            _("事项不能从“%(from)s”变更为“%(to)s”。")
            % {"from": case.get_status_display(), "to": CaseStatus(to_status).label}
        )
    CaseEvent.objects.create(
        case=case, from_status=case.status, to_status=to_status, by=user, at=now, note=note
    )
    case.status = to_status
    case.save(update_fields=["status", *fields])


@transaction.atomic
def case_dispatch(
    *,
    case: Case,
    user=None,
    department=None,
    assignee=None,
    responsible_person: str = "",
    repair_contractor: str = "",
    supervisor: str = "",
    note: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    """Forward to a department or person, naming who is responsible (R-FB-2, R-FB-4)."""
    now = now or timezone.now()
    case = _lock(case)
    if not (responsible_person.strip() or assignee):
        raise DomainError(_("转派时须指定责任人或处理人。"))
    case.department = department
    case.assignee = assignee
    case.responsible_person = responsible_person.strip() or (str(assignee) if assignee else "")
    case.dispatched_at = now
    if case.kind == CaseKind.REPAIR:
        case.repair_contractor = repair_contractor.strip() or case.repair_contractor
        case.supervisor = supervisor.strip() or case.supervisor
    _move(
        case,
        CaseStatus.DISPATCHED,
        user=user,
        now=now,
        note=note,
        fields=[
            "department",
            "assignee",
            "responsible_person",
            "dispatched_at",
            "repair_contractor",
            "supervisor",
        ],
    )
    if assignee is not None:
        notify_many(
            recipients=[assignee],
            title=_("转派给您的事项：%(s)s") % {"s": case.subject},
            url=case.get_absolute_url(),
            project=case.project,
            dedupe_key=f"feedback:case:{case.pk}:dispatch:{assignee.pk}",
        )
    return case


@transaction.atomic
def case_start(*, case: Case, user=None, note: str = "", now=None) -> Case:
    now = now or timezone.now()
    case = _lock(case)
    _move(case, CaseStatus.IN_PROGRESS, user=user, now=now, note=note)
    return case


@transaction.atomic
def case_reply(*, case: Case, reply: str, user=None, handling: str = "", now=None) -> Case:
    """Record the reply given to the customer."""
    now = now or timezone.now()
    if not reply.strip():
        raise CaseNotReplied(_("请填写答复客户的内容。"))
    case = _lock(case)
    case.reply = reply.strip()
    case.replied_at = now
    if handling.strip():
        case.handling = handling.strip()
    _move(
        case,
        CaseStatus.REPLIED,
        user=user,
        now=now,
        note=reply.strip(),
        fields=["reply", "replied_at", "handling"],
    )
    return case


@transaction.atomic
def case_close(*, case: Case, user=None, note: str = "", now=None) -> Case:
    """Close a replied case; a repair gets its callback deadlines and tasks (R-FB-4)."""
    now = now or timezone.now()
    case = _lock(case)
    if not case.reply.strip():
        raise CaseNotReplied(_("未记录答复客户的内容，不能关闭。"))
    case.closed_at = now
    fields = ["closed_at"]
    if case.kind == CaseKind.REPAIR:
        case.callback_due = now + deadlines.FIRST_CALLBACK_WITHIN
        fields.append("callback_due")
        if case.is_major:
            case.second_callback_due = now + deadlines.SECOND_CALLBACK_WITHIN
            fields.append("second_callback_due")
    _move(case, CaseStatus.CLOSED, user=user, now=now, note=note, fields=fields)
    if case.kind == CaseKind.REPAIR:
        _create_case_callbacks(Case.objects.filter(pk=case.pk))
    return case


@transaction.atomic
def case_rectification_done(*, case: Case, user=None, now=None) -> Case:
    """A complaint's rectification is finished: the survey is due within a week (R-FB-5)."""
    now = now or timezone.now()
    case = _lock(case)
    if case.kind not in (CaseKind.COMPLAINT, CaseKind.REPAIR):
        raise DomainError(_("只有投诉或报修事项需要整改。"))
    if case.rectification_done_at:
        return case
    case.rectification_done_at = now
    case.survey_due = now + deadlines.SURVEY_WITHIN
    case.save(update_fields=["rectification_done_at", "survey_due"])
    CaseEvent.objects.create(
        case=case,
        from_status=case.status,
        to_status=case.status,
        by=user,
        at=now,
        note=_("整改完成"),
    )
    _create_case_callbacks(Case.objects.filter(pk=case.pk))
    return case


def deadline_breaches_mark(*, now: datetime.datetime | None = None) -> dict:
    """Record every passed deadline once (unique per case and kind) and notify once (R-JOB-4).

    Sweeps indexed due-time columns; a second run creates and notifies nothing."""
    now = now or timezone.now()
    done_callback = CallbackTask.objects.filter(
        case=OuterRef("pk"),
        status__in=[CallbackStatus.REACHED, CallbackStatus.DONE],
    )
    sweeps = [
        (
            BreachKind.DISPATCH,
            "dispatch_due",
            Q(dispatch_due__lt=now, dispatched_at__isnull=True, status=CaseStatus.NEW),
        ),
        (
            BreachKind.ANSWER,
            "answer_due",
            Q(answer_due__lt=now, replied_at__isnull=True),
        ),
        (
            BreachKind.CALLBACK,
            "callback_due",
            Q(callback_due__lt=now) & ~Q(Exists(done_callback.filter(rule=CallbackRule.REPAIR))),
        ),
        (
            BreachKind.SECOND_CALLBACK,
            "second_callback_due",
            Q(second_callback_due__lt=now)
            & ~Q(Exists(done_callback.filter(rule=CallbackRule.REPAIR_MAJOR))),
        ),
        (
            BreachKind.SURVEY,
            "survey_due",
            Q(survey_due__lt=now)
            & ~Q(Exists(done_callback.filter(rule=CallbackRule.RECTIFICATION))),
        ),
    ]
    counts = {}
    for kind, column, condition in sweeps:
        already = DeadlineBreach.objects.filter(case=OuterRef("pk"), kind=kind)
        rows = (
            Case.objects.filter(condition)
            .exclude(Exists(already))
            .values_list("pk", "project_id", column)
        )
        objs = [
            DeadlineBreach(case_id=pk, project_id=pid, kind=kind, due_at=due, detected_at=now)
            for pk, pid, due in rows
        ]
        DeadlineBreach.objects.bulk_create(objs, ignore_conflicts=True, batch_size=1000)
        counts[kind.value] = len(objs)
    counts["notified"] = _breaches_notify()
    return counts


def _breaches_notify() -> int:
    """One notification per new breach to the project's leads, the assignee and ambassador."""
    pending = list(
        DeadlineBreach.objects.filter(notified=False).select_related("case", "case__project")[:5000]
    )
    if not pending:
        return 0
    leads = members_with_roles({b.project_id for b in pending}, BREACH_RECIPIENT_ROLES)
    for b in pending:
        recipients = list(leads.get(b.project_id, []))
        if b.case.assignee_id:
            recipients.append(b.case.assignee)
        notify_many(
            recipients=recipients,
            title=_("超时：%(kind)s · %(case)s") % {"kind": b.get_kind_display(), "case": b.case},
            body=_("期限 %(due)s")
            % {"due": timezone.localtime(b.due_at).strftime("%Y-%m-%d %H:%M")},
            url=b.case.get_absolute_url(),
            project=b.case.project,
            level=Notification.Level.OVERDUE,
            dedupe_key=f"feedback:breach:{b.pk}",
        )
    DeadlineBreach.objects.filter(pk__in=[b.pk for b in pending]).update(notified=True)
    return len(pending)


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


def _bulk_tasks(rows, rule: str) -> int:
    """rows: (project_id, customer_id, building_id, source_key, due_date, case_id)."""
    rows = list(rows)
    if not rows:
        return 0
    amb = _ambassador_map({r[0] for r in rows})
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


def _local_date(dt):
    return timezone.localtime(dt).date() if dt else None


def _create_case_callbacks(cases) -> dict:
    """Repair callbacks (24 h; major again within 2 months) and rectification surveys for the
    given cases."""
    counts = {}
    repair = cases.filter(kind=CaseKind.REPAIR, callback_due__isnull=False, customer__isnull=False)
    rows = repair.values_list("project_id", "customer_id", "building_id", "pk", "callback_due")
    counts[CallbackRule.REPAIR] = _bulk_tasks(
        ((p, c, b, f"case:{pk}", _local_date(due), pk) for p, c, b, pk, due in rows),
        CallbackRule.REPAIR,
    )
    rows = repair.filter(second_callback_due__isnull=False).values_list(
        "project_id", "customer_id", "building_id", "pk", "second_callback_due"
    )
    counts[CallbackRule.REPAIR_MAJOR] = _bulk_tasks(
        ((p, c, b, f"case:{pk}", _local_date(due), pk) for p, c, b, pk, due in rows),
        CallbackRule.REPAIR_MAJOR,
    )
    rows = cases.filter(survey_due__isnull=False, customer__isnull=False).values_list(
        "project_id", "customer_id", "building_id", "pk", "survey_due"
    )
    counts[CallbackRule.RECTIFICATION] = _bulk_tasks(
        ((p, c, b, f"case:{pk}", _local_date(due), pk) for p, c, b, pk, due in rows),
        CallbackRule.RECTIFICATION,
    )
    return counts


# How far ahead a callback after handover is generated, and how far back a missed one is
# still generated (a job that did not run for a while catches up).
LOOKAHEAD = datetime.timedelta(days=7)
CATCH_UP = datetime.timedelta(days=62)


# --- set-based generation (SPEC §9: 100k customers in under 30 s) ---------------------------


def _add_months_sql(column: str, months: int) -> str:
    """SQL for ``column + months`` calendar months, clamped to the month's end like
    ``relativedelta`` (31 Jan + 1 month = 28/29 Feb) on both PostgreSQL and SQLite."""
    if connection.vendor == "postgresql":
        return f"CAST({column} + INTERVAL '{int(months)} months' AS date)"
    day_offset = f"'+' || (CAST(strftime('%%d', {column}) AS INTEGER) - 1) || ' days'"
    return (
        f"MIN(date({column}, 'start of month', '+{int(months)} months', {day_offset}), "
        f"date({column}, 'start of month', '+{int(months) + 1} months', '-1 day'))"
    )


def _insert_tasks_from_select(*, rule: str, select_sql: str, params: list, now) -> int:
    """One ``INSERT … SELECT … ON CONFLICT DO NOTHING`` creating the tasks of one rule.

    ``select_sql`` yields (project_id, customer_id, building_id, source_key, due_date); the
    ambassador following the building is assigned. The unique constraint (rule, customer,
    source_key) keeps it idempotent; the returned count is the cursor's row count, which on
    both PostgreSQL and SQLite is the number of rows actually inserted (conflicts excluded)."""
    task_table = connection.ops.quote_name(CallbackTask._meta.db_table)
    amb_table = connection.ops.quote_name(AmbassadorAssignment._meta.db_table)
    empty_json = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    sql = f"""
        INSERT INTO {task_table} (
            project_id, customer_id, rule, source_key, due_date, assigned_to_id,
            status, attempts, answers, dissatisfied, created_at
        )
        SELECT s.project_id, s.customer_id, %s, s.source_key, s.due_date,
            (SELECT a.user_id FROM {amb_table} a
              WHERE a.project_id = s.project_id AND a.building_id = s.building_id
                AND a.is_active = %s
              ORDER BY a.id DESC LIMIT 1),
            %s, 0, {empty_json}, %s, %s
        FROM ({select_sql}) s
        WHERE 1 = 1
        ON CONFLICT (rule, customer_id, source_key) DO NOTHING
    """
    head = [rule, True, CallbackStatus.PENDING.value, "{}", False, now]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*head, *params])
        return max(cursor.rowcount, 0)


def callbacks_generate(*, today: datetime.date | None = None, now=None) -> dict:
    """Generate the callback tasks of every rule (R-JOB-3). Set-based and idempotent: each heavy
    rule is one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` in the database (no rows are
    loaded into Python), and a second run the same day creates nothing."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    this_month = today.replace(day=1)
    prev_month = deadlines.add_months(this_month, -1)
    period = f"{prev_month:%Y-%m}"
    counts: dict[str, int] = {}
    purchase = connection.ops.quote_name(Purchase._meta.db_table)
    unit = connection.ops.quote_name(Unit._meta.db_table)
    fact = connection.ops.quote_name(HandoverFact._meta.db_table)

    with transaction.atomic():
        # Sales service: everyone who signed last month, due on the 1st of this month.
        counts[CallbackRule.SALES] = _insert_tasks_from_select(
            rule=CallbackRule.SALES,
            select_sql=f"""
                SELECT p.project_id AS project_id, p.customer_id AS customer_id,
                       MIN(u.building_id) AS building_id, %s AS source_key, %s AS due_date
                FROM {purchase} p JOIN {unit} u ON u.id = p.unit_id
                WHERE p.is_active = %s AND p.signed_on >= %s AND p.signed_on < %s
                GROUP BY p.project_id, p.customer_id""",
            params=[period, this_month, True, prev_month, this_month],
            now=now,
        )
        # Delivery and concentrated rectification: handovers of last month.
        counts[CallbackRule.DELIVERY] = _insert_tasks_from_select(
            rule=CallbackRule.DELIVERY,
            select_sql=f"""
                SELECT h.project_id AS project_id, h.customer_id AS customer_id,
                       MIN(u.building_id) AS building_id, %s AS source_key, %s AS due_date
                FROM {fact} h JOIN {unit} u ON u.id = h.unit_id
                WHERE h.handover_date >= %s AND h.handover_date < %s
                GROUP BY h.project_id, h.customer_id""",
            params=[period, this_month, prev_month, this_month],
            now=now,
        )
        # 3 months and 1 year after handover, generated a week ahead of the due date; a job
        # that did not run for a while catches up over CATCH_UP.
        for rule, months in ((CallbackRule.RESIDENCE_3M, 3), (CallbackRule.QUALITY_1Y, 12)):
            latest = deadlines.add_months(today + LOOKAHEAD, -months)
            earliest = deadlines.add_months(today - CATCH_UP, -months)
            counts[rule] = _insert_tasks_from_select(
                rule=rule,
                select_sql=f"""
                    SELECT h.project_id AS project_id, h.customer_id AS customer_id,
                           u.building_id AS building_id,
                           'handover:' || CAST(h.id AS VARCHAR(20)) AS source_key,
                           {_add_months_sql("h.handover_date", months)} AS due_date
                    FROM {fact} h JOIN {unit} u ON u.id = h.unit_id
                    WHERE h.handover_date > %s AND h.handover_date <= %s""",
                params=[earliest, latest],
                now=now,
            )

    # Repairs closed and rectifications completed recently (normally created at once by the
    # service; the job is the safety net). Few rows: the ORM bulk path is enough.
    since = now - CATCH_UP
    case_counts = _create_case_callbacks(
        Case.objects.filter(Q(closed_at__gte=since) | Q(rectification_done_at__gte=since))
    )
    counts.update(case_counts)
    return {str(k): v for k, v in counts.items()}


def score_answers(questions, answers: dict) -> tuple[Decimal | None, bool]:
    """Mean of the scored answers on 1–5 (yes = 5, no = 1) and whether any is dissatisfied
    (a score of 2 or less, or "no")."""
    values = []
    dissatisfied = False
    for q in questions:
        raw = answers.get(str(q.pk))
        if raw in (None, ""):
            continue
        if q.kind == Question.Kind.SCALE:
            v = int(raw)
            if not 1 <= v <= 5:
                raise DomainError(_("评分须在 1–5 之间。"))
            values.append(v)
            dissatisfied |= v <= 2
        elif q.kind == Question.Kind.YES_NO:
            yes = raw in (True, "yes", "true", "1", 1)
            values.append(5 if yes else 1)
            dissatisfied |= not yes
    if not values:
        return None, dissatisfied
    score = (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return score, dissatisfied


def questions_for(rule: str):
    return list(
        Question.objects.filter(questionnaire__rule=rule, is_active=True).order_by("order", "pk")
    )


@transaction.atomic
def callback_record_outcome(
    *,
    task: CallbackTask,
    reached: bool,
    user=None,
    answers: dict | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> CallbackTask:
    """Record one call: not reached → retry until the maximum of attempts; reached → answers,
    score, and a follow-up complaint for a dissatisfied answer (R-FB-6)."""
    now = now or timezone.now()
    task = (
        CallbackTask.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=task.pk)
    )
    if not task.is_open:
        raise CallbackClosed(_("该回访任务已结束。"))
    task.attempts += 1
    CallbackAttempt.objects.create(
        task=task,
        at=now,
        outcome=CallbackAttempt.Outcome.REACHED if reached else CallbackAttempt.Outcome.NOT_REACHED,
        by=user,
        note=note[:200],
    )
    fields = ["attempts", "status"]
    if not reached:
        if task.attempts >= max_attempts():
            task.status = CallbackStatus.DONE
            task.completed_at = now
            fields.append("completed_at")
        else:
            task.status = CallbackStatus.NOT_REACHED
        task.save(update_fields=fields)
        return task
    answers = {str(k): v for k, v in (answers or {}).items()}
    questions = questions_for(task.rule)
    task.score, task.dissatisfied = score_answers(questions, answers)
    task.answers = answers
    task.status = CallbackStatus.REACHED
    task.completed_at = now
    task.save(update_fields=[*fields, "answers", "score", "dissatisfied", "completed_at"])
    _tick_for_callback(task, now)
    if task.dissatisfied:
        bad = [q.text for q in questions if _is_bad(q, answers.get(str(q.pk)))]
        customer = task.customer
        case_create(
            project=task.project,
            kind=CaseKind.COMPLAINT,
            complaint_category=ComplaintCategory.SERVICE,
            subject=_("回访不满意：%(rule)s") % {"rule": task.get_rule_display()},
            content="\n".join(bad) + ("\n" + note if note else ""),
            customer=customer,
            building=task.case.building if task.case_id else None,
            user=user,
            channel="call",
            source_callback=task,
            now=now,
        )
    return task


def _is_bad(q, raw) -> bool:
    if raw in (None, ""):
        return False
    if q.kind == Question.Kind.SCALE:
        return int(raw) <= 2
    if q.kind == Question.Kind.YES_NO:
        return raw not in (True, "yes", "true", "1", 1)
    return False


def _tick_for_callback(task, now) -> None:
    code = {
        CallbackRule.RESIDENCE_3M: "callback_3m",
        CallbackRule.QUALITY_1Y: "check_1y",
    }.get(task.rule, "continuous_feedback")
    tick_step(
        customer=task.customer,
        action_code=code,
        on=timezone.localtime(now).date(),
        source=f"callback:{task.pk}",
    )


@transaction.atomic
def callback_assign(*, task: CallbackTask, assignee) -> CallbackTask:
    task = CallbackTask.objects.select_for_update().get(pk=task.pk)
    task.assigned_to = assignee
    task.save(update_fields=["assigned_to"])
    return task


def tick_step(*, customer, action_code: str, on: datetime.date | None = None, source: str = ""):
    """Record that a 6+2 action was done for a customer (R-FB-9); the first date is kept, a
    second call changes nothing. Unknown codes are ignored so that callers need not care."""
    action = StepAction.objects.filter(code=action_code, per_project=False).first()
    if action is None:
        return None
    record, _created = CustomerStepRecord.objects.get_or_create(
        customer=customer,
        action=action,
        defaults={
            "project_id": customer.project_id,
            "done_on": on or timezone.localdate(),
            "source": source[:60],
        },
    )
    return record


def tick_steps_bulk(*, rows, action_code: str, source: str = "") -> int:
    """Bulk variant for batch workflows: rows of (project_id, customer_id, done_on)."""
    action = StepAction.objects.filter(code=action_code).first()
    if action is None:
        return 0
    objs = [
        CustomerStepRecord(project_id=p, customer_id=c, action=action, done_on=d, source=source)
        for p, c, d in rows
    ]
    return len(CustomerStepRecord.objects.bulk_create(objs, ignore_conflicts=True, batch_size=2000))


# --- quarterly 6+2 assessment (R-FB-10) -----------------------------------------------------


@transaction.atomic
def assessment_record_a1(
    *,
    project,
    year: int,
    quarter: int,
    site_check_score: Decimal | None,
    mystery_visit_score: Decimal | None,
    note: str = "",
    user=None,
) -> QuarterlyAssessment:
    """Enter (or correct) the A1 perception scores of a project for a quarter (R-FB-10)."""
    if not 1 <= quarter <= 4:
        raise DomainError(_("季度须为 1–4。"))
    if site_check_score is None and mystery_visit_score is None:
        raise DomainError(_("请至少填写现场检查或神秘访客得分。"))
    for value in (site_check_score, mystery_visit_score):
        if value is not None and not 0 <= value <= 100:
            raise DomainError(_("得分须在 0–100 之间。"))
    row = (
        QuarterlyAssessment.objects.select_for_update()
        .filter(project=project, year=year, quarter=quarter)
        .first()
    ) or QuarterlyAssessment(project=project, year=year, quarter=quarter)
    row.site_check_score = site_check_score
    row.mystery_visit_score = mystery_visit_score
    row.note = note
    row.entered_by = user
    row.save()
    return row


# --- warranty ledger and expiry notices (R-FB-7) --------------------------------------------

WARRANTY_NOTICE_MONTHS = 2
WARRANTY_RESPONSE_DAYS = 15


@transaction.atomic
def warranty_item_create(
    *,
    project,
    name: str,
    responsible_unit: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    building=None,
    responsible_contact: str = "",
    note: str = "",
) -> WarrantyItem:
    if ends_on < starts_on:
        raise DomainError(_("保修到期日不能早于开始日。"))
    if building is not None and building.project_id != project.pk:
        raise DomainError(_("楼栋不属于该项目。"))
    return WarrantyItem.objects.create(
        project=project,
        building=building,
        name=name.strip(),
        responsible_unit=responsible_unit.strip(),
        responsible_contact=responsible_contact.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
    )


def warranty_notices_send(*, today: datetime.date | None = None) -> dict:
    """Daily (R-JOB-5): for every item expiring within 2 months, notify each owner once (SMS,
    and email when the owner has one; unique per item and owner) and open the collection
    window until the expiry. Owners who bought after the first notice are notified on the next
    run. One query per item due (a handful a day), none per owner."""
    today = today or timezone.localdate()
    horizon = deadlines.add_months(today, WARRANTY_NOTICE_MONTHS)
    counts = {"items": 0, "notices": 0, "emails": 0}
    items = WarrantyItem.objects.filter(ends_on__gte=today, ends_on__lte=horizon).select_related(
        "project"
    )
    for item in items:
        with transaction.atomic():
            owners = Purchase.objects.filter(project_id=item.project_id, is_active=True)
            if item.building_id:
                owners = owners.filter(unit__building_id=item.building_id)
            owners = owners.exclude(
                Exists(
                    WarrantyNotice.objects.filter(item=item, customer_id=OuterRef("customer_id"))
                )
            ).values_list("customer_id", "customer__phone", "customer__email")
            new = {}
            for cid, phone, email in owners.order_by("customer_id"):
                new.setdefault(cid, (phone, email))
            WarrantyNotice.objects.bulk_create(
                [
                    WarrantyNotice(
                        project_id=item.project_id,
                        item=item,
                        customer_id=cid,
                        sent_on=today,
                        by_email=bool(email),
                    )
                    for cid, (_phone, email) in new.items()
                ],
                ignore_conflicts=True,
                batch_size=2000,
            )
            body = _(
                "【%(project)s】%(name)s保修期将于%(end)s到期，如有问题请于到期前向物业服务中心反映。"
            ) % {"project": item.project.name, "name": item.name, "end": item.ends_on}
            # In the outbox with the notice rows; a worker sends them after commit.
            send_sms_many(
                messages=[
                    (phone, body, f"feedback:warranty:{item.pk}:{cid}")
                    for cid, (phone, _email) in new.items()
                ],
                project_id=item.project_id,
            )
            mails = send_email_many(
                messages=[
                    (email, _("保修期到期提示"), body, f"feedback:warranty:{item.pk}:{cid}")
                    for cid, (_phone, email) in new.items()
                ],
                project_id=item.project_id,
            )
            if item.notice_sent_on is None:
                item.notice_sent_on = today
                item.collection_until = item.ends_on
                item.save(update_fields=["notice_sent_on", "collection_until"])
                counts["items"] += 1
                # The service centre's leads collect the reports during the window.
                notify_many(
                    recipients=members_with_roles([item.project_id], BREACH_RECIPIENT_ROLES).get(
                        item.project_id, []
                    ),
                    title=_("保修到期公示：%(name)s（%(end)s到期），请收集业主问题")
                    % {"name": item.name, "end": item.ends_on},
                    url=item.get_absolute_url(),
                    project=item.project,
                    dedupe_key=f"feedback:warranty:{item.pk}:window",
                )
            counts["notices"] += len(new)
            counts["emails"] += len(mails)
    return counts


@transaction.atomic
def warranty_report_add(
    *,
    item: WarrantyItem,
    description: str,
    customer=None,
    unit=None,
    user=None,
    today: datetime.date | None = None,
) -> WarrantyReport:
    """Collect an owner's problem report while the item's collection window is open."""
    today = today or timezone.localdate()
    if not description.strip():
        raise DomainError(_("请填写问题描述。"))
    if item.notice_sent_on is None or today > (item.collection_until or item.ends_on):
        raise DomainError(_("该保修项目不在问题收集期内。"))
    for obj, msg in ((customer, _("客户不属于该项目。")), (unit, _("房号不属于该项目。"))):
        if obj is not None and obj.project_id != item.project_id:
            raise DomainError(msg)
    return WarrantyReport.objects.create(
        project_id=item.project_id,
        item=item,
        customer=customer,
        unit=unit,
        description=description.strip(),
        reported_on=today,
        recorded_by=user,
    )


@transaction.atomic
def warranty_reports_send(
    *,
    item: WarrantyItem,
    response_days: int = WARRANTY_RESPONSE_DAYS,
    today: datetime.date | None = None,
) -> int:
    """Send the collected reports to the responsible unit with a deadline for its answer."""
    today = today or timezone.localdate()
    WarrantyItem.objects.select_for_update().get(pk=item.pk)
    n = WarrantyReport.objects.filter(item=item, status=WarrantyReport.Status.COLLECTED).update(
        status=WarrantyReport.Status.SENT,
        sent_on=today,
        response_due=today + datetime.timedelta(days=response_days),
    )
    if not n:
        raise DomainError(_("没有待转交的问题。"))
    return n


# --- club care: greetings and events (R-FB-8) -----------------------------------------------


# A greeting missed because the job did not run that day (beat or worker down) is still sent
# on the following days, up to this many days late; never twice (unique per customer and key).
GREETING_CATCH_UP_DAYS = 3


@transaction.atomic
def _greet(customers, *, kind: str, key: str, body: str, today) -> int:
    """Greet each customer once per key: the unique Greeting rows and their SMS are written in
    one transaction (the SMS through the outbox, sent after commit, one row per phone and key),
    so two runs at the same time queue one message per customer and the gateway is called once."""
    rows = list(
        customers.exclude(Exists(Greeting.objects.filter(customer_id=OuterRef("pk"), key=key)))
        .order_by("pk")  # the same order in every run: concurrent inserts cannot deadlock
        .values_list("pk", "project_id", "phone", "name")
    )
    if not rows:
        return 0
    Greeting.objects.bulk_create(
        [
            Greeting(project_id=p, customer_id=c, kind=kind, key=key, sent_on=today)
            for c, p, _ph, _n in rows
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    by_project = defaultdict(list)
    for cid, pid, phone, name in rows:
        by_project[pid].append((phone, body % {"name": name}, f"feedback:greeting:{key}:{cid}"))
    for pid, messages in by_project.items():
        send_sms_many(messages=messages, project_id=pid)
    return len(rows)


def _born_on(day: datetime.date) -> Q:
    """Members whose birthday is on ``day`` (29 February birthdays on 28 February in other
    years)."""
    q = Q(birthday__month=day.month, birthday__day=day.day)
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        q |= Q(birthday__month=2, birthday__day=29)
    return q


def greetings_send(*, today: datetime.date | None = None) -> dict:
    """Daily (R-JOB-5): birthday greetings to club members born on this day (29 February
    birthdays on 28 February in other years) and holiday greetings on each active holiday;
    once per customer per year and holiday. It catches up on what is due rather than on "now":
    the birthdays and holidays of the last GREETING_CATCH_UP_DAYS days not greeted yet (a day
    the job did not run) are greeted too."""
    today = today or timezone.localdate()
    members = Customer.objects.filter(is_club_member=True)
    days = [today - datetime.timedelta(days=n) for n in range(GREETING_CATCH_UP_DAYS, -1, -1)]
    counts = {"birthday": 0, "holiday": 0}
    for day in days:
        counts["birthday"] += _greet(
            members.filter(_born_on(day)),
            kind=Greeting.Kind.BIRTHDAY,
            key=f"birthday:{day.year}",
            body=_("尊敬的%(name)s，祝您生日快乐！——客户俱乐部"),
            today=today,
        )
        for holiday in Holiday.objects.filter(is_active=True, month=day.month, day=day.day):
            counts["holiday"] += _greet(
                members,
                kind=Greeting.Kind.HOLIDAY,
                key=f"holiday:{holiday.pk}:{day.year}",
                body="%(name)s，" + holiday.greeting.replace("%", "%%"),
                today=today,
            )
    return counts


@transaction.atomic
def club_event_register(*, event: ClubEvent, customer) -> ClubEventAttendee:
    """Register a customer of the event's project; the capacity is respected (idempotent)."""
    event = ClubEvent.objects.select_for_update().get(pk=event.pk)
    if customer.project_id != event.project_id:
        raise DomainError(_("客户不属于该项目。"))
    existing = ClubEventAttendee.objects.filter(event=event, customer=customer).first()
    if existing:
        return existing
    if event.capacity and event.attendees.count() >= event.capacity:
        raise DomainError(_("活动名额已满。"))
    return ClubEventAttendee.objects.create(event=event, customer=customer)


@transaction.atomic
def club_event_mark_attended(*, attendee: ClubEventAttendee, attended: bool = True):
    attendee = ClubEventAttendee.objects.select_for_update().get(pk=attendee.pk)
    if attendee.attended != attended:
        attendee.attended = attended
        attendee.save(update_fields=["attended"])
    return attendee


@transaction.atomic
def club_event_create(
    *,
    project,
    title: str,
    starts_at: datetime.datetime,
    place: str = "",
    capacity: int | None = None,
    description: str = "",
) -> ClubEvent:
    return ClubEvent.objects.create(
        project=project,
        title=title.strip(),
        starts_at=starts_at,
        place=place,
        capacity=capacity,
        description=description,
    )


# --- defect feedback (R-FB-11) and loyalty (R-FB-12) ----------------------------------------


@transaction.atomic
def patrol_record(
    *,
    project,
    category: str,
    finding: str,
    user=None,
    building=None,
    area: str = "",
    patrolled_on: datetime.date | None = None,
) -> AmbassadorPatrol:
    """Record a finding of a customer ambassador's half-month patrol."""
    if not finding.strip():
        raise DomainError(_("请填写发现的问题。"))
    if building is not None and building.project_id != project.pk:
        raise DomainError(_("楼栋不属于该项目。"))
    if building is None and not area.strip():
        raise DomainError(_("请指定楼栋或区域。"))
    return AmbassadorPatrol.objects.create(
        project=project,
        ambassador=user,
        building=building,
        area=area.strip(),
        patrolled_on=patrolled_on or timezone.localdate(),
        category=category,
        finding=finding.strip(),
    )


def active_reward(kind: str) -> RewardRule | None:
    return RewardRule.objects.filter(kind=kind, is_active=True).order_by("pk").first()


@transaction.atomic
def referral_record(*, project, referrer, referred_name: str, referred_phone: str = "") -> Referral:
    """An owner refers a prospective buyer (R-FB-12). The referrer is an owner of any of our
    projects; the referral is recorded on the project the buyer is interested in."""
    if not referred_name.strip():
        raise DomainError(_("请填写被推荐人姓名。"))
    if not Purchase.objects.filter(customer=referrer, is_active=True).exists():
        raise DomainError(_("推荐人须为已购房的老业主。"))
    return Referral.objects.create(
        project=project,
        referrer=referrer,
        referred_name=referred_name.strip(),
        referred_phone=referred_phone.strip(),
    )


@transaction.atomic
def referral_mark_signed(*, referral: Referral, purchase, on: datetime.date | None = None):
    """The referred buyer signed: the active referral reward is granted to the referrer
    (default: one year of management fee waived)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status == Referral.Status.SIGNED:
        raise DomainError(_("该推荐已成交。"))
    if purchase.project_id != referral.project_id:
        raise DomainError(_("成交记录不属于该项目。"))
    if Referral.objects.filter(purchase=purchase).exists():
        raise DomainError(_("该成交记录已关联其他推荐。"))
    rule = active_reward(RewardRule.Kind.REFERRAL)
    referral.purchase = purchase
    referral.status = Referral.Status.SIGNED
    referral.signed_on = on or purchase.signed_on or timezone.localdate()
    referral.reward_rule = rule
    referral.reward = rule.describe() if rule else ""
    referral.save(update_fields=["purchase", "status", "signed_on", "reward_rule", "reward"])
    return referral


@transaction.atomic
def repeat_purchase_record(*, purchase) -> RepeatPurchase:
    """Record a repeat purchase: the buyer (matched by ID number) bought from us before; the
    active repeat reward applies (default: 1 % discount)."""
    customer = purchase.customer
    if RepeatPurchase.objects.filter(purchase=purchase).exists():
        raise DomainError(_("该购房记录已登记为再次购房。"))
    previous = (
        Purchase.objects.filter(customer__id_number=customer.id_number)
        .exclude(pk=purchase.pk)
        .exclude(signed_on__gt=purchase.signed_on or timezone.localdate())
        .order_by("signed_on", "pk")
        .first()
        if customer.id_number
        else None
    )
    if previous is None:
        raise DomainError(_("未找到该客户以前的购房记录（按证件号码匹配）。"))
    rule = active_reward(RewardRule.Kind.REPEAT)
    return RepeatPurchase.objects.create(
        project_id=purchase.project_id,
        purchase=purchase,
        previous_purchase=previous,
        reward_rule=rule,
        discount_percent=rule.discount_percent if rule else None,
        reward=rule.describe() if rule else "",
    )
