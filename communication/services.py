"""Writes of the communication app: one function per use case. Records carry forward the
open problems of their level (R-COM-3); problem moves are checked against the transitions
table, saved with ``update_fields`` and leave a ProblemEvent; the scheduled jobs (R-JOB-1)
take ``now`` as a parameter and are idempotent."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communication import selectors
from communication.exceptions import ConcurrentEdit, DomainError, InvalidTransition
from communication.models import (
    CommunicationLevel,
    CommunicationRecord,
    ComplianceBreach,
    MinutesRecipient,
    Problem,
    ProblemEvent,
)
from communication.periods import (
    Period,
    local_date,
    period_label,
    period_of,
    periods_between,
    reminder_moment,
)
from salesite.jobs import record_run
from salesite.models import Notification, Project, ProjectMembership, Role
from salesite.notifications import notify, notify_many

RECORD_FIELDS = {
    "place",
    "department",
    "other_participants",
    "topics",
    "decisions",
    "summary",
    "feedback",
    "next_plan",
}
# Closed periods looked at by the overdue job: a missed run is caught up on the next one.
BREACH_LOOKBACK_DAYS = 7


def _now(now=None) -> datetime.datetime:
    return now or timezone.now()


def default_due_date(level: CommunicationLevel, day: datetime.date) -> datetime.date:
    """Daily level: the same local day (R-COM-3); otherwise the end of the level's period."""
    return period_of(level.period, day)[1]


# --- records ------------------------------------------------------------------------------


def _check_participants(project, participants) -> list:
    participants = list(participants)
    if any(m.project_id != project.pk for m in participants):
        raise DomainError(_("参加人员必须是本项目的成员。"))
    return participants


def _distribute(record, users, *, user) -> int:
    """Add people to the minutes' distribution list and send them the minutes once."""
    existing = set(record.recipients.values_list("user_id", flat=True))
    new = [u for u in {u.pk: u for u in users}.values() if u.pk not in existing]
    if not new:
        return 0
    MinutesRecipient.objects.bulk_create(
        [MinutesRecipient(record=record, user=u) for u in new], ignore_conflicts=True
    )
    notify_many(
        recipients=new,
        title=_("%(project)s %(level)s纪要（%(day)s）请查阅并确认收到")
        % {"project": record.project, "level": record.level, "day": record.held_on},
        body=record.decisions or record.topics,
        url=record.get_absolute_url(),
        project=record.project,
        dedupe_key=f"com-minutes:{record.pk}",
    )
    return len(new)


@transaction.atomic
def record_create(
    *,
    project: Project,
    level: CommunicationLevel,
    user,
    held_at: datetime.datetime,
    participants: Iterable = (),
    recipients: Iterable = (),
    problems: Iterable[dict] = (),
    **fields,
) -> CommunicationRecord:
    """Save a record; put the level's open problems on its agenda (carried forward) and
    register the new problems raised in it."""
    unknown = set(fields) - RECORD_FIELDS
    if unknown:
        raise TypeError(f"unknown record fields: {sorted(unknown)}")
    if not level.is_active:
        raise DomainError(_("该沟通层级已停用。"))
    if not level.has_next_plan:
        fields["next_plan"] = ""
    record = CommunicationRecord(
        project=project, level=level, held_at=held_at, created_by=user, **fields
    )
    record.save()
    record.participants.set(_check_participants(project, participants))

    # Carry forward: what is still open at this level is discussed in this record.
    agenda = list(selectors.agenda_for(project, level).values_list("pk", flat=True))
    if agenda:
        record.agenda.add(*agenda)
        now = _now()
        ProblemEvent.objects.bulk_create(
            [
                ProblemEvent(
                    problem_id=p,
                    kind=ProblemEvent.Kind.CARRIED_FORWARD,
                    to_level=level,
                    record=record,
                    actor=user,
                    at=now,
                    note=_("列入%(day)s%(level)s议程") % {"day": record.held_on, "level": level},
                )
                for p in agenda
            ]
        )
    for data in problems:
        problem_create(project=project, level=level, record=record, user=user, **data)
    if level.uses_minutes:
        _distribute(record, recipients, user=user)
    return record


@transaction.atomic
def record_update(
    *,
    record: CommunicationRecord,
    user,
    version: int,
    held_at: datetime.datetime,
    participants: Iterable = (),
    recipients: Iterable = (),
    problems: Iterable[dict] = (),
    **fields,
) -> CommunicationRecord:
    """Edit a record; refused if someone saved it since ``version`` was read."""
    unknown = set(fields) - RECORD_FIELDS
    if unknown:
        raise TypeError(f"unknown record fields: {sorted(unknown)}")
    locked = CommunicationRecord.objects.select_for_update().get(pk=record.pk)
    if locked.version != version:
        raise ConcurrentEdit(_("该记录已被他人修改，请刷新后重新填写。"))
    if not locked.level.has_next_plan:
        fields["next_plan"] = ""
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.held_at = held_at
    locked.version = version + 1
    locked.save()
    locked.participants.set(_check_participants(locked.project, participants))
    for data in problems:
        problem_create(project=locked.project, level=locked.level, record=locked, user=user, **data)
    if locked.level.uses_minutes:
        wanted = {u.pk for u in recipients}
        # Whoever already confirmed receipt stays on the list.
        locked.recipients.filter(acknowledged_at__isnull=True).exclude(user_id__in=wanted).delete()
        _distribute(locked, recipients, user=user)
    return locked


@transaction.atomic
def minutes_acknowledge(*, record: CommunicationRecord, user, now=None) -> MinutesRecipient:
    """A recipient confirms receipt of the minutes; a second confirmation changes nothing."""
    row = MinutesRecipient.objects.select_for_update().filter(record=record, user=user).first()
    if row is None:
        raise DomainError(_("您不在本纪要的分发名单中。"))
    if row.acknowledged_at is None:
        row.acknowledged_at = _now(now)
        row.save(update_fields=["acknowledged_at"])
    return row


# --- problems -----------------------------------------------------------------------------


def _event(problem, kind, *, user, now, **kwargs) -> ProblemEvent:
    return ProblemEvent.objects.create(problem=problem, kind=kind, actor=user, at=now, **kwargs)


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
    p.status = Problem.Status.ESCALATED
    p.escalated_at = now
    p.due_date = max(p.due_date, default_due_date(to_level, today))
    p.overdue_since = None
    p.save(
        update_fields=["level", "status", "escalated_at", "due_date", "overdue_since", "updated_at"]
    )
    event = _event(
        p,
        ProblemEvent.Kind.ESCALATED,
        user=user,
        now=now,
        from_level=from_level,
        to_level=to_level,
        note=reason.strip(),
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
    if not p.can_move_to(Problem.Status.RESOLVED):
        raise InvalidTransition(_("该问题已解决，不能重复解决。"))
    if not resolution.strip():
        raise DomainError(_("请填写处理结果。"))
    p.status = Problem.Status.RESOLVED
    p.resolved_at = now
    p.resolution = resolution.strip()
    p.save(update_fields=["status", "resolved_at", "resolution", "updated_at"])
    _event(p, ProblemEvent.Kind.RESOLVED, user=user, now=now, note=p.resolution)
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


# --- scheduled jobs (R-JOB-1) -------------------------------------------------------------


def _users_by_project_role(project_ids, role_ids) -> dict[tuple[int, int], list]:
    out: dict[tuple[int, int], list] = defaultdict(list)
    role_ids = {r for r in role_ids if r}
    if not role_ids:
        return out
    rows = ProjectMembership.objects.filter(
        role_id__in=role_ids, is_active=True, user__isnull=False, user__is_active=True
    ).select_related("user")
    if project_ids is not None:
        rows = rows.filter(project_id__in=project_ids)
    for m in rows:
        out[(m.project_id, m.role_id)].append(m.user)
    return out


def communication_send_reminders(*, now=None) -> dict:
    """Remind the responsible role of every project and level that, past the level's reminder
    time, still has fewer records than required in the current period. One notification per
    (level, project, period): a second run sends nothing."""
    now = _now(now)
    with record_run("communication_send_reminders") as counts:
        counts.update(levels_due=0, missing=0, notified=0)
        today = local_date(now)
        due = []
        for lv in selectors.active_levels():
            start, end = period_of(lv.period, today)
            if now >= reminder_moment(lv, start, end):
                due.append((lv, start, end))
        counts["levels_due"] = len(due)
        if not due:
            return counts
        projects = list(Project.objects.only("pk", "name").order_by("pk"))
        record_counts = selectors.record_counts(None, [d[0] for d in due], today, today)
        users = _users_by_project_role(None, [lv.property_role_id for lv, _s, _e in due])
        for project in projects:
            for lv, start, end in due:
                if record_counts.get((project.pk, lv.pk, start), 0) >= lv.min_count:
                    continue
                counts["missing"] += 1
                created = notify_many(
                    recipients=users.get((project.pk, lv.property_role_id), []),
                    title=_("%(project)s：%(period)s的%(level)s尚未完成")
                    % {"project": project, "period": period_label(lv.period, start), "level": lv},
                    body=_("请在 %(end)s 前完成并录入记录（每周期至少 %(n)s 次）。")
                    % {"end": end, "n": lv.min_count},
                    url=reverse("communication:record_create_for", args=[project.pk])
                    + f"?level={lv.code}",
                    project=project,
                    level=Notification.Level.REMINDER,
                    dedupe_key=f"com-remind:{lv.code}:{project.pk}:{start.isoformat()}",
                )
                counts["notified"] += len(created)
    return counts


def communication_mark_overdue(*, now=None) -> dict:
    """After a period ends without enough records, mark it overdue (one row per project,
    level and period) and tell the responsible role and the centre head once."""
    now = _now(now)
    with record_run("communication_mark_overdue") as counts:
        counts.update(checked=0, marked=0, notified=0)
        today = local_date(now)
        yesterday = today - datetime.timedelta(days=1)
        window_start = today - datetime.timedelta(days=BREACH_LOOKBACK_DAYS)
        levels = selectors.active_levels()
        projects = list(Project.objects.only("pk", "created_at"))
        record_counts = selectors.record_counts(None, levels, window_start, yesterday)
        rows = []
        for project in projects:
            since = local_date(project.created_at)
            for lv in levels:
                for start, end in periods_between(lv.period, window_start, yesterday):
                    if end >= today or start < since:
                        continue
                    counts["checked"] += 1
                    n = record_counts.get((project.pk, lv.pk, start), 0)
                    if n < lv.min_count:
                        rows.append(
                            ComplianceBreach(
                                project=project,
                                level=lv,
                                period_start=start,
                                period_end=end,
                                required=lv.min_count,
                                actual=n,
                            )
                        )
        ComplianceBreach.objects.bulk_create(rows, ignore_conflicts=True)
        counts["marked"], counts["notified"] = _notify_breaches(now)
    return counts


def _notify_breaches(now) -> tuple[int, int]:
    """Notify every breach not yet notified; returns (breaches, notifications)."""
    pending = list(
        ComplianceBreach.objects.filter(notified_at__isnull=True).select_related("project", "level")
    )
    if not pending:
        return 0, 0
    centre_head = Role.objects.filter(code="centre_head").values_list("pk", flat=True).first()
    users = _users_by_project_role(
        {b.project_id for b in pending}, {b.level.property_role_id for b in pending} | {centre_head}
    )
    sent = 0
    for b in pending:
        recipients = users.get((b.project_id, b.level.property_role_id), []) + users.get(
            (b.project_id, centre_head), []
        )
        sent += len(
            notify_many(
                recipients=recipients,
                title=_("%(project)s：%(period)s的%(level)s未按要求完成")
                % {
                    "project": b.project,
                    "period": period_label(b.level.period, b.period_start),
                    "level": b.level,
                },
                body=_("应有 %(required)s 次，实有 %(actual)s 次。")
                % {"required": b.required, "actual": b.actual},
                url=reverse("communication:compliance") + f"?project={b.project_id}",
                project=b.project,
                level=Notification.Level.OVERDUE,
                dedupe_key=f"com-overdue:{b.level.code}:{b.project_id}:{b.period_start}",
            )
        )
    ComplianceBreach.objects.filter(pk__in=[b.pk for b in pending]).update(notified_at=now)
    return len(pending), sent


def communication_mark_problems_overdue(*, now=None) -> dict:
    """Mark unresolved problems past their due date once, with a history row, and tell the
    owner once."""
    now = _now(now)
    with record_run("communication_mark_problems_overdue") as counts:
        today = local_date(now)
        problems = list(
            Problem.objects.overdue(today)
            .filter(overdue_since__isnull=True)
            .select_related("owner", "project")
        )
        counts.update(marked=0, notified=0)
        if not problems:
            return counts
        with transaction.atomic():
            marked = Problem.objects.filter(
                pk__in=[p.pk for p in problems], overdue_since__isnull=True
            ).update(overdue_since=now)
            ProblemEvent.objects.bulk_create(
                [
                    ProblemEvent(
                        problem=p,
                        kind=ProblemEvent.Kind.OVERDUE,
                        at=now,
                        note=_("已超过完成期限 %(due)s") % {"due": p.due_date},
                    )
                    for p in problems
                ]
            )
        counts["marked"] = marked
        for p in problems:
            if notify(
                recipient=p.owner,
                title=_("问题已逾期：%(title)s") % {"title": p.title},
                body=_("完成期限 %(due)s") % {"due": p.due_date},
                url=p.get_absolute_url(),
                project=p.project,
                level=Notification.Level.OVERDUE,
                dedupe_key=f"com-problem-overdue:{p.pk}:{p.due_date}",
            ):
                counts["notified"] += 1
    return counts
