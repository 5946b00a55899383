"""Dashboard providers of the communication app (R-DASH-1, R-DASH-2); read-only."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communication.models import Problem
from communication.periods import local_date, period_label, period_of, reminder_moment
from communication.selectors import ADD_RECORD, active_levels, compliance_tallies, record_counts
from salesite.access import active_memberships, get_access
from salesite.dashboard.helpers import in_scope, list_url, percent, pk_url
from salesite.dashboard.registry import MAX_ITEMS_PER_PROVIDER, Figure, WorkItem
from salesite.models import Project

ONE_DAY = datetime.timedelta(days=1)


def _record_items(user, today, now) -> list[WorkItem]:
    """Records ("logs to write") the user's roles must write: the current period's once its
    reminder moment is today or past, and the previous period's if it was missed. About five
    queries: levels and their recorder roles, one count per kind of period (the memberships
    come with the access)."""
    perms = get_access(user).project_perms
    memberships = [
        (project_id, name, role_id)
        for project_id, name, role_id, _code in active_memberships(user)
        if ADD_RECORD in perms.get(project_id, ())
    ]
    if not memberships:
        return []
    levels = active_levels()
    recorders = {lv.pk: {r.pk for r in lv.recorder_roles.all()} for lv in levels}
    due: dict[tuple[int, int], tuple[str, object]] = {}
    for project_id, name, role_id in memberships:
        for lv in levels:
            if role_id in recorders[lv.pk]:
                due[(project_id, lv.pk)] = (name, lv)
    if not due:
        return []
    used = list({lv.pk: lv for _name, lv in due.values()}.values())
    first = min(period_of(lv.period, period_of(lv.period, today)[0] - ONE_DAY)[0] for lv in used)
    counts = record_counts(sorted({p for p, _l in due}), used, first, today)
    items = []
    for (project_id, _level_id), (name, lv) in sorted(due.items()):
        current = period_of(lv.period, today)
        previous = period_of(lv.period, current[0] - ONE_DAY)
        for start, end in (previous, current):
            if counts.get((project_id, lv.pk, start), 0) >= lv.min_count:
                continue
            moment = reminder_moment(lv, start, end)
            if local_date(moment) > today:
                continue  # not due yet
            url = reverse("communication:record_create_for", args=[project_id])
            items.append(
                WorkItem(
                    title=f"{lv.name} · {period_label(lv.period, start)}",
                    project=name,
                    due=moment,
                    overdue=moment < now,
                    url=f"{url}?level={lv.code}",
                    kind=_("沟通记录"),
                )
            )
    return items


def work_items(user, today) -> list[WorkItem]:
    """Unresolved problems owned by the user due by today (one query), and the records the
    user's roles have to write."""
    return _problem_items(user, today) + _record_items(user, today, timezone.now())


def _problem_items(user, today) -> list[WorkItem]:
    rows = (
        Problem.objects.visible_to(user)
        .unresolved()
        .filter(owner=user, due_date__lte=today)
        .order_by("due_date", "pk")
        # What the item shows, as plain values (model instances cost more than the query).
        .values_list("pk", "title", "due_date", "project__name")[:MAX_ITEMS_PER_PROVIDER]
    )
    url = pk_url("communication:problem_detail")
    kind = _("沟通问题")
    return [
        WorkItem(
            title=title,
            project=project,
            due=due,
            overdue=due < today,
            url=url(pk),
            kind=kind,
        )
        for pk, title, due, project in rows
    ]


def dashboard_figures(user, project_ids, date_from, date_to, *, today) -> list[Figure]:
    group = _("沟通机制")
    projects = in_scope(Project.objects.all(), project_ids, "pk").only(
        "pk", "name", "marketing_phase"
    )
    rows = compliance_tallies(projects, date_from, date_to, today=today, project_ids=project_ids)
    met = sum(r.met for r in rows)
    counted = sum(r.counted for r in rows)
    missing = sum(r.missing for r in rows)
    # Every figure counts unresolved problems: filter on them, so that the counts read the
    # (status, due_date) indexes over the unresolved rows, not every problem ever raised.
    unresolved = Problem.objects.filter(status__in=[Problem.Status.OPEN, Problem.Status.ESCALATED])
    # Count a column of those indexes (status is never null), not the id, so that the index
    # alone answers (an index-only scan); COUNT(id) reads every counted row from the table.
    counts = in_scope(unresolved, project_ids).aggregate(
        open=Count("status", filter=Q(status=Problem.Status.OPEN)),
        escalated=Count("status", filter=Q(status=Problem.Status.ESCALATED)),
        overdue=Count("status", filter=Q(due_date__lt=today)),
    )
    compliance_url = list_url(
        "communication:compliance",
        project_ids,
        start=date_from.isoformat(),
        end=date_to.isoformat(),
    )
    problems = "communication:problem_list"
    return [
        Figure(
            title=_("沟通达标率"),
            value=percent(met, counted),
            suffix="%",
            url=compliance_url,
            group=group,
            note=_("缺失 %(n)s 个周期") % {"n": missing},
            level="danger" if missing else "",
        ),
        Figure(
            title=_("待解决问题"),
            value=counts["open"],
            url=list_url(problems, project_ids, status=Problem.Status.OPEN),
            group=group,
        ),
        Figure(
            title=_("已升级问题"),
            value=counts["escalated"],
            url=list_url(problems, project_ids, status=Problem.Status.ESCALATED),
            group=group,
            level="warning" if counts["escalated"] else "",
        ),
        Figure(
            title=_("逾期问题"),
            value=counts["overdue"],
            url=list_url(problems, project_ids, overdue="true"),
            group=group,
            level="danger" if counts["overdue"] else "",
        ),
    ]
