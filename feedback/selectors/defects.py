"""The quarterly defect report (R-FB-11): the defects of every registered source
(``feedback.defect_sources``: complaints, dissatisfied callbacks and ambassador patrols here;
mock-inspection defects and handover rectification items from handover; HQ inspection findings
from operations) counted by category and source, by category and building, and listed one by
one for the drill-down. One or two queries per source, whatever the number of projects."""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from salesite.models import Purchase

from ..defect_sources import defect_sources
from ..models import (
    AmbassadorPatrol,
    CallbackTask,
    Case,
    ComplaintCategoryOption,
    DefectCategory,
    DefectCategoryOption,
    quarter_bounds,
)

CALLBACK_DEFECT_CATEGORY = {
    "sales": DefectCategory.SALES,
    "delivery": DefectCategory.ENGINEERING,
    "residence_3m": DefectCategory.SERVICE,
    "quality_1y": DefectCategory.ENGINEERING,
    "repair": DefectCategory.ENGINEERING,
    "repair_major": DefectCategory.ENGINEERING,
    "rectification": DefectCategory.ENGINEERING,
}


def _span(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end, datetime.time.min, tzinfo=tz),
    )


def complaint_defects(project_ids, start, end) -> list[dict]:
    """Complaints received (follow-ups opened by a callback count once, as the callback), by
    their category's ``defect_category`` (set in admin; none → service)."""
    start_dt, end_dt = _span(start, end)
    line = ComplaintCategoryOption.objects.filter(code=OuterRef("complaint_category"))
    labels = ComplaintCategoryOption.labels()
    rows = Case.objects.filter(
        project_id__in=project_ids,
        kind="complaint",
        source_callback__isnull=True,
        received_at__gte=start_dt,
        received_at__lt=end_dt,
    ).values(
        "pk",
        "project_id",
        "project__name",
        "building_id",
        "building__name",
        "received_at",
        "subject",
        "complaint_category",
        line=Subquery(line.values("defect_category")[:1]),
    )
    return [
        {
            "category": r["line"] or DefectCategory.SERVICE,
            "source_category": labels.get(r["complaint_category"], r["complaint_category"]),
            "project_id": r["project_id"],
            "project": r["project__name"],
            "building_id": r["building_id"],
            "building": r["building__name"] or "",
            "date": timezone.localtime(r["received_at"]).date(),
            "description": r["subject"],
            "url": reverse("feedback:case_detail", args=[r["pk"]]),
        }
        for r in rows.order_by()
    ]


def callback_defects(project_ids, start, end) -> list[dict]:
    """Dissatisfied callbacks completed, by rule (sales → sales, the 3-month callback →
    service, the others → engineering); the building of the customer's active purchase."""
    start_dt, end_dt = _span(start, end)
    unit = Purchase.objects.filter(customer=OuterRef("customer_id"), is_active=True).order_by("pk")
    rows = CallbackTask.objects.filter(
        project_id__in=project_ids,
        dissatisfied=True,
        completed_at__gte=start_dt,
        completed_at__lt=end_dt,
    ).values(
        "pk",
        "project_id",
        "project__name",
        "rule",
        "rule__name",
        "completed_at",
        building_id=Subquery(unit.values("unit__building_id")[:1]),
        building_name=Subquery(unit.values("unit__building__name")[:1]),
    )
    return [
        {
            "category": CALLBACK_DEFECT_CATEGORY.get(r["rule"], DefectCategory.SERVICE),
            "source_category": r["rule__name"],
            "project_id": r["project_id"],
            "project": r["project__name"],
            "building_id": r["building_id"],
            "building": r["building_name"] or "",
            "date": timezone.localtime(r["completed_at"]).date(),
            "description": r["rule__name"],
            "url": reverse("feedback:callback_detail", args=[r["pk"]]),
        }
        for r in rows.order_by()
    ]


def patrol_defects(project_ids, start, end) -> list[dict]:
    """The customer ambassadors' patrol findings, by the category recorded."""
    labels = DefectCategoryOption.labels()
    url = reverse("feedback:patrol_list")
    rows = AmbassadorPatrol.objects.filter(
        project_id__in=project_ids, patrolled_on__gte=start, patrolled_on__lt=end
    ).values(
        "pk",
        "project_id",
        "project__name",
        "building_id",
        "building__name",
        "area",
        "patrolled_on",
        "category",
        "finding",
    )
    return [
        {
            "category": r["category"],
            "source_category": labels.get(r["category"], r["category"]),
            "project_id": r["project_id"],
            "project": r["project__name"],
            "building_id": r["building_id"],
            "building": r["building__name"] or r["area"],
            "date": r["patrolled_on"],
            "description": r["finding"],
            "url": url,
        }
        for r in rows.order_by()
    ]


def defect_rows(projects, *, year: int, quarter: int) -> list[dict]:
    """Every defect of the quarter in the projects, from every source, each with ``source``
    and ``source_label``."""
    ids = [p.pk for p in projects]
    start, end = quarter_bounds(year, quarter)
    out = []
    for source in defect_sources():
        for row in source.rows(ids, start, end):
            out.append({**row, "source": source.code, "source_label": source.label})
    return out


def defect_summary(projects, *, year: int, quarter: int, rows=None) -> dict:
    """The report: ``sources`` (code, label); ``by_category`` — a line per defect category
    (``DefectCategoryOption`` rows; a deactivated one only if it has counts; an unknown code
    under its code) with the count of each source (also under the source's code) and the
    total; ``by_building`` — a line per category, project and building (None: a project-level
    finding) with the same counts."""
    rows = defect_rows(projects, year=year, quarter=quarter) if rows is None else rows
    sources = [(s.code, s.label) for s in defect_sources()]
    options = {o.code: o for o in DefectCategoryOption.objects.all()}
    by_category = {code: {} for code in options}
    by_building = {}
    for r in rows:
        counts = by_category.setdefault(r["category"], {})
        counts[r["source"]] = counts.get(r["source"], 0) + 1
        key = (r["category"], r["project_id"], r["building_id"], r["building"])
        line = by_building.setdefault(key, {"project": r["project"], "counts": {}})
        line["counts"][r["source"]] = line["counts"].get(r["source"], 0) + 1
    order = {code: i for i, code in enumerate(options)}

    def option(code):
        return options.get(code) or DefectCategoryOption(code=code, name=code, active=False)

    def shaped(counts):
        return {
            **{code: counts.get(code, 0) for code, _label in sources},
            "counts": [counts.get(code, 0) for code, _label in sources],
            "total": sum(counts.values()),
        }

    categories = []
    for code, counts in by_category.items():
        line = {"category": option(code), **shaped(counts)}
        if line["category"].active or line["total"]:
            categories.append(line)
    buildings = [
        {
            "category": option(cat),
            "project_id": project_id,
            "project": line["project"],
            "building_id": building_id,
            "building": name,
            **shaped(line["counts"]),
        }
        for (cat, project_id, building_id, name), line in by_building.items()
    ]
    buildings.sort(
        key=lambda b: (
            order.get(b["category"].code, len(order)),
            b["project"],
            b["building_id"] is None,
            b["building"],
        )
    )
    return {"sources": sources, "by_category": categories, "by_building": buildings}


def defect_report(projects, *, year: int, quarter: int) -> list[dict]:
    """The lines by category of ``defect_summary``."""
    return defect_summary(projects, year=year, quarter=quarter)["by_category"]


def defect_drilldown(
    projects,
    *,
    year: int,
    quarter: int,
    category: str = "",
    source: str = "",
    project_id: int | None = None,
    building: str = "",
) -> list[dict]:
    """The individual defects behind a count, newest first: filtered by category, source,
    project and building (a building id, or "none" for project-level findings)."""
    if project_id:
        projects = [p for p in projects if p.pk == project_id]
    rows = defect_rows(projects, year=year, quarter=quarter)
    if category:
        rows = [r for r in rows if r["category"] == category]
    if source:
        rows = [r for r in rows if r["source"] == source]
    if building == "none":
        rows = [r for r in rows if r["building_id"] is None]
    elif building:
        rows = [r for r in rows if str(r["building_id"]) == building]
    labels = DefectCategoryOption.labels()
    for r in rows:
        r["category_label"] = labels.get(r["category"], r["category"])
    rows.sort(key=lambda r: (r["date"], r["url"]), reverse=True)
    return rows
