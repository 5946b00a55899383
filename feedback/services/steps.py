"""Writes of the 6+2 steps (R-FB-9): other apps tick an action when a workflow performs it;
staff record an action with its date, channel and note; the daily reminder of actions
falling due."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.models import Customer, Project

from ..exceptions import DomainError
from ..models import (
    CustomerStepRecord,
    ProjectStepRecord,
    StepAction,
    StepChannel,
)


def tick_step(
    *,
    customer,
    action_code: str,
    on: datetime.date | None = None,
    source: str = "",
    by=None,
    channel: str = StepChannel.SYSTEM,
):
    """Record that a 6+2 action was done for a customer (R-FB-9); the first date is kept, a
    second call changes nothing. Unknown codes (and no customer) are ignored so that callers
    need not care. ``by``: the member whose workflow step performed it (None: the system)."""
    if customer is None:
        return None
    action = StepAction.objects.filter(code=action_code, per_project=False).first()
    if action is None:
        return None
    record, _created = CustomerStepRecord.objects.get_or_create(
        customer=customer,
        action=action,
        defaults={
            "project_id": customer.project_id,
            "done_on": on or timezone.localdate(),
            "source": source[:60],
            "recorded_by": by,
            "channel": channel,
        },
    )
    return record


def tick_steps_bulk(*, rows, action_code: str, source: str = "") -> int:
    """Bulk variant for batch workflows: rows of (project_id, customer_id, done_on)."""
    action = StepAction.objects.filter(code=action_code).first()
    if action is None:
        return 0
    objs = [
        CustomerStepRecord(project_id=p, customer_id=c, action=action, done_on=d, source=source)
        for p, c, d in rows
    ]
    return len(CustomerStepRecord.objects.bulk_create(objs, ignore_conflicts=True, batch_size=2000))


def _check_day(done_on: datetime.date, today: datetime.date | None) -> None:
    if done_on is None:
        raise DomainError(_("请填写完成日期。"))
    if done_on > (today or timezone.localdate()):
        raise DomainError(_("完成日期不能晚于今天。"))


@transaction.atomic
def step_record(
    *,
    customer,
    action: StepAction,
    done_on: datetime.date,
    channel: str,
    user,
    note: str = "",
    today: datetime.date | None = None,
) -> CustomerStepRecord:
    """A member records a customer's 6+2 action (date, channel, who, note). An action is
    recorded once: a second record of it is refused (its first date stands)."""
    if action.per_project:
        raise DomainError(_("该动作按项目记录，不能记在客户名下。"))
    if channel not in StepChannel.values:
        raise DomainError(_("请选择有效的服务方式。"))
    _check_day(done_on, today)
    # Lock the customer: two members recording the same action at once get one record.
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    existing = CustomerStepRecord.objects.filter(customer=customer, action=action).first()
    if existing is not None:
        raise DomainError(
            _("“%(action)s”已于 %(day)s 记录，不能重复记录。")
            % {"action": action.name, "day": existing.done_on.isoformat()}
        )
    return CustomerStepRecord.objects.create(
        project_id=customer.project_id,
        customer=customer,
        action=action,
        done_on=done_on,
        channel=channel,
        recorded_by=user,
        note=note.strip()[:200],
        source="staff",
    )


@transaction.atomic
def project_step_record(
    *,
    project,
    action: StepAction,
    done_on: datetime.date,
    user,
    note: str = "",
    today: datetime.date | None = None,
) -> ProjectStepRecord:
    """The project's +2 (四年之约: the facility renewal plan) is recorded, once."""
    if not action.per_project:
        raise DomainError(_("该动作须记在客户名下。"))
    _check_day(done_on, today)
    project = Project.objects.select_for_update().get(pk=project.pk)
    existing = ProjectStepRecord.objects.filter(project=project, action=action).first()
    if existing is not None:
        raise DomainError(
            _("“%(action)s”已于 %(day)s 记录，不能重复记录。")
            % {"action": action.name, "day": existing.done_on.isoformat()}
        )
    return ProjectStepRecord.objects.create(
        project=project, action=action, done_on=done_on, note=note.strip()[:200], recorded_by=user
    )


def steps_remind(*, today: datetime.date | None = None) -> dict:
    """Daily: tell the responsible role of each open action falling due (and of the project's
    四年之约), once per action and customer (once per project for the +2)."""
    from salesite.notifications import notify_each_once

    from ..selectors.steps import steps_falling_due

    rows = steps_falling_due(today)

    def message(row) -> dict:
        if row.customer_id is None:
            return {
                "title": _("6+2服务动作到期：%(project)s · %(action)s")
                % {"project": row.project.name, "action": row.action.name},
                "body": _("%(step)s，应于 %(due)s 完成。")
                % {"step": row.action.get_step_display(), "due": row.due.isoformat()},
                "url": reverse("feedback:step_list") + f"?project={row.project_id}",
            }
        return {
            "title": _("6+2服务动作到期：%(customer)s · %(action)s")
            % {"customer": row.customer_name, "action": row.action.name},
            "body": _("%(step)s，应于 %(due)s 完成。")
            % {"step": row.action.get_step_display(), "due": row.due.isoformat()},
            "url": reverse("feedback:customer_steps", args=[row.customer_id]),
        }

    def key(row) -> str:
        if row.customer_id is None:
            return f"feedback:step:project:{row.project_id}:{row.action.pk}"
        return f"feedback:step:{row.customer_id}:{row.action.pk}"

    return notify_each_once(
        rows, roles=lambda row: [row.action.responsible_role], message=message, key=key
    )
