"""Re-apply the current service policy to the open applications of some projects (the admin
action on ServicePolicy, through ``salesite.policy.register_recompute``).

A review deadline moves while the application is in review; a refund date while the deposit
waits after the completion acceptance. Applications not yet at that point take the new value
for when they get there. Refunded or closed applications keep what they were made with. One
line per change; a second run returns none.
"""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.policy import policies_for

from ..models import RenovationApplication, Status
from ..working_days import add_working_days

BEFORE_REVIEW = [Status.DRAFT, Status.RETURNED, Status.WAITING_GOVERNMENT]
BEFORE_REFUND = [
    *BEFORE_REVIEW,
    Status.SUBMITTED,
    Status.APPROVED,
    Status.AGREEMENT_SIGNED,
    Status.FEES_PAID,
    Status.PERMITTED,
    Status.COMPLETION_APPLIED,
    Status.RECTIFICATION,
    Status.COMPLETION_ACCEPTED,
]


def _pending_rule(app, rules, name, new, label, unit) -> list[str]:
    old = rules.get(name)
    rules[name] = new
    if old == new:
        return []
    return [
        _("%(app)s %(label)s %(old)s → %(new)s %(unit)s（届时适用）")
        % {"app": app.number or app.pk, "label": label, "old": old or "—", "new": new, "unit": unit}
    ]


@transaction.atomic
def applications_recompute(project_ids, *, now=None) -> list[str]:
    policies = policies_for(project_ids)
    changes = []
    apps = (
        RenovationApplication.objects.select_for_update()
        .filter(project_id__in=project_ids, status__in=BEFORE_REFUND)
        .order_by("pk")
    )
    for app in apps:
        policy = policies[app.project_id]
        rules = dict(app.rule_values or {})
        fields = []
        days, months = policy.review_working_days, policy.refund_wait_months
        if app.status == Status.SUBMITTED and app.submitted_at and app.review_due_at:
            rules["review_working_days"] = days
            due = add_working_days(app.submitted_at, days)
            if due != app.review_due_at:
                changes.append(
                    _("%(app)s 审核截止时间 %(old)s → %(new)s")
                    % {
                        "app": app.number,
                        "old": timezone.localtime(app.review_due_at).strftime("%Y-%m-%d %H:%M"),
                        "new": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
                    }
                )
                app.review_due_at = due
                fields.append("review_due_at")
        elif app.status in BEFORE_REVIEW:
            changes += _pending_rule(
                app, rules, "review_working_days", days, _("审核时限"), _("个工作日")
            )
        if app.status == Status.COMPLETION_ACCEPTED and app.completion_accepted_on:
            rules["refund_wait_months"] = months
            due = app.completion_accepted_on + relativedelta(months=months)
            if due != app.refund_due_on:
                changes.append(
                    _("%(app)s 押金可退日期 %(old)s → %(new)s")
                    % {"app": app.number, "old": app.refund_due_on or "—", "new": due}
                )
                app.refund_due_on = due
                fields.append("refund_due_on")
        else:
            changes += _pending_rule(
                app, rules, "refund_wait_months", months, _("押金退还等待期"), _("个月")
            )
        if rules != app.rule_values:
            app.rule_values = rules
            fields.append("rule_values")
        if fields:
            app.save(update_fields=fields)
    return changes
