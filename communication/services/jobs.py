"""The scheduled jobs of the communication app (R-JOB-1): reminders, overdue periods and
overdue problems. They take ``now`` as a parameter and are idempotent."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from communication import selectors
from communication.models import (
    ComplianceBreach,
    Problem,
    ProblemEvent,
)
from communication.periods import (
    local_date,
    period_label,
    period_of,
    periods_between,
    reminder_moment,
)
from communication.services.problems import _now
from salesite.audit_bulk import bulk_update_audited
from salesite.jobs import record_run
from salesite.models import Notification, Project, ProjectMembership
from salesite.notifications import notify, notify_each_once, notify_many

# Closed periods looked at by the overdue job: a missed run is caught up on the next one.
BREACH_LOOKBACK_DAYS = 7


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
        projects = list(Project.objects.only("pk", "name", "marketing_phase").order_by("pk"))
        record_counts = selectors.record_counts(None, [d[0] for d in due], today, today)
        users = _users_by_project_role(None, [lv.property_role_id for lv, _s, _e in due])
        for project in projects:
            for lv, start, end in due:
                if not lv.applies_to(project):
                    continue  # not in a phase where the level applies (R-COM-6)
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
        projects = list(Project.objects.only("pk", "created_at", "marketing_phase"))
        record_counts = selectors.record_counts(None, levels, window_start, yesterday)
        rows = []
        for project in projects:
            since = local_date(project.created_at)
            for lv in levels:
                if not lv.applies_to(project):
                    continue  # not in a phase where the level applies (R-COM-6)
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
    told = notify_each_once(
        ComplianceBreach.objects.filter(notified_at__isnull=True).select_related(
            "project", "level__property_role"
        ),
        # The level's responsible role, then the centre head.
        roles=lambda b: [
            *([b.level.property_role.code] if b.level.property_role_id else []),
            "centre_head",
        ],
        message=lambda b: {
            "title": _("%(project)s：%(period)s的%(level)s未按要求完成")
            % {
                "project": b.project,
                "period": period_label(b.level.period, b.period_start),
                "level": b.level,
            },
            "body": _("应有 %(required)s 次，实有 %(actual)s 次。")
            % {"required": b.required, "actual": b.actual},
            "url": reverse("communication:compliance") + f"?project={b.project_id}",
        },
        key=lambda b: f"com-overdue:{b.level.code}:{b.project_id}:{b.period_start}",
        level=Notification.Level.OVERDUE,
        mark="notified_at",
        now=now,
    )
    return told["due"], told["notified"]


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
            marked = bulk_update_audited(
                Problem.objects.filter(pk__in=[p.pk for p in problems], overdue_since__isnull=True),
                overdue_since=now,
            )
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
