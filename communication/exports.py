"""Excel/CSV exports of the communication lists and the compliance report (R-DASH-3).

Each function takes the list's filtered, ``visible_to``-scoped queryset (or the report's rows)
and returns ``(headers, rows)`` for ``salesite.exports.export_response``. Rows are streamed in
chunks; every related row they show comes from ``select_related``/``prefetch_related`` or an
annotation, never from a query per row. No column holds personal data (phones, ID numbers).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from communication.models import Problem
from salesite.models import ProjectMembership

CHUNK = 1000


def _person(membership) -> str:
    """A participant or developer-side owner: the user, or the contact's name (no company join)."""
    if membership is None:
        return ""
    return str(membership.user) if membership.user_id else membership.contact.name


def records(qs) -> tuple[list[str], Iterator[list]]:
    headers = [
        _("时间"),
        _("项目"),
        _("层级"),
        _("地点"),
        _("部门"),
        _("参加人员"),
        _("其他参加人员"),
        _("沟通事项"),
        _("决定事项"),
        _("问题数"),
        _("记录人"),
    ]
    qs = qs.select_related("department").prefetch_related(
        Prefetch(
            "participants",
            queryset=ProjectMembership.objects.select_related("user", "contact", "role"),
        )
    )

    def rows():
        for r in qs.iterator(chunk_size=CHUNK):
            yield [
                r.held_at,
                r.project.name,
                r.level.name,
                r.place,
                r.department.name if r.department_id else "",
                "、".join(f"{_person(m)}（{m.role.name}）" for m in r.participants.all()),
                r.other_participants,
                r.topics,
                r.decisions,
                r.problem_count,
                str(r.created_by) if r.created_by_id else "",
            ]

    return headers, rows()


def reports(qs) -> tuple[list[str], Iterator[list]]:
    headers = [
        _("日期"),
        _("项目"),
        _("层级"),
        _("工作小结"),
        _("反馈信息"),
        _("下月计划"),
        _("记录人"),
    ]

    def rows():
        for r in qs.iterator(chunk_size=CHUNK):
            yield [
                r.held_on,
                r.project.name,
                r.level.name,
                r.summary,
                r.feedback,
                r.next_plan if r.level.has_next_plan else "",
                str(r.created_by) if r.created_by_id else "",
            ]

    return headers, rows()


def problems(qs) -> tuple[list[str], Iterator[list]]:
    headers = [
        _("问题"),
        _("项目"),
        _("层级"),
        _("状态"),
        _("责任人"),
        _("地产方责任人"),
        _("完成期限"),
        _("逾期"),
        _("提出于"),
        _("说明"),
        _("处理结果"),
        _("解决时间"),
    ]
    qs = qs.select_related("raised_in", "developer_owner__user", "developer_owner__contact")
    today = timezone.localdate()

    def rows():
        for p in qs.iterator(chunk_size=CHUNK):
            yield [
                p.title,
                p.project.name,
                p.level.name,
                p.get_status_display(),
                str(p.owner) if p.owner_id else "",
                _person(p.developer_owner),
                p.due_date,
                p.status != Problem.Status.RESOLVED and p.due_date < today,
                p.raised_in.held_on if p.raised_in_id else "",
                p.description,
                p.resolution,
                p.resolved_at,
            ]

    return headers, rows()


def compliance(report_rows: Iterable) -> tuple[list[str], Iterator[list]]:
    """One row per project × level, as on the screen: the rate and the missing periods."""
    headers = [
        _("项目"),
        _("层级"),
        _("每周期至少次数"),
        _("达标周期"),
        _("应统计周期"),
        _("缺失"),
        _("达标率(%)"),
        _("缺失周期"),
    ]

    def rows():
        for row in report_rows:
            yield [
                row.project.name,
                row.level.name,
                row.level.min_count,
                row.met,
                len(row.counted),
                len(row.missing),
                row.rate,
                "、".join(p.label for p in row.missing),
            ]

    return headers, rows()
