"""Reads of the handover app: scoped, with related rows fetched in bulk (never per row)."""

from __future__ import annotations

from django.db.models import Count, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from salesite.models import Building, Customer, Project

from .models import (
    CaseStatus,
    DeliveryBatch,
    HandoverCase,
    HandoverStepRecord,
    InspectionDefect,
    InspectionDefectCategoryOption,
    InspectionRound,
    Milestone,
    MilestoneHistory,
    MilestoneStatus,
    MockInspection,
    NoticeKind,
    NoticeStatus,
    ProgressMilestoneOption,
    ProgressNotice,
    RectificationItem,
    RectificationStatus,
)


def batches_annotated():
    """Batches with their unit and open/overdue milestone counts (the list's columns)."""
    return (
        DeliveryBatch.objects.select_related("project")
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
        .prefetch_related(
            "responsible_roles",
            Prefetch("history", queryset=MilestoneHistory.objects.select_related("by")),
        )
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


def cases_listed():
    """Cases with their open rectification items counted (the list's columns)."""
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
        HandoverCase.objects.select_related("project", "unit__building", "customer", "batch")
        .annotate(open_items=Coalesce(Subquery(open_items), 0))
        .order_by("-updated_at")
    )


def case_records():
    """Cases with what their page and print show."""
    return HandoverCase.objects.select_related(
        "project", "unit__building", "customer", "purchase", "batch", "paid_by_cashier"
    )


def case_steps(case):
    return HandoverStepRecord.objects.filter(case=case).select_related("completed_by")


def case_rectifications(case):
    return with_photos(
        list(RectificationItem.objects.filter(case=case).select_related("verified_by"))
    )


def with_photos(items):
    """Set ``item.photos`` (its image attachments, oldest first) on each rectification item
    of ``items``, in one query."""
    from django.contrib.contenttypes.models import ContentType

    from salesite.models import Attachment

    photos: dict[int, list] = {}
    ids = [item.pk for item in items]
    if ids:
        ct = ContentType.objects.get_for_model(RectificationItem)
        for a in Attachment.objects.filter(
            content_type=ct, object_id__in=ids, mime_type__startswith="image/", personal=False
        ).order_by("pk"):
            photos.setdefault(a.object_id, []).append(a)
    for item in items:
        item.photos = photos.get(item.pk, [])
    return items


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


# --- milestones (R-HO-1) ---------------------------------------------------------------------


def mock_round_pending_units(batch, round_: int):
    """Units of the batch without a completed mock inspection of that round (one query)."""
    done = MockInspection.objects.filter(
        batch=batch, round=round_, completed_at__isnull=False
    ).values("unit_id")
    return batch.units.exclude(pk__in=done)


# --- mock inspections (R-HO-2) ----------------------------------------------------------------


def first_round_defects(second: MockInspection):
    return InspectionDefect.objects.filter(
        inspection__batch_id=second.batch_id,
        inspection__unit_id=second.unit_id,
        inspection__round=InspectionRound.FIRST,
    ).order_by("pk")


# --- progress notices (R-HO-3) ----------------------------------------------------------------


def project_buyers(project):
    """Customers holding an active purchase in the project (each once)."""
    return (
        Customer.objects.filter(project=project, purchases__is_active=True)
        .distinct()
        .order_by("pk")
    )


def missing_mandatory(project_ids) -> dict[int, list]:
    """Per project, the mandatory milestones (active ``ProgressMilestoneOption`` rows) not yet
    notified (two queries for all projects)."""
    sent: dict[int, set] = {pid: set() for pid in project_ids}
    rows = ProgressNotice.objects.filter(
        project_id__in=project_ids, kind=NoticeKind.PROGRESS, status=NoticeStatus.SENT
    ).values_list("project_id", "milestone")
    for pid, milestone in rows:
        sent[pid].add(milestone)
    mandatory = list(ProgressMilestoneOption.objects.filter(active=True))
    return {pid: [m for m in mandatory if m.code not in done] for pid, done in sent.items()}


def checklist(project) -> list[tuple]:
    """The mandatory milestones (the active rows; ten by default) with the date each was
    last notified (or None)."""
    sent = dict(
        ProgressNotice.objects.filter(
            project=project, kind=NoticeKind.PROGRESS, status=NoticeStatus.SENT
        )
        .values("milestone")
        .annotate(last=Max("sent_at"))
        .values_list("milestone", "last")
    )
    return [(m, sent.get(m.code)) for m in ProgressMilestoneOption.objects.filter(active=True)]


# --- defects for the quarterly defect report (feedback R-FB-11) ----------------------------

# Mock-inspection defect categories (InspectionDefectCategoryOption codes) → the defect
# report's categories. Mock-inspection defects and handover rectification items are
# construction defects: engineering, unless listed here.
MOCK_DEFECT_REPORT_CATEGORY: dict[str, str] = {}
ENGINEERING = "engineering"


def mock_inspection_defects(project_ids, start, end) -> list[dict]:
    """Defects recorded in the mock inspections done from ``start`` to ``end`` (exclusive),
    as rows of the defect report (``feedback.defect_sources``). One query."""
    labels = InspectionDefectCategoryOption.labels()
    rows = InspectionDefect.objects.filter(
        project_id__in=project_ids,
        inspection__inspected_on__gte=start,
        inspection__inspected_on__lt=end,
    ).values(
        "project_id",
        "project__name",
        "category",
        "location",
        "description",
        "inspection_id",
        "inspection__inspected_on",
        "inspection__unit__number",
        "inspection__unit__building_id",
        "inspection__unit__building__name",
    )
    return [
        {
            "category": MOCK_DEFECT_REPORT_CATEGORY.get(r["category"], ENGINEERING),
            "source_category": labels.get(r["category"], r["category"]),
            "project_id": r["project_id"],
            "project": r["project__name"],
            "building_id": r["inspection__unit__building_id"],
            "building": r["inspection__unit__building__name"],
            "date": r["inspection__inspected_on"],
            "description": (f"{r['inspection__unit__number']} {r['location']}：{r['description']}"),
            "url": reverse("handover:inspection_detail", args=[r["inspection_id"]]),
        }
        for r in rows.order_by()
    ]


def rectification_defects(project_ids, start, end) -> list[dict]:
    """Handover rectification items (交接遗留问题) found from ``start`` to ``end`` (exclusive),
    as rows of the defect report. One query."""
    rows = RectificationItem.objects.filter(
        project_id__in=project_ids, found_on__gte=start, found_on__lt=end
    ).values(
        "project_id",
        "project__name",
        "location",
        "description",
        "found_on",
        "case_id",
        "case__unit__number",
        "case__unit__building_id",
        "case__unit__building__name",
    )
    return [
        {
            "category": ENGINEERING,
            "source_category": str(_("交接遗留问题")),
            "project_id": r["project_id"],
            "project": r["project__name"],
            "building_id": r["case__unit__building_id"],
            "building": r["case__unit__building__name"],
            "date": r["found_on"],
            "description": f"{r['case__unit__number']} {r['location']}：{r['description']}",
            "url": reverse("handover:case_detail", args=[r["case_id"]]),
        }
        for r in rows.order_by()
    ]
