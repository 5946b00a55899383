"""Dashboard providers of the renovation app (R-DASH-1, R-DASH-2); read-only.

Who reviews and who patrols is read from the permissions of the user's project roles
(editable in admin), not from role codes."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesite.access import get_access
from salesite.dashboard.helpers import day_start, in_scope, list_url
from salesite.dashboard.registry import MAX_ITEMS_PER_PROVIDER, Figure, WorkItem

from .models import (
    IN_COMPLETION,
    IN_REVIEW,
    OPEN_VIOLATION_STATES,
    PATROL_PERMS,
    Decision,
    PatrolKind,
    PatrolRecord,
    RenovationApplication,
    Status,
    Violation,
)
from .selectors import ACTIVE_STATUSES
from .services import REVIEW_SIDES

REVIEW_LABELS = {"engineering": gettext_lazy("工程部审核"), "cs": gettext_lazy("客服审核")}


def _projects_with(user, perm) -> list[int]:
    return sorted(p for p, perms in get_access(user).project_perms.items() if perm in perms)


def _review_items(user, today, now) -> list[WorkItem]:
    sides = {side: _projects_with(user, perm) for side, (perm, _f) in REVIEW_SIDES.items()}
    match = Q()
    if sides["engineering"]:
        match |= Q(project_id__in=sides["engineering"], engineering_decision=Decision.PENDING)
    if sides["cs"]:
        match |= Q(project_id__in=sides["cs"], cs_decision=Decision.PENDING)
    if not match:
        return []
    rows = (
        RenovationApplication.objects.filter(
            match,
            status=Status.SUBMITTED,
            review_due_at__lt=day_start(today + datetime.timedelta(days=1)),
        )
        .select_related("project", "unit__building")
        .order_by("review_due_at", "pk")[:MAX_ITEMS_PER_PROVIDER]
    )
    items = []
    for app in rows:
        pending = {
            "engineering": app.engineering_decision == Decision.PENDING,
            "cs": app.cs_decision == Decision.PENDING,
        }
        for side, projects in sides.items():
            if pending[side] and app.project_id in projects:
                items.append(
                    WorkItem(
                        title=f"{app.number} · {app.unit.building.name}{app.unit.number}",
                        project=app.project.name,
                        due=app.review_due_at,
                        overdue=app.review_due_at < now,
                        url=reverse("renovation:application_review", args=[app.pk, side]),
                        kind=_("装修%(side)s") % {"side": REVIEW_LABELS[side]},
                    )
                )
    return items


def _patrol_items(user, today) -> list[WorkItem]:
    kinds = {kind: set(_projects_with(user, perm)) for kind, perm in PATROL_PERMS.items()}
    project_ids = set().union(*kinds.values())
    if not project_ids:
        return []
    # Per project: its active renovations, and of those the ones patrolled today by each
    # kind the user patrols somewhere (one query).
    patrolled = [kind for kind in PatrolKind if kinds[kind]]
    active = {
        r["project_id"]: r
        for r in RenovationApplication.objects.filter(
            project_id__in=project_ids, status__in=ACTIVE_STATUSES
        )
        .values("project_id", "project__name")
        .annotate(
            n=Count("pk"),
            **{
                f"done_{kind.value}": Count(
                    "pk",
                    filter=Q(
                        Exists(
                            PatrolRecord.objects.filter(
                                application_id=OuterRef("pk"), date=today, kind=kind
                            )
                        )
                    ),
                )
                for kind in patrolled
            },
        )
        .order_by()
    }
    if not active:
        return []
    url = reverse("renovation:patrol_today")
    items = []
    for project_id, row in sorted(active.items(), key=lambda kv: kv[1]["project__name"]):
        for kind in PatrolKind:
            if project_id not in kinds[kind]:
                continue
            left = row["n"] - row[f"done_{kind.value}"]
            if left > 0:
                items.append(
                    WorkItem(
                        title=_("%(kind)s：%(n)s 户今日未巡") % {"kind": kind.label, "n": left},
                        project=row["project__name"],
                        due=today,
                        overdue=False,
                        url=f"{url}?project={project_id}",
                        kind=_("装修巡查"),
                    )
                )
    return items


def work_items(user, today) -> list[WorkItem]:
    """Reviews waiting for the user's side (due by today), and today's unfinished patrols of
    the kinds the user patrols: two queries."""
    now = timezone.now()
    return _review_items(user, today, now) + _patrol_items(user, today)


def dashboard_figures(user, project_ids, date_from, date_to, *, today) -> list[Figure]:
    """The pipeline (R-REN-10) in two queries; current state, not limited by the dates."""
    group = _("装修管理")
    now = timezone.now()
    counts = in_scope(RenovationApplication.objects.all(), project_ids).aggregate(
        in_review=Count("pk", filter=Q(status__in=IN_REVIEW)),
        overdue=Count("pk", filter=Q(status=Status.SUBMITTED, review_due_at__lt=now)),
        active=Count("pk", filter=Q(status__in=ACTIVE_STATUSES)),
        completion=Count("pk", filter=Q(status__in=IN_COMPLETION)),
        refunds_due=Count(
            "pk", filter=Q(status=Status.COMPLETION_ACCEPTED, refund_due_on__lte=today)
        ),
    )
    violations = (
        in_scope(Violation.objects.all(), project_ids)
        .filter(state__in=OPEN_VIOLATION_STATES)
        .count()
    )
    apps = "renovation:application_list"
    return [
        Figure(
            _("审核中"),
            counts["in_review"],
            list_url(apps, project_ids, status=[s.value for s in IN_REVIEW]),
            group,
        ),
        Figure(
            _("审核超时"),
            counts["overdue"],
            list_url(apps, project_ids, overdue="true"),
            group,
            level="danger" if counts["overdue"] else "",
        ),
        Figure(
            _("施工中"), counts["active"], list_url(apps, project_ids, status="permitted"), group
        ),
        Figure(
            _("竣工验收中"),
            counts["completion"],
            list_url(apps, project_ids, status=[s.value for s in IN_COMPLETION]),
            group,
        ),
        Figure(
            _("押金到期待退"),
            counts["refunds_due"],
            list_url(apps, project_ids, refund_due="true"),
            group,
        ),
        Figure(
            _("未结违章"),
            violations,
            list_url("renovation:violation_list", project_ids, open="true"),
            group,
            level="danger" if violations else "",
        ),
    ]
