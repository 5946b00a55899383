"""Handover reports (R-HO-5): summary, daily report, document sign-off list.

Each report is a scoped queryset (one query, however many rows) plus a function that turns a
row into cells, so the screen, the print view and the Excel/CSV export share the same columns.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesite.models import Purchase, Unit

from .models import CaseStatus, HandoverCase, HandoverStep, RectificationItem


def _local_date(value):
    return timezone.localtime(value).date() if value else None


# --- 房屋交接汇总报表 -------------------------------------------------------------------------

SUMMARY_HEADERS = [
    _("楼栋"),
    _("房号"),
    _("建筑面积"),
    _("业主"),
    _("交接状态"),
    _("已完成步骤"),
    _("交房日期"),
    _("未接房原因"),
]


def summary_rows(*, project, batch=None, status: str = ""):
    """Every unit of the project (or batch), taken or not and why."""
    owner = (
        Purchase.objects.filter(unit=OuterRef("pk"), is_active=True)
        .order_by("-signed_on", "-pk")
        .values("customer__name")[:1]
    )
    units = (
        Unit.objects.filter(project=project)
        .select_related("building", "handover__customer")
        .annotate(owner_name=Subquery(owner))
        .order_by("building__name", "number")
    )
    if batch is not None:
        units = units.filter(delivery_batches=batch)
    if status == "not_started":
        units = units.filter(handover__isnull=True)
    elif status:
        units = units.filter(handover__status=status)
    return units


def summary_status(unit) -> str:
    case = getattr(unit, "handover", None)
    if case is None:
        return str(_("未办理"))
    return case.get_status_display()


def summary_cells(unit) -> list:
    case = getattr(unit, "handover", None)
    owner = case.customer.name if case and case.customer else unit.owner_name
    return [
        unit.building.name,
        unit.number,
        unit.area,
        owner or "",
        summary_status(unit),
        case.last_step if case else 0,
        case.handover_date if case else None,
        case.not_taken_reason if case else "",
    ]


def summary_totals(*, project, batch=None) -> dict:
    units = Unit.objects.filter(project=project)
    if batch is not None:
        units = units.filter(delivery_batches=batch)
    return units.aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=Q(handover__status=CaseStatus.COMPLETED)),
        in_progress=Count("pk", filter=Q(handover__status=CaseStatus.IN_PROGRESS)),
        not_taken=Count("pk", filter=Q(handover__status=CaseStatus.NOT_TAKEN)),
        not_started=Count("pk", filter=Q(handover__isnull=True)),
    )


# --- 交房日报表 ------------------------------------------------------------------------------

DAILY_HEADERS = [_("类别"), _("楼栋"), _("房号"), _("业主"), _("内容"), _("金额/期限")]


def _day_bounds(day: datetime.date):
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def daily_report(*, project, day: datetime.date) -> dict:
    start, end = _day_bounds(day)
    cases = HandoverCase.objects.filter(project=project).select_related(
        "unit__building", "customer"
    )
    handed = cases.filter(status=CaseStatus.COMPLETED, completed_on=day).order_by(
        "unit__building__name", "unit__number"
    )
    paid = cases.filter(paid_at__gte=start, paid_at__lt=end).order_by("paid_at")
    defects = (
        RectificationItem.objects.filter(project=project, found_on=day)
        .select_related("case__unit__building", "case__customer")
        .order_by("case__unit__building__name", "case__unit__number", "pk")
    )
    money = paid.aggregate(fees=Sum("paid_amount"), payments=Count("pk"))
    totals = {
        "handed": handed.count(),
        "fees": money["fees"] or 0,
        "payments": money["payments"],
        "defects": defects.count(),
    }
    return {"handed": handed, "paid": paid, "defects": defects, "totals": totals}


def daily_cells(report) -> list[list]:
    rows = []
    for c in report["handed"]:
        rows.append(
            [
                str(_("交房")),
                c.unit.building.name,
                c.unit.number,
                c.customer.name if c.customer else "",
                str(_("钥匙 %(n)s 把") % {"n": c.keys_count or 0}),
                None,
            ]
        )
    for c in report["paid"]:
        rows.append(
            [
                str(_("收费")),
                c.unit.building.name,
                c.unit.number,
                c.customer.name if c.customer else "",
                f"{c.receipt_number} {c.fee_start}~{c.fee_end}",
                c.paid_amount,
            ]
        )
    for d in report["defects"]:
        rows.append(
            [
                str(_("遗留问题")),
                d.case.unit.building.name,
                d.case.unit.number,
                d.case.customer.name if d.case.customer else "",
                f"{d.location}：{d.description}（{d.responsible_unit}，{d.get_status_display()}）",
                d.deadline,
            ]
        )
    return rows


# --- 交房文件签收表 ---------------------------------------------------------------------------

SIGNOFF_HEADERS = [
    _("楼栋"),
    _("房号"),
    _("业主"),
    _("交房日期"),
    _("安全责任制书"),
    _("钥匙数"),
    _("留整改钥匙"),
    _("业主手册/装修手册"),
    _("业主签收"),
]


def signoff_rows(*, project, batch=None):
    """Cases that reached the signed documents, with the date of each signed step."""
    qs = (
        HandoverCase.objects.filter(project=project, last_step__gte=HandoverStep.SAFETY)
        .select_related("unit__building", "customer")
        .annotate(
            safety_at=Max("steps__completed_at", filter=Q(steps__step=HandoverStep.SAFETY)),
            books_at=Max("steps__completed_at", filter=Q(steps__step=HandoverStep.KEYS_READY)),
            signed_at=Max("steps__completed_at", filter=Q(steps__step=HandoverStep.HANDED_OVER)),
        )
        .order_by("unit__building__name", "unit__number")
    )
    if batch is not None:
        qs = qs.filter(unit__delivery_batches=batch)
    return qs


def signoff_cells(case) -> list:
    return [
        case.unit.building.name,
        case.unit.number,
        case.customer.name if case.customer else "",
        case.handover_date,
        _local_date(case.safety_at),
        case.keys_count,
        case.key_kept,
        _local_date(case.books_at),
        _local_date(case.signed_at),
    ]
