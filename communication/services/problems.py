"""Problems raised in communication (R-COM-3): created with their due date, escalated,
resolved and reassigned; state changes go through the core workflow engine
(``Problem.TRANSITIONS``, ``salesite.workflow.transition``) and every move leaves a ProblemEvent."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communication import selectors
from communication.exceptions import DomainError, InvalidTransition
from communication.models import (
    CommunicationLevel,
    CommunicationRecord,
    Problem,
    ProblemEvent,
)
from communication.periods import (
    Period,
    local_date,
    period_of,
)
from salesite.models import Notification, Project, ProjectMembership
from salesite.notifications import notify, notify_many
from salesite.workflow import can_transition, transition


def _now(now=None) -> datetime.datetime:
    return now or timezone.now()


def default_due_date(level: CommunicationLevel, day: datetime.date) -> datetime.date:
    """Daily level: the same local day (R-COM-3); otherwise the end of the level's period."""
    return period_of(level.period, day)[1]


# --- problems -----------------------------------------------------------------------------


def _event(problem, kind=None, *, user, now, **kwargs) -> ProblemEvent:
    """A history row that records no state change (created, carried forward, reassigned…)."""
    return ProblemEvent.objects.create(problem=problem, kind=kind, by=user, at=now, **kwargs)


@transaction.atomic
def problem_create(
    *,
    project: Project,
    level: CommunicationLevel,
    owner,
    title: str,
    user,
    record: CommunicationRecord | None = None,
    due_date: datetime.date | None = None,
    description: str = "",
    developer_owner: ProjectMembership | None = None,
    now=None,
) -> Problem:
    now = _now(now)
    if not level.takes_problems:
        raise DomainError(_("周志/月志不登记问题。"))
    if developer_owner is not None and developer_owner.project_id != project.pk:
        raise DomainError(_("地产方责任人必须是本项目的成员。"))
    day = record.held_on if record else local_date(now)
    if level.period == Period.DAY or due_date is None:
        due_date = default_due_date(level, day)
    problem = Problem.objects.create(
        project=project,
        level=level,
        raised_in=record,
        title=title.strip(),
        description=description,
        owner=owner,
        developer_owner=developer_owner,
        due_date=due_date,
        created_by=user,
    )
    _event(
        problem,
        ProblemEvent.Kind.CREATED,
        user=user,
        now=now,
        to_level=level,
        to_owner=owner,
        record=record,
        to_status=Problem.Status.OPEN,
    )
    return problem


def _lock(problem: Problem) -> Problem:
    return (
        Problem.objects.select_for_update(of=("self",))
        .select_related("level", "project")
        .get(pk=problem.pk)
    )


@transaction.atomic
def problem_escalate(
    *, problem: Problem, to_level: CommunicationLevel, reason: str, user, now=None
) -> Problem:
    """Move an unsolved problem up to the next or any higher level of its kind; it goes on
    that level's agenda, and the leaders of that level are told at once."""
    now = _now(now)
    p = _lock(problem)
    if not p.is_open:
        raise InvalidTransition(_("已解决的问题不能再升级。"))
    if not to_level.is_active:
        raise InvalidTransition(_("目标层级已停用。"))
    if to_level.kind != p.level.kind or to_level.rank <= p.level.rank:
        raise InvalidTransition(_("只能升级到比“%(level)s”更高的层级。") % {"level": p.level})
    if not reason.strip():
        raise DomainError(_("请填写升级原因。"))
    from_level = p.level
    today = local_date(now)
    p.level = to_level
    p.escalated_at = now
    p.due_date = max(p.due_date, default_due_date(to_level, today))
    p.overdue_since = None
    moved = ["level", "escalated_at", "due_date", "overdue_since"]
    history = {"kind": ProblemEvent.Kind.ESCALATED, "from_level": from_level, "to_level": to_level}
    if p.status == Problem.Status.ESCALATED:
        # Escalated again: a level change, not a state change.
        p.save(update_fields=[*moved, "updated_at"])
        event = _event(p, user=user, now=now, note=reason.strip(), **history)
    else:
        event = transition(
            p,
            Problem.Status.ESCALATED,
            by=user,
            note=reason.strip(),
            at=now,
            fields=moved,
            history=history,
        )
    leaders = selectors.users_with_roles(
        p.project, [to_level.property_role_id, to_level.developer_role_id]
    )
    notify_many(
        recipients=[u for u in leaders if u.pk != getattr(user, "pk", None)] or leaders,
        title=_("问题升级至%(level)s：%(title)s") % {"level": to_level, "title": p.title},
        body=_("由%(from)s升级。原因：%(reason)s") % {"from": from_level, "reason": reason},
        url=p.get_absolute_url(),
        project=p.project,
        level=Notification.Level.ESCALATION,
        dedupe_key=f"com-escalated:{event.pk}",
    )
    return p


def problem_escalate_now(*, problem: Problem, user, reason: str = "", now=None) -> Problem:
    """The one-tap escalation of R-COM-1: an unsolved problem goes to the default next level
    (for the daily level, the weekly one: each side's leader) at once."""
    target = selectors.default_escalation_target(problem.level)
    if target is None:
        raise InvalidTransition(_("“%(level)s”已是最高层级。") % {"level": problem.level})
    return problem_escalate(
        problem=problem,
        to_level=target,
        reason=reason.strip() or _("当日未能解决，立即上报双方领导。"),
        user=user,
        now=now,
    )


@transaction.atomic
def problem_resolve(*, problem: Problem, resolution: str, user, now=None) -> Problem:
    now = _now(now)
    p = _lock(problem)
    if not resolution.strip() and can_transition(p, Problem.Status.RESOLVED):
        raise DomainError(_("请填写处理结果。"))
    p.resolved_at = now
    p.resolution = resolution.strip()
    transition(
        p,
        Problem.Status.RESOLVED,
        by=user,
        note=p.resolution,
        at=now,
        fields=["resolved_at", "resolution"],
        history={"kind": ProblemEvent.Kind.RESOLVED},
    )
    return p


@transaction.atomic
def problem_reassign(
    *, problem: Problem, owner, user, developer_owner=None, note: str = "", now=None
) -> Problem:
    now = _now(now)
    p = _lock(problem)
    if not p.is_open:
        raise InvalidTransition(_("已解决的问题不能变更责任人。"))
    if not ProjectMembership.objects.filter(project=p.project, user=owner, is_active=True).exists():
        raise DomainError(_("责任人必须是本项目的成员。"))
    if developer_owner is not None and developer_owner.project_id != p.project_id:
        raise DomainError(_("地产方责任人必须是本项目的成员。"))
    if p.owner_id == owner.pk and p.developer_owner_id == getattr(developer_owner, "pk", None):
        return p
    from_owner = p.owner
    p.owner = owner
    p.developer_owner = developer_owner
    p.save(update_fields=["owner", "developer_owner", "updated_at"])
    _event(
        p,
        ProblemEvent.Kind.REASSIGNED,
        user=user,
        now=now,
        from_owner=from_owner,
        to_owner=owner,
        note=note,
    )
    notify(
        recipient=owner,
        title=_("您被指定为问题责任人：%(title)s") % {"title": p.title},
        url=p.get_absolute_url(),
        project=p.project,
        dedupe_key=f"com-reassigned:{p.pk}:{owner.pk}:{now.isoformat()}",
    )
    return p
