"""Writes of the feedback app: one function per use case (STYLE §1).

Other apps call these explicitly (no signals):
- ``record_handover(customer=, unit=, handover_date=)`` when a customer takes handover; it starts
  the delivery, 3-month and 1-year callbacks and ticks the 6+2 step 恭迎乔迁.
- ``tick_step(customer=, action_code=, on=, source=)`` when a workflow performs a 6+2 action
  (e.g. a progress notice → ``"progress_notice"``); idempotent.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.models import Notification, ProjectMembership, Purchase
from salesite.notifications import notify_many

from . import deadlines
from .exceptions import CallbackClosed, CaseNotReplied, DomainError, InvalidTransition
from .models import (
    AmbassadorAssignment,
    BreachKind,
    CallbackAttempt,
    CallbackRule,
    CallbackStatus,
    CallbackTask,
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    ComplaintCategory,
    CustomerStepRecord,
    DeadlineBreach,
    HandoverFact,
    Question,
    StepAction,
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


def callbacks_generate(*, today: datetime.date | None = None) -> dict:
    """Generate the callback tasks of every rule (R-JOB-3). Bulk, idempotent: a second run the
    same day creates nothing. A few queries per rule, none per customer."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    prev_month = deadlines.add_months(this_month, -1)
    period = f"{prev_month:%Y-%m}"
    counts: dict[str, int] = {}

    # Sales service: everyone who signed last month, due on the 1st of this month.
    rows = (
        Purchase.objects.filter(is_active=True, signed_on__gte=prev_month, signed_on__lt=this_month)
        .values_list("project_id", "customer_id", "unit__building_id")
        .order_by()
    )
    seen = {}
    for p, c, b in rows.iterator(chunk_size=5000):
        seen.setdefault((p, c), b)
    counts[CallbackRule.SALES] = _bulk_tasks(
        ((p, c, b, period, this_month, None) for (p, c), b in seen.items()), CallbackRule.SALES
    )

    facts = HandoverFact.objects.values_list(
        "pk", "project_id", "customer_id", "unit__building_id", "handover_date"
    ).order_by()
    # Delivery and concentrated rectification: handovers of last month.
    seen = {}
    for _pk, p, c, b, _d in facts.filter(
        handover_date__gte=prev_month, handover_date__lt=this_month
    ).iterator(chunk_size=5000):
        seen.setdefault((p, c), b)
    counts[CallbackRule.DELIVERY] = _bulk_tasks(
        ((p, c, b, period, this_month, None) for (p, c), b in seen.items()),
        CallbackRule.DELIVERY,
    )

    # 3 months and 1 year after handover, generated a week ahead of the due date.
    for rule, months in ((CallbackRule.RESIDENCE_3M, 3), (CallbackRule.QUALITY_1Y, 12)):
        latest = deadlines.add_months(today + LOOKAHEAD, -months)
        earliest = deadlines.add_months(today - CATCH_UP, -months)
        rows = facts.filter(handover_date__gt=earliest, handover_date__lte=latest)
        counts[rule] = _bulk_tasks(
            (
                (p, c, b, f"handover:{pk}", deadlines.add_months(d, months), None)
                for pk, p, c, b, d in rows.iterator(chunk_size=5000)
            ),
            rule,
        )

    # Repairs closed and rectifications completed recently (normally created at once by the
    # service; the job is the safety net).
    since = timezone.now() - CATCH_UP
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
    task = CallbackTask.objects.select_for_update().select_related("customer").get(pk=task.pk)
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
