"""Excel/CSV exports of the feedback lists: warranty ledger, club events, ambassador patrols,
referrals and repeat purchases (R-DASH-3).

Each function takes the list's filtered, ``visible_to``-scoped queryset and returns
``(headers, rows)`` for ``salesite.exports.export_response``. Rows are streamed in chunks; the
related rows they show come from ``select_related`` or annotations, never from a query per
row. Phones are masked unless the user's role may see them on the row's project
(``salesite.exports.PersonalData``, R-X-5).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from salesite.exports import PersonalData

from .models import ClubEventAttendee

CHUNK = 1000

Export = tuple[list[str], Iterator[list]]


def _unit(unit) -> str:
    return f"{unit.building.name}-{unit.number}" if unit is not None else ""


def warranty_items(qs) -> Export:
    headers = [
        _("部位/系统"),
        _("项目"),
        _("楼栋"),
        _("责任单位"),
        _("保修开始"),
        _("保修到期"),
        _("到期公示日期"),
        _("公示次数"),
        _("问题收集截止"),
        _("问题数"),
        _("备注"),
    ]
    rows = (
        [
            i.name,
            i.project.name,
            i.building.name if i.building_id else "",
            i.responsible_unit,
            i.starts_on,
            i.ends_on,
            i.notice_sent_on,
            i.notice_count,
            i.collection_until,
            i.report_count,
            i.note,
        ]
        for i in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def club_events(qs) -> Export:
    headers = [
        _("活动时间"),
        _("项目"),
        _("活动名称"),
        _("地点"),
        _("名额"),
        _("报名人数"),
        _("到场人数"),
        _("内容"),
    ]
    attended = (
        ClubEventAttendee.objects.filter(event=OuterRef("pk"), attended=True)
        .order_by()
        .values("event")
        .annotate(n=Count("*"))
        .values("n")
    )
    qs = qs.annotate(attended_count=Coalesce(Subquery(attended), 0))
    rows = (
        [
            e.starts_at,
            e.project.name,
            e.title,
            e.place,
            e.capacity,
            e.attendee_count,
            e.attended_count,
            e.description,
        ]
        for e in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def patrols(qs) -> Export:
    headers = [
        _("巡查日期"),
        _("半月"),
        _("项目"),
        _("楼栋/区域"),
        _("类别"),
        _("发现的问题"),
        _("客户大使"),
    ]
    rows = (
        [
            p.patrolled_on,
            p.half_month,
            p.project.name,
            p.building.name if p.building_id else p.area,
            p.get_category_display(),
            p.finding,
            str(p.ambassador) if p.ambassador_id else "",
        ]
        for p in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def referrals(qs, user) -> Export:
    headers = [
        _("登记时间"),
        _("项目"),
        _("推荐人"),
        _("被推荐人"),
        _("被推荐人电话"),
        _("状态"),
        _("成交日期"),
        _("成交房屋"),
        _("奖励"),
    ]
    personal = PersonalData(user)
    qs = qs.select_related("project", "referrer", "purchase__unit__building")
    rows = (
        [
            r.recorded_at,
            r.project.name,
            r.referrer.name,
            r.referred_name,
            personal.phone(r.project, r.referred_phone),
            r.get_status_display(),
            r.signed_on,
            _unit(r.purchase.unit) if r.purchase_id else "",
            r.reward,
        ]
        for r in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def repeat_purchases(qs) -> Export:
    headers = [
        _("登记时间"),
        _("项目"),
        _("业主"),
        _("房屋"),
        _("以前购房项目"),
        _("以前购房房屋"),
        _("购房折扣(%)"),
        _("奖励"),
    ]
    qs = qs.select_related(
        "project",
        "purchase__customer",
        "purchase__unit__building",
        "previous_purchase__project",
        "previous_purchase__unit__building",
    )
    rows = (
        [
            r.recorded_at,
            r.project.name,
            r.purchase.customer.name,
            _unit(r.purchase.unit),
            r.previous_purchase.project.name,
            _unit(r.previous_purchase.unit),
            r.discount_percent,
            r.reward,
        ]
        for r in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows
