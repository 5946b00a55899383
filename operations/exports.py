"""Excel/CSV exports of the sales-site operations lists (R-DASH-3).

Each function takes the list's filtered, ``visible_to``-scoped queryset and returns
``(headers, rows)`` for ``salesite.exports.export_response``. Rows are streamed in chunks; the
related rows they show come from ``select_related`` or annotations, never from a query per
row. Staff appear by name only: no column holds personal data (phones, ID numbers).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

CHUNK = 1000

Export = tuple[list[str], Iterator[list]]


def _name(user) -> str:
    return str(user) if user is not None else ""


def areas(qs) -> Export:
    headers = [_("项目"), _("区域名称"), _("区域类型"), _("岗位数"), _("说明")]
    rows = (
        [a.project.name, a.name, a.get_kind_display(), a.post_count, a.description]
        for a in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def shifts(qs) -> Export:
    headers = [_("班次名称"), _("开始时间"), _("结束时间"), _("适用项目")]
    rows = (
        [
            s.name,
            s.start.strftime("%H:%M"),
            s.end.strftime("%H:%M"),
            s.project.name if s.project_id else _("所有项目通用"),
        ]
        for s in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def roster(qs) -> Export:
    headers = [
        _("日期"),
        _("项目"),
        _("区域"),
        _("岗位"),
        _("班次"),
        _("开始时间"),
        _("结束时间"),
        _("上岗人员"),
        _("备注"),
    ]
    rows = (
        [
            e.date,
            e.project.name,
            e.post.area.name,
            e.post.name,
            e.shift.name,
            e.shift.start.strftime("%H:%M"),
            e.shift.end.strftime("%H:%M"),
            _name(e.user),
            e.note,
        ]
        for e in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def service_types(qs) -> Export:
    headers = [
        _("类别"),
        _("服务名称"),
        _("适用项目"),
        _("启用"),
        _("服务说明"),
        _("参考服务标准"),
    ]
    rows = (
        [
            t.category.name,
            t.name,
            t.project.name if t.project_id else _("通用"),
            t.is_active,
            t.description,
            t.default_standard,
        ]
        for t in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def plans(qs) -> Export:
    headers = [
        _("项目"),
        _("方案名称"),
        _("版本"),
        _("状态"),
        _("服务项数"),
        _("报送人"),
        _("报送时间"),
        _("审核人"),
        _("审核时间"),
        _("审核意见"),
        _("修订原因"),
    ]
    qs = qs.annotate(service_count=Count("services", distinct=True))
    rows = (
        [
            p.project.name,
            p.title,
            f"V{p.version}",
            p.get_status_display(),
            p.service_count,
            _name(p.submitted_by),
            p.submitted_at,
            _name(p.reviewed_by),
            p.reviewed_at,
            p.review_comment,
            p.revision_reason,
        ]
        for p in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def trainings(qs) -> Export:
    headers = [
        _("培训日期"),
        _("项目"),
        _("培训主题"),
        _("培训类型"),
        _("讲师"),
        _("学时"),
        _("地点"),
        _("参训人数"),
        _("考核通过人数"),
    ]
    rows = (
        [
            s.date,
            s.project.name,
            s.topic,
            s.get_kind_display(),
            s.trainer_display,
            s.hours,
            s.place,
            s.attendee_count,
            s.passed_count,
        ]
        for s in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def staff_training(qs) -> Export:
    headers = [
        _("培训日期"),
        _("项目"),
        _("培训主题"),
        _("培训类型"),
        _("讲师"),
        _("学时"),
        _("已出勤"),
        _("考核成绩"),
        _("考核通过"),
        _("培训结果/评语"),
    ]
    rows = (
        [
            a.session.date,
            a.session.project.name,
            a.session.topic,
            a.session.get_kind_display(),
            a.session.trainer_display,
            a.session.hours,
            a.attended,
            a.score,
            a.passed,
            a.result,
        ]
        for a in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def events(qs) -> Export:
    headers = [
        _("开始时间"),
        _("结束时间"),
        _("项目"),
        _("活动名称"),
        _("活动类型"),
        _("地点"),
        _("状态"),
        _("准备事项已完成"),
        _("准备事项总数"),
        _("预计来访人数"),
        _("实际来访人数"),
        _("评分"),
    ]
    rows = (
        [
            e.starts_at,
            e.ends_at,
            e.project.name,
            e.title,
            e.get_kind_display(),
            e.place,
            e.get_status_display(),
            e.done_count,
            e.item_count,
            e.expected_visitors,
            e.visitor_count,
            e.rating,
        ]
        for e in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def inspections(qs) -> Export:
    headers = [
        _("检查日期"),
        _("项目"),
        _("检查表"),
        _("检查人"),
        _("状态"),
        _("得分"),
        _("满分"),
        _("整改项"),
        _("未验证整改项"),
        _("完成时间"),
        _("检查总结"),
    ]
    rows = (
        [
            i.date,
            i.project.name,
            i.checklist.name,
            _name(i.inspector),
            i.get_status_display(),
            i.total_score,
            i.max_total,
            i.rect_count,
            i.open_count,
            i.completed_at,
            i.summary,
        ]
        for i in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def rectifications(qs) -> Export:
    headers = [
        _("整改内容"),
        _("项目"),
        _("检查日期"),
        _("整改负责人"),
        _("整改期限"),
        _("状态"),
        _("逾期"),
        _("整改情况"),
        _("整改完成时间"),
        _("验证人"),
        _("验证时间"),
        _("验证意见"),
    ]
    qs = qs.select_related("verified_by")
    today = timezone.localdate()
    rows = (
        [
            r.description,
            r.project.name,
            r.inspection.date,
            _name(r.owner),
            r.deadline,
            r.get_status_display(),
            r.is_overdue(today),
            r.done_note,
            r.done_at,
            _name(r.verified_by),
            r.verified_at,
            r.verify_note,
        ]
        for r in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows
