"""Reads of preview findings (R-HO-1) and of the before/after photos of findings and defects
(R-HO-2): scoped by the caller, related rows fetched in bulk (never per row)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils import timezone

from salesite.models import Attachment, ProjectMembership, User

from .models import FindingStatus, PhotoRole, PreviewFinding, PreviewFindingHistory
from .models.previews import OPEN_STATUSES


def findings_listed():
    return PreviewFinding.objects.select_related(
        "project", "batch", "unit__building", "customer", "assignee"
    ).order_by("deadline", "pk")


def overdue_q(today=None) -> Q:
    return Q(status__in=OPEN_STATUSES, deadline__lt=today or timezone.localdate())


def with_role_photos(rows, *, images_only: bool = False):
    """Set ``row.before_photos`` and ``row.after_photos`` (oldest first; an untagged photo is a
    "before" one) and ``row.photos`` (both) on each row of ``rows`` (findings or defects, one
    model), in one query."""
    rows = list(rows)
    ids = [r.pk for r in rows]
    found: dict[int, list] = {}
    if ids:
        qs = Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(type(rows[0])),
            object_id__in=ids,
            personal=False,
        ).select_related("handover_tag")
        if images_only:
            qs = qs.filter(mime_type__startswith="image/")
        for a in qs.order_by("pk"):
            found.setdefault(a.object_id, []).append(a)
    for r in rows:
        photos = found.get(r.pk, [])
        r.photos = photos
        r.after_photos = [a for a in photos if _role(a) == PhotoRole.AFTER]
        r.before_photos = [a for a in photos if _role(a) != PhotoRole.AFTER]
    return rows


def _role(attachment) -> str:
    # A missing reverse one-to-one raises a subclass of AttributeError: getattr's default.
    tag = getattr(attachment, "handover_tag", None)
    return tag.role if tag else PhotoRole.BEFORE


def finding_history(finding):
    return PreviewFindingHistory.objects.filter(finding=finding).select_related("by")


def preview_counts(batch) -> dict:
    """The findings of a batch by state, and how many of the open ones are overdue."""
    today = timezone.localdate()
    return PreviewFinding.objects.filter(batch=batch).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        fixed=Count("pk", filter=Q(status=FindingStatus.FIXED)),
        closed=Count("pk", filter=Q(status=FindingStatus.CLOSED)),
        overdue=Count("pk", filter=overdue_q(today)),
    )


def project_staff(project_id):
    """Active users with an active property-side role on the project (the assignee choices)."""
    ids = ProjectMembership.objects.filter(
        project_id=project_id, is_active=True, user__isnull=False, role__side="property"
    ).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("name", "username")
