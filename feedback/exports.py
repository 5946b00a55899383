"""Excel/CSV exports of the feedback lists: cases, callbacks, the quarterly assessment, warranty
ledger and a warranty item's reports, club events, ambassador patrols, the defect report and
contractor ranking, referrals, repeat purchases and the loyalty rates (R-DASH-3).

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
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.exports import PersonalData

from .models import ClubEventAttendee

CHUNK = 1000

Export = tuple[list[str], Iterator[list]]


def _unit(unit) -> str:
    return f"{unit.building.name}-{unit.number}" if unit is not None else ""


def _minute(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def cases(qs) -> Export:
    headers = [
        _("编号"),
        _("项目"),
        _("类型"),
        _("方式"),
        _("状态"),
        _("受理时间"),
        _("客户"),
        _("楼栋"),
        _("房号"),
        _("事由"),
        _("责任人"),
        _("转派期限"),
        _("答复期限"),
        _("超时"),
    ]
    rows = (
        [
            c.number,
            c.project.name,
            c.get_kind_display(),
            c.get_channel_display(),
            c.get_status_display(),
            _minute(c.received_at),
            c.customer_label,
            c.building.name if c.building_id else "",
            c.unit.number if c.unit_id else "",
            c.subject,
            c.responsible_person,
            _minute(c.dispatch_due),
            _minute(c.answer_due),
            _("是") if c.breached else "",
        ]
        for c in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def callbacks(qs) -> Export:
    headers = [
        _("项目"),
        _("回访类型"),
        _("客户"),
        _("期限"),
        _("回访人"),
        _("状态"),
        _("次数"),
        _("得分"),
    ]
    rows = (
        [
            t.project.name,
            t.get_rule_display(),
            t.customer.name,
            t.due_date,
            str(t.assigned_to or ""),
            t.get_status_display(),
            t.attempts,
            t.score or "",
        ]
        for t in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def assessment(ranking: list[dict]) -> Export:
    """The rows of ``selectors.assessment_ranking``."""
    headers = [
        _("排名"),
        _("项目"),
        _("A1 感知指标"),
        _("A2 流程指标"),
        _("回访及时率"),
        _("事项按时率"),
        _("进度告知率"),
        _("A3 客户评价"),
        _("总分"),
        _("计算总分"),
        _("以集团BSC结果为准"),
    ]
    rows = (
        [
            r["rank"] or "",
            r["project"].name,
            r["a1"],
            r["a2"],
            r["callbacks_on_time"],
            r["cases_on_time"],
            r["notices_sent"],
            r["a3"],
            r["total"],
            r["computed_total"],
            _("是") if r["bsc"] else "",
        ]
        for r in ranking
    )
    return headers, rows


def _channels_done(item) -> str:
    """The channels an item's owners were told by (flags of ``warranty_channel_flags``)."""
    names = [
        (item.by_sms, _("短信")),
        (item.by_email, _("邮件")),
        (item.by_board, _("公告栏")),
        (item.by_phone, _("电话")),
    ]
    return "、".join(str(name) for done, name in names if done) or _("未通知")


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
        _("通知方式"),
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
            _channels_done(i),
            i.collection_until,
            i.report_count,
            i.note,
        ]
        for i in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def warranty_reports(item, reports) -> Export:
    """The problems reported on one warranty item."""
    headers = [
        _("项目"),
        _("部位/系统"),
        _("责任单位"),
        _("保修到期"),
        _("楼栋"),
        _("房号"),
        _("业主"),
        _("问题"),
        _("反映日期"),
        _("状态"),
        _("答复期限"),
    ]
    rows = (
        [
            item.project.name,
            item.name,
            item.responsible_unit,
            item.ends_on,
            r.unit.building.name if r.unit_id else "",
            r.unit.number if r.unit_id else "",
            r.customer.name if r.customer_id else "",
            r.description,
            r.reported_on,
            r.get_status_display(),
            r.response_due,
        ]
        for r in reports
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


def defects(report: dict) -> Export:
    """The lines of ``selectors.defect_summary``: by category, then by category and building."""
    labels = [label for _code, label in report["sources"]]
    headers = [_("类别"), _("项目"), _("楼栋"), *labels, _("合计")]
    rows = [
        [r["category"].name, _("全部"), _("全部"), *r["counts"], r["total"]]
        for r in report["by_category"]
    ]
    rows += [
        [r["category"].name, r["project"], r["building"] or "—", *r["counts"], r["total"]]
        for r in report["by_building"]
    ]
    return headers, rows


def contractors(ranking: list[dict]) -> Export:
    """The rows of ``selectors.contractor_ranking``."""
    headers = [_("排名"), _("维修单位"), _("平均满意度(1–5)"), _("回访数"), _("不满意数")]
    rows = ([r["rank"], r["contractor"], r["mean"], r["count"], r["dissatisfied"]] for r in ranking)
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


def loyalty_rates(rates: list[dict]) -> Export:
    """The rows of ``selectors.loyalty_rates``."""
    headers = [
        _("项目"),
        _("签约套数"),
        _("推荐成交"),
        _("推荐成交率(%)"),
        _("再次购房"),
        _("复购率(%)"),
    ]
    rows = (
        [
            r["project"].name,
            r["signed"],
            r["referred"],
            r["referral_rate"],
            r["repeat"],
            r["repeat_rate"],
        ]
        for r in rates
    )
    return headers, rows
