"""Excel/CSV exports of the renovation lists (R-DASH-3).

Each function takes the list's filtered, ``visible_to``-scoped queryset and returns
``(headers, rows)`` for ``salesite.exports.export_response``. Rows are streamed in chunks; the
related rows they show come from ``select_related`` or annotations, never from a query per
row. No column holds phones or ID numbers (R-X-5).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from . import selectors

CHUNK = 1000

Export = tuple[list[str], Iterator[list]]


def _name(user) -> str:
    return str(user) if user is not None else ""


def applications(qs) -> Export:
    """The application list and the register (装修办理报表) export the same rows: one per
    application with its money and violations (``selectors.register_rows``)."""
    headers = [str(h) for h in selectors.REGISTER_HEADERS]
    rows = (
        selectors.register_values(a) for a in selectors.register_rows(qs).iterator(chunk_size=CHUNK)
    )
    return headers, rows


def violations(qs) -> Export:
    headers = [
        _("发现时间"),
        _("项目"),
        _("申请编号"),
        _("楼栋"),
        _("房号"),
        _("违章程度"),
        _("状态"),
        _("违章情况"),
        _("发现人"),
        _("被警告人"),
        _("整改通知书编号"),
        _("整改要求"),
        _("整改期限"),
        _("业主已签收"),
        _("装修单位已签收"),
        _("复查时间"),
        _("复查情况"),
    ]
    rows = (
        [
            v.found_at,
            v.project.name,
            v.application.number,
            v.application.unit.building.name,
            v.application.unit.number,
            v.get_severity_display(),
            v.get_state_display(),
            v.description,
            _name(v.found_by),
            v.warned_person,
            v.notice_number,
            v.requirement,
            v.rectify_by,
            v.owner_signed,
            v.contractor_signed,
            v.rechecked_at,
            v.recheck_note,
        ]
        for v in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def lectures(qs) -> Export:
    headers = [
        _("日期"),
        _("开始时间"),
        _("项目"),
        _("主题"),
        _("主讲人"),
        _("地点"),
        _("参加业主"),
        _("内容摘要/咨询问题"),
    ]
    rows = (
        [
            lecture.held_on,
            lecture.starts_at.strftime("%H:%M") if lecture.starts_at else "",
            lecture.project.name,
            lecture.topic,
            lecture.speaker,
            lecture.location,
            lecture.attendee_count,
            lecture.note,
        ]
        for lecture in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows
