"""Reads of the handover app: scoped, with related rows fetched in bulk (never per row)."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from salesite.models import Building, Project

from .models import (
    CaseStatus,
    DeliveryBatch,
    HandoverCase,
    HandoverStepRecord,
    Milestone,
    MilestoneStatus,
    RectificationItem,
    RectificationStatus,
)


def batches_for(user):
    return (
        DeliveryBatch.objects.visible_to(user)
        .select_related("project")
        .annotate(
            unit_count=Count("units", distinct=True),
            open_milestones=Count(
                "milestones",
                filter=Q(milestones__status=MilestoneStatus.OPEN),
                distinct=True,
            ),
            overdue_milestones=Count(
                "milestones",
                filter=Q(milestones__status=MilestoneStatus.OVERDUE),
                distinct=True,
            ),
        )
        .order_by("-planned_delivery_date", "name")
    )


def batch_milestones(batch):
    return (
        batch.milestones.select_related("completed_by")
        .prefetch_related("responsible_roles")
        .order_by("due_date")
    )


def batch_case_counts(batch) -> dict:
    counts = HandoverCase.objects.filter(unit__delivery_batches=batch).aggregate(
        completed=Count("pk", filter=Q(status=CaseStatus.COMPLETED)),
        in_progress=Count("pk", filter=Q(status=CaseStatus.IN_PROGRESS)),
        not_taken=Count("pk", filter=Q(status=CaseStatus.NOT_TAKEN)),
    )
    counts["units"] = batch.units.count()
    counts["not_started"] = (
        counts["units"] - counts["completed"] - counts["in_progress"] - counts["not_taken"]
    )
    return counts


def cases_for(user):
    # Open rectification items counted by a correlated subquery, for the rows of the page
    # only: Count() over the join grouped every case before the page could be cut.
    open_items = (
        RectificationItem.objects.filter(case=OuterRef("pk"))
        .exclude(status=RectificationStatus.VERIFIED)
        .order_by()
        .values("case")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        HandoverCase.objects.visible_to(user)
        .select_related("project", "unit__building", "customer", "batch")
        .annotate(open_items=Coalesce(Subquery(open_items), 0))
        .order_by("-updated_at")
    )


def case_detail(user, pk):
    from salesite.access import get_visible_or_404

    return get_visible_or_404(
        HandoverCase.objects.select_related(
            "project", "unit__building", "customer", "purchase", "batch", "paid_by_cashier"
        ),
        user,
        pk=pk,
    )


def case_steps(case):
    return HandoverStepRecord.objects.filter(case=case).select_related("completed_by")


def case_rectifications(case):
    return RectificationItem.objects.filter(case=case).select_related("verified_by")


def visible_buildings(user, projects=None):
    qs = Building.objects.visible_to(user).select_related("project")
    if projects is not None:
        qs = qs.filter(project__in=projects)
    return qs.order_by("project__name", "phase", "name")


def index_projects(user):
    return (
        Project.objects.visible_to(user)
        .select_related("service_centre")
        .prefetch_related(
            Prefetch(
                "delivery_batches",
                queryset=DeliveryBatch.objects.order_by("-planned_delivery_date"),
            )
        )
        .annotate(
            cases_done=Count(
                "units__handover",
                filter=Q(units__handover__status=CaseStatus.COMPLETED),
                distinct=True,
            )
        )
        .order_by("name")
    )


def upcoming_milestones(user, limit=10):
    return (
        Milestone.objects.visible_to(user)
        .exclude(status=MilestoneStatus.DONE)
        .select_related("batch", "project")
        .order_by("due_date")[:limit]
    )
