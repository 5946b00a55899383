"""Dashboard providers of the handover app (R-DASH-1, R-DASH-2); read-only."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from handover.models import CaseStatus, DeliveryBatch, Milestone, MilestoneStatus
from salesite.access import active_memberships
from salesite.dashboard.helpers import in_scope, list_url, percent, pk_url
from salesite.dashboard.registry import MAX_ITEMS_PER_PROVIDER, Figure, WorkItem
from salesite.models import Unit


def work_items(user, today) -> list[WorkItem]:
    """Open pre-delivery milestones due by today whose responsible roles include one the user
    holds on that project (one query). The user's (project, role) pairs come from the access
    already read for the request; a milestone qualifies when one of its responsible roles is
    held on its own project, asked with ``EXISTS`` per group of projects sharing the same roles.
    (Joining the memberships and collapsing the rows with ``DISTINCT`` cost PostgreSQL about
    4 ms of planning for a sub-millisecond query.)"""
    roles_by_project: dict[int, set[int]] = {}
    for m in active_memberships(user):
        roles_by_project.setdefault(m.project_id, set()).add(m.role_id)
    projects_by_roles: dict[frozenset[int], list[int]] = {}
    for project_id, role_ids in roles_by_project.items():
        projects_by_roles.setdefault(frozenset(role_ids), []).append(project_id)
    if not projects_by_roles:
        return []
    responsible = Milestone.responsible_roles.through.objects.filter(milestone_id=OuterRef("pk"))
    held = Q()
    for role_ids, project_ids in projects_by_roles.items():
        held |= Q(project_id__in=sorted(project_ids)) & Q(
            Exists(responsible.filter(role_id__in=sorted(role_ids)))
        )
    rows = (
        Milestone.objects.filter(held, due_date__lte=today)
        .exclude(status=MilestoneStatus.DONE)
        .order_by("due_date", "pk")
        # What the item shows, as plain values: building three model instances per row (and
        # their columns into the query) cost about a third of the provider.
        .values_list("batch_id", "batch__name", "name", "kind", "project__name", "due_date")[
            :MAX_ITEMS_PER_PROVIDER
        ]
    )
    url = pk_url("handover:batch_detail")
    kind = _("交付前计划节点")
    return [
        WorkItem(
            title=Milestone.label_of(batch, name, code),
            project=project,
            due=due,
            overdue=due < today,
            url=url(batch_id),
            kind=kind,
        )
        for batch_id, batch, name, code, project, due in rows
    ]


def dashboard_figures(user, project_ids, date_from, date_to, *, today) -> list[Figure]:
    group = _("交房管理")
    in_batch = DeliveryBatch.units.through.objects.filter(unit_id=OuterRef("pk"))
    units = in_scope(Unit.objects.filter(Exists(in_batch)), project_ids)
    counts = units.aggregate(
        total=Count("pk"),
        handed=Count("pk", filter=Q(handover__status=CaseStatus.COMPLETED)),
    )
    overdue = (
        in_scope(Milestone.objects.all(), project_ids)
        .exclude(status=MilestoneStatus.DONE)
        .filter(due_date__lt=today)
        .count()
    )
    return [
        Figure(
            title=_("交房进度"),
            value=percent(counts["handed"], counts["total"]),
            suffix="%",
            note=_("已交 %(handed)s / 批次内 %(total)s 户") % counts,
            url=list_url("handover:case_list", project_ids, status=CaseStatus.COMPLETED),
            group=group,
        ),
        Figure(
            title=_("逾期计划节点"),
            value=overdue,
            url=list_url("handover:batch_list", project_ids),
            group=group,
            level="danger" if overdue else "",
        ),
    ]
