"""Writes of a callback: its outcome, score and follow-up complaint, its assignee (R-FB-6)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.notifications import notify_many
from salesite.workflow import transition

from ..exceptions import CallbackClosed, DomainError
from ..models import (
    CallbackAttempt,
    CallbackReassignment,
    CallbackStatus,
    CallbackTask,
    CaseKind,
    Channel,
    ComplaintCategory,
    Question,
    RuleCode,
    SurveyLink,
)
from ..selectors import active_member_project_ids, questions_for
from .cases import case_create
from .steps import tick_step

# The channel of the follow-up case opened by a dissatisfied answer, by the attempt's channel.
CASE_CHANNEL = {
    CallbackAttempt.Channel.PHONE: Channel.CALL,
    CallbackAttempt.Channel.SURVEY: Channel.SURVEY,
    CallbackAttempt.Channel.OWNER: Channel.OWNER,
}


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


@transaction.atomic
def callback_record_outcome(
    *,
    task: CallbackTask,
    reached: bool,
    user=None,
    answers: dict | None = None,
    note: str = "",
    now: datetime.datetime | None = None,
    channel: str = CallbackAttempt.Channel.PHONE,
    rating: int | None = None,
) -> CallbackTask:
    """Record one call: not reached → retry until the maximum of attempts; reached → answers,
    score, and a follow-up complaint for a dissatisfied answer (R-FB-6).

    ``channel``: how the answers came (a phone call, or the owner's survey by SMS link); the
    follow-up complaint of a dissatisfied answer carries the matching case channel.
    ``rating``: one overall 1–5 score given instead of the questionnaire (the owner's rating
    of a repair on the owner portal); it is the score, and 2 or less is dissatisfied."""
    now = now or timezone.now()
    task = (
        CallbackTask.objects.select_for_update(of=("self",))
        .select_related("customer", "rule")
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
        channel=channel,
    )
    if not reached:
        if task.attempts >= task.rule.max_attempts:
            task.completed_at = now
            transition(
                task, CallbackStatus.DONE, by=user, at=now, fields=["attempts", "completed_at"]
            )
            _revoke_survey_links(task, now)
        elif task.status == CallbackStatus.NOT_REACHED:
            task.save(update_fields=["attempts"])  # still not reached: one more attempt
        else:
            transition(task, CallbackStatus.NOT_REACHED, by=user, at=now, fields=["attempts"])
        return task
    answers = {str(k): v for k, v in (answers or {}).items()}
    questions = questions_for(task.rule)
    if rating is not None:
        if not 1 <= int(rating) <= 5:
            raise DomainError(_("评分须在 1–5 之间。"))
        task.score, task.dissatisfied = Decimal(int(rating)).quantize(Decimal("0.01")), rating <= 2
    else:
        task.score, task.dissatisfied = score_answers(questions, answers)
    task.answers = answers
    task.completed_at = now
    transition(
        task,
        CallbackStatus.REACHED,
        by=user,
        at=now,
        fields=["attempts", "answers", "score", "dissatisfied", "completed_at"],
    )
    _revoke_survey_links(task, now, user)
    _tick_for_callback(task, now, user, channel)
    if task.dissatisfied:
        bad = [q.text for q in questions if _is_bad(q, answers.get(str(q.pk)))]
        if rating is not None:
            bad = [_("业主评分 %(n)s 分") % {"n": rating}]
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
            channel=CASE_CHANNEL.get(channel, Channel.CALL),
            source_callback=task,
            now=now,
        )
    return task


def _revoke_survey_links(task, now, user=None) -> None:
    """A closed callback cannot be answered by a survey link any more (audited)."""
    from salesite.audit_bulk import bulk_update_audited

    bulk_update_audited(
        SurveyLink.objects.filter(task=task, used_at__isnull=True, revoked_at__isnull=True),
        actor=user,
        revoked_at=now,
    )


def _is_bad(q, raw) -> bool:
    if raw in (None, ""):
        return False
    if q.kind == Question.Kind.SCALE:
        return int(raw) <= 2
    if q.kind == Question.Kind.YES_NO:
        return raw not in (True, "yes", "true", "1", 1)
    return False


# How the callback reached the owner, as the 6+2 record's channel (R-FB-9).
STEP_CHANNEL_OF_CALLBACK = {
    CallbackAttempt.Channel.PHONE: "phone",
    CallbackAttempt.Channel.SURVEY: "sms",
    CallbackAttempt.Channel.OWNER: "system",
}


def _tick_for_callback(task, now, user=None, channel=CallbackAttempt.Channel.PHONE) -> None:
    code = {
        RuleCode.RESIDENCE_3M: "callback_3m",
        RuleCode.QUALITY_1Y: "check_1y",
    }.get(task.rule, "continuous_feedback")
    tick_step(
        customer=task.customer,
        action_code=code,
        on=timezone.localtime(now).date(),
        source=f"callback:{task.pk}",
        by=user,
        channel=STEP_CHANNEL_OF_CALLBACK.get(channel, "system"),
    )


@transaction.atomic
def callback_assign(*, task: CallbackTask, assignee) -> CallbackTask:
    """Set the assignee without a history row (generation and admin); staff pages reassign
    through ``callback_reassign``."""
    task = CallbackTask.objects.select_for_update().get(pk=task.pk)
    task.assigned_to = assignee
    task.save(update_fields=["assigned_to"])
    return task


# At most one list page of tasks per bulk reassignment (the list shows 25 rows a page).
REASSIGN_BULK_MAX = 100


@dataclass
class ReassignReport:
    """What a reassignment changed: the history rows made and the tasks already the
    assignee's (left as they were)."""

    assignee: object
    changed: list = field(default_factory=list)  # CallbackReassignment rows
    unchanged: list = field(default_factory=list)  # CallbackTask rows


def callback_reassign(
    *, task: CallbackTask, assignee, reason: str, user=None, now=None
) -> ReassignReport:
    """Give one callback task to another member of its project, keeping the reason (R-FB-6)."""
    return callback_reassign_bulk(
        task_ids=[task.pk], assignee=assignee, reason=reason, user=user, now=now
    )


@transaction.atomic
def callback_reassign_bulk(
    *, task_ids, assignee, reason: str, user=None, now=None
) -> ReassignReport:
    """Give several callback tasks to ``assignee``, all or nothing (R-FB-6).

    The tasks are locked; any closed task, or a task of a project where ``assignee`` is not an
    active member, refuses the whole batch (DomainError, nothing written). Tasks already the
    assignee's are reported unchanged. One history row per changed task, and one notification
    to the assignee per reassignment (a single task's page, or the list for several).
    Per task only its save and its audit row (the audit trail reads the row before)
    are queries of their own."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    ids = sorted({int(pk) for pk in task_ids})
    if not ids:
        raise DomainError(_("请先选择要改派的回访任务。"))
    if len(ids) > REASSIGN_BULK_MAX:
        raise DomainError(_("一次最多改派 %(n)s 条回访任务。") % {"n": REASSIGN_BULK_MAX})
    if not reason:
        raise DomainError(_("请填写改派原因。"))
    if assignee is None:
        raise DomainError(_("请选择新的回访人。"))
    tasks = list(
        CallbackTask.objects.select_for_update(of=("self",))
        .select_related("project", "customer", "assigned_to", "rule")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(tasks) != len(ids):
        raise DomainError(_("所选回访任务不存在或已被删除。"))
    closed = [t for t in tasks if not t.is_open]
    if closed:
        raise CallbackClosed(
            _("以下回访任务已结束，不能改派：%(tasks)s。")
            % {"tasks": "、".join(_task_label(t) for t in closed)}
        )
    member_of = active_member_project_ids(assignee)
    outside = sorted({t.project.name for t in tasks if t.project_id not in member_of})
    if outside:
        raise DomainError(
            _("%(user)s 不是项目“%(projects)s”的在岗成员，不能接收回访任务。")
            % {"user": _user_label(assignee), "projects": "、".join(outside)}
        )
    report = ReassignReport(assignee=assignee)
    rows = []
    for t in tasks:
        if t.assigned_to_id == assignee.pk:
            report.unchanged.append(t)
            continue
        rows.append(
            CallbackReassignment(
                task=t,
                from_user=t.assigned_to,
                to_user=assignee,
                by=user,
                at=now,
                reason=reason[:200],
            )
        )
        t.assigned_to = assignee
        t.save(update_fields=["assigned_to"])  # one by one: each change is in the audit trail
    report.changed = CallbackReassignment.objects.bulk_create(rows)
    if rows:
        _notify_reassigned(report, user)
    return report


def _notify_reassigned(report: ReassignReport, user) -> None:
    changed = report.changed
    first = changed[0]
    if len(changed) == 1:
        task = first.task
        title = _("改派给您的回访任务：%(rule)s · %(customer)s（期限 %(due)s）") % {
            "rule": task.get_rule_display(),
            "customer": task.customer.name,
            "due": task.due_date,
        }
        url = task.get_absolute_url()
    else:
        title = _("%(n)s 条回访任务已改派给您") % {"n": len(changed)}
        url = reverse("feedback:callback_list") + "?mine=true&status=pending"
    projects = {r.task.project_id: r.task.project for r in changed}
    notify_many(
        recipients=[report.assignee],
        title=title,
        body=_("改派人：%(by)s；原因：%(reason)s")
        % {"by": _user_label(user) if user else _("系统"), "reason": first.reason},
        url=url,
        project=next(iter(projects.values())) if len(projects) == 1 else None,
        dedupe_key=f"feedback:callback-reassign:{first.pk}",
    )


def _task_label(task) -> str:
    return f"{task.customer.name}（{task.get_rule_display()}，{task.due_date}）"


def _user_label(user) -> str:
    return str(user) if user else ""
