"""Dashboard providers of the feedback app (R-DASH-1, R-DASH-2); read-only."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.access import active_memberships
from salesite.choice_labels import label as choice_label
from salesite.dashboard.helpers import (
    day_span,
    day_start,
    in_scope,
    list_url,
    percent,
    pk_url,
)
from salesite.dashboard.registry import MAX_ITEMS_PER_PROVIDER, Figure, WorkItem
from salesite.models import Project
from salesite.rollups import as_number, daily_values

from .models import (
    OPEN_CALLBACK_STATUSES,
    OPEN_STATUSES,
    CallbackStatus,
    CallbackTask,
    Case,
    Channel,
    SurveyLink,
    quarter_of,
)
from .rollups import BREACHES, SCORES
from .selectors import BREACH_RECIPIENT_ROLES, assessment_ranking, survey_totals

# Leads of a project see its callbacks nobody was given and all of its open cases.
LEAD_ROLES = BREACH_RECIPIENT_ROLES
FRONT_DESK_ROLE = "front_desk"


def _callback_items(user, today, leads) -> list[WorkItem]:
    mine = Q(assigned_to=user) | Q(assigned_to__isnull=True, project_id__in=leads)
    rows = (
        CallbackTask.objects.visible_to(user)
        .filter(mine, status__in=OPEN_CALLBACK_STATUSES, due_date__lte=today)
        .order_by("due_date", "pk")
        # What the item shows, as plain values: model instances of four tables cost more than
        # the query.
        .values_list("pk", "due_date", "rule__name", "customer__name", "project__name")[
            :MAX_ITEMS_PER_PROVIDER
        ]
    )
    url = pk_url("feedback:callback_detail")
    kind = _("回访")
    return [
        WorkItem(
            title=f"{rule} · {customer}",
            project=project,
            due=due,
            overdue=due < today,
            url=url(pk),
            kind=kind,
        )
        for pk, due, rule, customer, project in rows
    ]


def _case_items(user, today, now, leads, desks=()) -> list[WorkItem]:
    end = day_start(today + datetime.timedelta(days=1))
    mine = Q(assignee=user) | Q(project_id__in=leads)
    if desks:
        # The front desk dispatches what owners submit on the owner portal (nobody took it in).
        mine |= Q(channel=Channel.OWNER, assignee__isnull=True, project_id__in=desks)
    due = Q(dispatch_due__lt=end, dispatched_at__isnull=True) | Q(
        answer_due__lt=end, replied_at__isnull=True
    )
    rows = (
        Case.objects.visible_to(user)
        .filter(mine, due, status__in=OPEN_STATUSES)
        .order_by("received_at", "pk")
        .values_list(
            "pk",
            "subject",
            "kind",
            "dispatch_due",
            "dispatched_at",
            "answer_due",
            "replied_at",
            "project__name",
        )[:MAX_ITEMS_PER_PROVIDER]
    )
    url = pk_url("feedback:case_detail")
    items = []
    for pk, subject, kind, dispatch_due, dispatched_at, answer_due, replied_at, project in rows:
        dues = []
        if dispatch_due and not dispatched_at and dispatch_due < end:
            dues.append(dispatch_due)
        if answer_due and not replied_at and answer_due < end:
            dues.append(answer_due)
        first = min(dues)
        items.append(
            WorkItem(
                title=f"{Case.number_of(pk)} · {subject}",
                project=project,
                due=first,
                overdue=first < now,
                url=url(pk),
                kind=choice_label(Case, "kind", kind),
            )
        )
    return items


def work_items(user, today) -> list[WorkItem]:
    """Callbacks and cases due by today: the user's own, for leads those of their projects,
    and for the front desk the owner-portal cases nobody was given yet (two queries). The
    lead projects are read first (from the user's access), as a list: inside the OR as
    a subquery they kept PostgreSQL from using the assignee and project indexes, and it
    walked every case by date looking for the user's (seconds at 500k cases)."""
    rows = [(m.project_id, m.role_code) for m in active_memberships(user)]
    leads = sorted({p for p, code in rows if code in LEAD_ROLES})
    desks = sorted({p for p, code in rows if code == FRONT_DESK_ROLE})
    return _callback_items(user, today, leads) + _case_items(
        user, today, timezone.now(), leads, desks
    )


def _score_figure(project_ids, date_to, group) -> Figure:
    """The 6+2 score of the quarter of ``date_to``, or of the one before when nothing of it is
    known yet; one project's total, or the mean of the totals of several."""
    projects = list(in_scope(Project.objects.all(), project_ids, "pk").only("pk", "name"))
    year, quarter = quarter_of(date_to)
    previous = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    value, totals = None, []
    for y, q in ((year, quarter), previous):
        rows = assessment_ranking(projects, year=y, quarter=q, today=date_to, parts=False)
        totals = [r["total"] for r in rows if r["total"] is not None]
        if totals:
            value = round(float(sum(totals) / len(totals)), 2)
            year, quarter = y, q
            break
    note = _("%(year)s 年第 %(quarter)s 季度") % {"year": year, "quarter": quarter}
    if value is not None and len(projects) > 1:
        note += _("，%(n)s 个项目平均") % {"n": len(totals)}
    return Figure(
        title=_("6+2 考核得分"),
        value=value,
        url=f"{reverse('feedback:assessment')}?year={year}&quarter={quarter}",
        group=group,
        note=note,
    )


def dashboard_figures(user, project_ids, date_from, date_to, *, today) -> list[Figure]:
    group = _("客户反馈")
    start, end = day_span(date_from, date_to)
    # Breaches detected and scores given: sums of daily totals, stored for the closed days
    # (salesite.rollups) and counted live for today.
    breaches = sum(
        as_number(v)
        for v in daily_values(BREACHES, project_ids, date_from, date_to, today=today).values()
    )
    done = [CallbackStatus.REACHED, CallbackStatus.DONE]
    callbacks = in_scope(CallbackTask.objects.all(), project_ids)
    due = callbacks.filter(due_date__gte=date_from, due_date__lte=min(date_to, today)).aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(status__in=done))
    )
    weeks: dict[datetime.date, list] = {}
    for (_p, day, key), value in daily_values(
        SCORES, project_ids, date_from, date_to, today=today
    ).items():
        week = weeks.setdefault(day - datetime.timedelta(days=day.weekday()), [0, Decimal(0)])
        week[0 if key == "scored" else 1] += value
    surveys = survey_totals(
        in_scope(SurveyLink.objects.all(), project_ids, "task__project_id").filter(
            created_at__gte=start, created_at__lt=end
        )
    )
    scored = int(sum(n for n, _s in weeks.values()))
    total = sum((s for _n, s in weeks.values()), Decimal(0))
    mean = round(float(total / scored), 2) if scored else None
    series = [
        (week.isoformat(), round(float(s / n), 2)) for week, (n, s) in sorted(weeks.items()) if n
    ]
    return [
        Figure(
            title=_("超时事项"),
            value=breaches,
            url=list_url("feedback:case_list", project_ids, breached="true"),
            group=group,
            level="danger" if breaches else "",
        ),
        Figure(
            title=_("回访完成率"),
            value=percent(due["done"], due["total"]),
            suffix="%",
            note=_("到期 %(total)s，已完成 %(done)s") % due,
            url=list_url(
                "feedback:callback_list", project_ids, due_before=min(date_to, today).isoformat()
            ),
            group=group,
        ),
        Figure(
            title=_("平均满意度"),
            value=mean,
            note=_("%(n)s 次回访评分（1–5），按周趋势") % {"n": scored},
            url=list_url("feedback:callback_list", project_ids, status=CallbackStatus.REACHED),
            group=group,
            series=series,
        ),
        Figure(
            title=_("问卷回复率"),
            value=percent(surveys["answered"], surveys["sent"]),
            suffix="%",
            note=_("短信问卷：已发送 %(sent)s，已回复 %(answered)s") % surveys,
            url=list_url("feedback:callback_list", project_ids, survey="sent"),
            group=group,
        ),
        _score_figure(project_ids, date_to, group),
    ]
