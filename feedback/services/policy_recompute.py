"""Re-apply the current service policy to the open items of some projects (the admin action
"按当前规则重新计算未完成事项" on ServicePolicy, through ``salesite.policy.register_recompute``).

Only deadlines not yet met move: a case's dispatch deadline while it waits for dispatch, its
answer deadline while unanswered and without a time promised to the customer; a warranty
item's notice lead before its notice went out and the answer deadline of reports sent and not
resolved. Closed cases and met deadlines keep the values they were made with. Each function
returns one line per change; a second run returns none.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.policy import policies_for

from .. import deadlines
from ..models import Case, CaseStatus, WarrantyItem, WarrantyReport
from ..models.cases import OPEN_STATUSES


def _at(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")


@transaction.atomic
def cases_recompute(project_ids, *, now=None) -> list[str]:
    policies = policies_for(project_ids)
    changes = []
    waiting = Q(dispatch_due__isnull=False, dispatched_at__isnull=True, status=CaseStatus.NEW)
    unanswered = Q(answer_due__isnull=False, replied_at__isnull=True, promised_at__isnull=True)
    cases = (
        Case.objects.select_for_update()
        .filter(waiting | unanswered, project_id__in=project_ids, status__in=OPEN_STATUSES)
        .order_by("pk")
    )
    for case in cases:
        policy = policies[case.project_id]
        rules = dict(case.rule_values or {})
        fields = []
        if case.dispatch_due and not case.dispatched_at and case.status == CaseStatus.NEW:
            due = deadlines.dispatch_due(
                kind=case.kind,
                received_at=case.received_at,
                settled_on_spot=case.settled_on_spot,
                dispatch_minutes=policy.dispatch_minutes,
            )
            rules["dispatch_minutes"] = policy.dispatch_minutes
            if due and due != case.dispatch_due:
                changes.append(
                    _("%(case)s 转派期限 %(old)s → %(new)s")
                    % {"case": case.number, "old": _at(case.dispatch_due), "new": _at(due)}
                )
                case.dispatch_due = due
                fields.append("dispatch_due")
        if case.answer_due and not case.replied_at and not case.promised_at:
            due = deadlines.answer_due(
                kind=case.kind,
                received_at=case.received_at,
                settled_on_spot=case.settled_on_spot,
                answer_hours=policy.answer_hours,
            )
            rules["answer_hours"] = policy.answer_hours
            if due and due != case.answer_due:
                changes.append(
                    _("%(case)s 答复期限 %(old)s → %(new)s")
                    % {"case": case.number, "old": _at(case.answer_due), "new": _at(due)}
                )
                case.answer_due = due
                fields.append("answer_due")
        if rules != case.rule_values:
            case.rule_values = rules
            fields.append("rule_values")
        if fields:
            case.save(update_fields=fields)
    return changes


@transaction.atomic
def warranty_recompute(project_ids, *, now=None) -> list[str]:
    today = timezone.localdate(now or timezone.now())
    policies = policies_for(project_ids)
    changes = []
    open_items = WarrantyItem.objects.filter(project_id__in=project_ids).filter(
        Q(notice_sent_on__isnull=True, ends_on__gte=today)
        | Q(reports__status=WarrantyReport.Status.SENT)
    )
    # FOR UPDATE refuses DISTINCT (PostgreSQL): lock by the ids.
    items = (
        WarrantyItem.objects.select_for_update()
        .filter(pk__in=open_items.values("pk"))
        .order_by("pk")
    )
    for item in items:
        policy = policies[item.project_id]
        rules = dict(item.rule_values or {})
        if item.notice_sent_on is None:
            old = rules.get("warranty_notice_months")
            rules["warranty_notice_months"] = policy.warranty_notice_months
            if old != policy.warranty_notice_months:
                changes.append(
                    _("保修项目“%(item)s”到期公示提前 %(old)s → %(new)s 个月（%(from)s 起公示）")
                    % {
                        "item": item.name,
                        "old": old or "—",
                        "new": policy.warranty_notice_months,
                        "from": _at(
                            deadlines.add_months(item.ends_on, -policy.warranty_notice_months)
                        ),
                    }
                )
        rules["warranty_response_days"] = policy.warranty_response_days
        reports = WarrantyReport.objects.filter(
            item=item, status=WarrantyReport.Status.SENT, sent_on__isnull=False
        ).order_by("pk")
        for report in reports:
            due = report.sent_on + datetime.timedelta(days=policy.warranty_response_days)
            if due != report.response_due:
                changes.append(
                    _("保修项目“%(item)s”问题 #%(n)s 责任单位答复期限 %(old)s → %(new)s")
                    % {
                        "item": item.name,
                        "n": report.pk,
                        "old": _at(report.response_due),
                        "new": _at(due),
                    }
                )
                report.response_due = due
                report.save(update_fields=["response_due"])
        if rules != item.rule_values:
            item.rule_values = rules
            item.save(update_fields=["rule_values"])
    return changes
