"""Dashboard providers of sales-site operations (R-DASH-1, R-DASH-2); read-only."""

from __future__ import annotations

from django.utils.translation import gettext as _

from operations import selectors
from operations.models import RectificationItem, RectificationStatus
from operations.selectors import empty_posts
from salesite.access import visible_project_ids
from salesite.dashboard import snapshots
from salesite.dashboard.helpers import in_scope, list_url, pk_url
from salesite.dashboard.registry import MAX_ITEMS_PER_PROVIDER, Figure, HomeBlock, WorkItem


def _first_gap(gaps, project_ids):
    """The roster of the scope's project, or of the first project with a gap."""
    if project_ids is not None and len(project_ids) == 1:
        return project_ids
    return [gaps[0].post.project_id] if gaps else None


def work_items(user, today) -> list[WorkItem]:
    """Rectification items of HQ inspections owned by the user, due by today (one query)."""
    rows = (
        RectificationItem.objects.visible_to(user)
        .filter(owner=user, deadline__lte=today)
        .exclude(status=RectificationStatus.VERIFIED)
        .order_by("deadline", "pk")
        .values_list("pk", "description", "project__name", "deadline")[:MAX_ITEMS_PER_PROVIDER]
    )
    url = pk_url("ops:rectification_detail")
    kind = _("品质检查整改")
    return [
        WorkItem(
            title=RectificationItem.label_of(description),
            project=project,
            due=deadline,
            overdue=deadline < today,
            url=url(pk),
            kind=kind,
        )
        for pk, description, project, deadline in rows
    ]


def dashboard_figures(user, project_ids, date_from, date_to, *, today) -> list[Figure]:
    overdue = in_scope(RectificationItem.objects.overdue(today), project_ids).count()
    # Posts left empty today on open sales sites (R-CORE-5): three queries over what the user
    # sees, narrowed to the scope here.
    scope = None if project_ids is None else set(project_ids)
    gaps = [g for g in empty_posts(user, today) if scope is None or g.post.project_id in scope]
    return [
        Figure(
            title=_("今日空岗"),
            value=sum(g.missing for g in gaps),
            note=_("%(n)s 个岗位/班次人数不足") % {"n": len(gaps)},
            url=list_url("ops:roster_day", _first_gap(gaps, project_ids)),
            group=_("案场服务"),
            level="danger" if gaps else "",
        ),
        Figure(
            title=_("逾期整改项"),
            value=overdue,
            url=list_url("ops:rectification_list", project_ids),
            group=_("案场服务"),
            level="danger" if overdue else "",
        ),
    ]


def home_blocks(user, today) -> list[HomeBlock]:
    """Today's empty posts and the overdue rectification items on the home page, kept as a
    snapshot while the user's projects' rows are unchanged (salesite.dashboard.snapshots):
    HQ's posts of 50 projects with their shifts were a third of the home page. What the block
    shows depends on the user only through the projects they see."""
    context = snapshots.reuse(
        "ops-home-blocks",
        lambda: selectors.home_blocks(user, today),
        visible_project_ids(user),
        today,
    )
    return [HomeBlock("salesite/ops/_home_blocks.html", context)]
