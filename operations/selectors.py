"""Reads of sales-site operations for views and the dashboard: scoped querysets with their
related rows loaded up front; the number of queries never grows with the rows."""

from __future__ import annotations

import datetime
import difflib
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Prefetch
from django.urls import reverse

from operations.models import (
    PLAN_SECTIONS,
    SITE_OPEN_PHASES,
    InspectionItem,
    InspectionScore,
    InspectionStatus,
    RectificationItem,
    RosterEntry,
    ServicePlan,
    ServicePost,
    Shift,
)
from salesite.models import Project, ProjectMembership, User

HOME_LIMIT = 10


@dataclass
class PostGap:
    post: ServicePost
    shift: Shift | None
    staffed: int

    @property
    def missing(self) -> int:
        return self.post.headcount - self.staffed


def empty_posts(user, date: datetime.date) -> list[PostGap]:
    """Posts of open sales sites whose roster on ``date`` has fewer staff than the headcount
    for a shift (a post without shifts is checked for the whole day). Three queries."""
    posts = list(
        ServicePost.objects.visible_to(user)
        .filter(is_active=True, project__marketing_phase__in=SITE_OPEN_PHASES)
        .select_related("area", "project")
        .prefetch_related(Prefetch("shifts", queryset=Shift.objects.order_by("order", "start")))
        .order_by("project__name", "area__order", "order", "name")
    )
    counts: dict[tuple[int, int], int] = {}
    day_counts: dict[int, int] = defaultdict(int)
    rows = (
        RosterEntry.objects.visible_to(user)
        .filter(date=date, project__marketing_phase__in=SITE_OPEN_PHASES)
        .values("post_id", "shift_id")
        .annotate(n=Count("user_id", distinct=True))
    )
    for row in rows:
        counts[(row["post_id"], row["shift_id"])] = row["n"]
        day_counts[row["post_id"]] += row["n"]
    gaps = []
    for post in posts:
        shifts = list(post.shifts.all())
        if not shifts:
            if day_counts[post.pk] < post.headcount:
                gaps.append(PostGap(post, None, day_counts[post.pk]))
            continue
        for shift in shifts:
            n = counts.get((post.pk, shift.pk), 0)
            if n < post.headcount:
                gaps.append(PostGap(post, shift, n))
    return gaps


def overdue_rectifications(user, today: datetime.date):
    return (
        RectificationItem.objects.visible_to(user)
        .overdue(today)
        .select_related("project", "owner", "inspection")
        .order_by("deadline", "pk")
    )


def may_report_rectification(user, item: RectificationItem) -> bool:
    """The owner reports their own fix; anyone else needs the change permission on the item."""
    return item.owner_id == user.pk or user.has_perm("operations.change_rectificationitem", item)


def home_blocks(user, today: datetime.date) -> dict:
    gaps = empty_posts(user, today)
    overdue = overdue_rectifications(user, today)
    overdue_rows = list(overdue[:HOME_LIMIT])
    overdue_count = len(overdue_rows) if len(overdue_rows) < HOME_LIMIT else overdue.count()
    return {
        "ops_today": today,
        "ops_empty_posts": gaps[:HOME_LIMIT],
        "ops_empty_post_count": len(gaps),
        "ops_overdue": overdue_rows,
        "ops_overdue_count": overdue_count,
    }


# --- roster -----------------------------------------------------------------------------


@dataclass
class RosterCell:
    shift: Shift | None
    entries: list
    headcount: int

    @property
    def short(self) -> bool:
        return len(self.entries) < self.headcount


def roster_grid(project: Project, date: datetime.date) -> list[tuple[ServicePost, list]]:
    """Each active post of the project with one cell per shift (staff on it that day)."""
    posts = list(
        ServicePost.objects.filter(project=project, is_active=True)
        .select_related("area")
        .prefetch_related(Prefetch("shifts", queryset=Shift.objects.order_by("order", "start")))
        .order_by("area__order", "area__name", "order", "name")
    )
    by_post: dict[int, list[RosterEntry]] = defaultdict(list)
    for e in (
        RosterEntry.objects.filter(project=project, date=date)
        .select_related("user", "shift")
        .order_by("shift__start", "user__name")
    ):
        by_post[e.post_id].append(e)
    grid = []
    for post in posts:
        entries = by_post[post.pk]
        shifts = list(post.shifts.all())
        if shifts:
            cells = [
                RosterCell(s, [e for e in entries if e.shift_id == s.pk], post.headcount)
                for s in shifts
            ]
            other = [e for e in entries if e.shift_id not in {s.pk for s in shifts}]
            if other:
                cells.append(RosterCell(None, other, 0))
        else:
            cells = [RosterCell(None, entries, post.headcount)]
        grid.append((post, cells))
    return grid


def project_staff(project: Project):
    """Users with an active property-side role on the project (for staff choices)."""
    ids = ProjectMembership.objects.filter(
        project=project, is_active=True, user__isnull=False, role__side="property"
    ).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("name", "username")


def staff_of_projects(project_ids):
    ids = ProjectMembership.objects.filter(
        project_id__in=project_ids, is_active=True, user__isnull=False, role__side="property"
    ).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("name", "username")


# --- service plan ----------------------------------------------------------------------


def plan_services_text(plan: ServicePlan, services=None) -> str:
    services = services if services is not None else plan_services(plan)
    return "\n".join(
        f"[{s.service_type.category.name}] {s.service_type.name}：{' '.join(s.standard.split())}"
        for s in services
    )


def plan_services(plan: ServicePlan):
    return plan.services.select_related("service_type__category").order_by(
        "service_type__category__order", "order", "pk"
    )


def plan_sections(plan: ServicePlan) -> list[tuple[str, str]]:
    return [(label, getattr(plan, name)) for name, label in PLAN_SECTIONS]


@dataclass
class SectionDiff:
    title: str
    lines: list[tuple[str, str]]  # ("+", text) added, ("-", text) removed, (" ", text) kept

    @property
    def changed(self) -> bool:
        return any(op != " " for op, _text in self.lines)


def _line_diff(old: str, new: str) -> list[tuple[str, str]]:
    out = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        op, text = line[:1], line[2:]
        if op in "+- ":
            out.append((op, text))
    return out


def plan_diff(old: ServicePlan, new: ServicePlan) -> list[SectionDiff]:
    """Added and removed lines of every section between two versions (changed sections only)."""
    from django.utils.translation import gettext as _

    diffs = [
        SectionDiff(str(label), _line_diff(getattr(old, name), getattr(new, name)))
        for name, label in PLAN_SECTIONS
    ]
    diffs.insert(0, SectionDiff(_("方案名称"), _line_diff(old.title, new.title)))
    diffs.append(
        SectionDiff(
            _("服务内容与标准"), _line_diff(plan_services_text(old), plan_services_text(new))
        )
    )
    return [d for d in diffs if d.changed]


# --- defects for the quarterly defect report (feedback R-FB-11) ----------------------------

# HQ inspection item categories → the defect report's categories: the HQ checks concern the
# sales site's service (appearance, posts, service standards, records).
FINDING_REPORT_CATEGORY: dict[str, str] = {}
SERVICE = "service"


def inspection_findings(project_ids, start, end) -> list[dict]:
    """The findings of the HQ inspections completed with a date from ``start`` to ``end``
    (exclusive): each item scored below its full score, as rows of the defect report
    (``feedback.defect_sources``); project-level (no building). One query."""
    labels = dict(InspectionItem.Category.choices)
    rows = (
        InspectionScore.objects.filter(
            inspection__project_id__in=project_ids,
            inspection__status=InspectionStatus.COMPLETED,
            inspection__date__gte=start,
            inspection__date__lt=end,
            score__lt=F("item__max_score"),
        )
        .values(
            "inspection_id",
            "inspection__project_id",
            "inspection__project__name",
            "inspection__date",
            "item__category",
            "item__text",
            "note",
        )
        .order_by()
    )
    return [
        {
            "category": FINDING_REPORT_CATEGORY.get(r["item__category"], SERVICE),
            "source_category": str(labels.get(r["item__category"], r["item__category"])),
            "project_id": r["inspection__project_id"],
            "project": r["inspection__project__name"],
            "building_id": None,
            "building": "",
            "date": r["inspection__date"],
            "description": " — ".join(filter(None, [r["item__text"], r["note"]])),
            "url": reverse("ops:inspection_detail", args=[r["inspection_id"]]),
        }
        for r in rows
    ]
