"""Excel/CSV exports of the handover lists and of the tables of a notice and an open day
(R-DASH-3).

Each function takes the list's filtered, ``visible_to``-scoped queryset and returns
``(headers, rows)`` for ``salesite.exports.export_response``. Rows are streamed in chunks; the
related rows they show come from ``select_related`` or annotations, never from a query per
row. Owners appear by name; their phones are masked unless the user's role may see them on
the row's project (``salesite.exports.PersonalData``, R-X-5).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from salesite.exports import PersonalData

from .models import OccupantKind

CHUNK = 1000

Export = tuple[list[str], Iterator[list]]


def _name(obj) -> str:
    return str(obj) if obj is not None else ""


def batches(qs) -> Export:
    headers = [
        _("项目"),
        _("批次"),
        _("计划交付日期"),
        _("房屋数"),
        _("进行中节点"),
        _("逾期节点"),
        _("备注"),
    ]
    rows = (
        [
            b.project.name,
            b.name,
            b.planned_delivery_date,
            b.unit_count,
            b.open_milestones,
            b.overdue_milestones,
            b.note,
        ]
        for b in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def cases(qs) -> Export:
    headers = [
        _("项目"),
        _("交付批次"),
        _("楼栋"),
        _("房号"),
        _("业主"),
        _("状态"),
        _("未接房原因"),
        _("已完成步骤"),
        _("交房日期"),
        _("交接完成日期"),
        _("未整改"),
    ]
    rows = (
        [
            c.project.name,
            c.batch.name if c.batch_id else "",
            c.unit.building.name,
            c.unit.number,
            c.customer.name if c.customer_id else "",
            c.get_status_display(),
            c.not_taken_reason,
            f"{c.last_step}/9",
            c.handover_date,
            c.completed_on,
            c.open_items,
        ]
        for c in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def notices(qs) -> Export:
    headers = [
        _("项目"),
        _("标题"),
        _("类别"),
        _("节点"),
        _("状态"),
        _("短信"),
        _("邮件"),
        _("刊登于社区报"),
        _("接收人数"),
        _("发送时间"),
        _("发送人"),
        _("内容"),
    ]
    rows = (
        [
            n.project.name,
            n.title,
            n.get_kind_display(),
            n.get_milestone_display() if n.milestone else "",
            n.get_status_display(),
            n.by_sms,
            n.by_email,
            n.in_newsletter,
            n.recipient_count,
            n.sent_at,
            _name(n.sent_by),
            n.body,
        ]
        for n in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def notice_recipients(notice, qs, user) -> Export:
    """The receipt table of one notice; phones masked as on its page (R-X-5)."""
    headers = [_("业主"), _("手机"), _("已发短信"), _("邮件发送时间")]
    personal = PersonalData(user)
    rows = (
        [
            r.customer.name,
            personal.phone(notice.project, r.phone),
            r.sms_sent,
            r.email_sent_at,
        ]
        for r in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def opendays(qs) -> Export:
    headers = [_("项目"), _("主题"), _("开放日期"), _("邀请发送时间"), _("邀请"), _("到场")]
    rows = (
        [d.project.name, d.title, d.held_on, d.invited_at, d.invited, d.attended]
        for d in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def invitations(day, qs, user) -> Export:
    """The invitations of one open day with attendance and opinions; phones masked (R-X-5)."""
    headers = [_("业主"), _("手机"), _("业主回复"), _("报名人数"), _("已到场"), _("意见")]
    personal = PersonalData(user)
    rows = (
        [
            i.customer.name,
            personal.phone(day.project, i.customer.phone),
            i.get_rsvp_display(),
            i.rsvp_people,
            i.attended,
            i.opinion,
        ]
        for i in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def moveins(qs) -> Export:
    headers = [
        _("项目"),
        _("楼栋"),
        _("房号"),
        _("入住人"),
        _("姓名"),
        _("入住日期"),
        _("开始计费"),
        _("租户信息表"),
        _("业主档案更新"),
    ]

    def occupant(m) -> str:
        if m.tenant_id:
            return m.tenant.name
        return m.customer.name if m.customer_id else ""

    rows = (
        [
            m.project.name,
            m.unit.building.name,
            m.unit.number,
            m.get_occupant_kind_display(),
            occupant(m),
            m.move_in_date,
            m.billing_start,
            m.has_tenant_info if m.occupant_kind == OccupantKind.TENANT else "",
            m.owner_file_updated_at,
        ]
        for m in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def releases(qs, user) -> Export:
    headers = [
        _("项目"),
        _("楼栋"),
        _("房号"),
        _("携带人"),
        _("携带人身份"),
        _("携带人电话"),
        _("放行物品"),
        _("出门性质"),
        _("放行时间"),
        _("经办人"),
        _("频繁放行"),
    ]
    personal = PersonalData(user)

    def items(release) -> str:
        return "；".join(
            f"{i.get('name', '')} × {i.get('quantity', '')}"
            for i in release.items or []
            if isinstance(i, dict)
        )

    rows = (
        [
            r.project.name,
            r.unit.building.name,
            r.unit.number,
            r.carrier_name,
            r.get_carrier_kind_display(),
            personal.phone(r.project, r.carrier_phone),
            items(r),
            r.get_reason_display(),
            r.released_at,
            _name(r.handled_by),
            r.flagged,
        ]
        for r in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows


def inspections(qs) -> Export:
    headers = [
        _("项目"),
        _("交付批次"),
        _("楼栋"),
        _("房号"),
        _("轮次"),
        _("验收日期"),
        _("验收人"),
        _("问题数"),
        _("状态"),
        _("完成时间"),
    ]
    rows = (
        [
            i.project.name,
            i.batch.name if i.batch_id else "",
            i.unit.building.name,
            i.unit.number,
            i.get_round_display(),
            i.inspected_on,
            _name(i.inspector),
            i.defect_count,
            _("已完成") if i.completed_at else _("进行中"),
            i.completed_at,
        ]
        for i in qs.iterator(chunk_size=CHUNK)
    )
    return headers, rows
