"""Writes for delivery batches and their pre-delivery milestones (R-HO-1)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.audit_bulk import bulk_create_audited, bulk_update_objects_audited
from salesite.exceptions import DomainError, InvalidTransition
from salesite.models import Unit
from salesite.workflow import can_transition, transition

from ..models import (
    DeliveryBatch,
    InspectionRound,
    Milestone,
    MilestonePlan,
    MilestoneStatus,
)
from ..selectors import mock_round_pending_units

# --- delivery batches and milestones (R-HO-1) ------------------------------------------------


def _units_for(project, units=None, buildings=None) -> list[Unit]:
    chosen = {u.pk: u for u in units or []}
    if buildings:
        for u in Unit.objects.filter(building__in=buildings):
            chosen[u.pk] = u
    for u in chosen.values():
        if u.project_id != project.pk:
            raise DomainError(_("房屋 %(unit)s 不属于本项目。") % {"unit": u})
    return list(chosen.values())


@transaction.atomic
def batch_create(
    *,
    project,
    name: str,
    planned_delivery_date: datetime.date,
    user=None,
    units=None,
    buildings=None,
    note: str = "",
) -> DeliveryBatch:
    """Create a batch with its units and a copy of the pre-delivery plan's milestones."""
    if buildings and any(b.project_id != project.pk for b in buildings):
        raise DomainError(_("所选楼栋不属于本项目。"))
    if DeliveryBatch.objects.filter(project=project, name=name).exists():
        raise DomainError(_("本项目已有同名交付批次。"))
    batch_units = _units_for(project, units, buildings)
    plan = plan_for(project)
    steps = list(plan.steps.prefetch_related("responsible_roles").order_by("order"))
    batch = DeliveryBatch.objects.create(
        project=project,
        name=name,
        planned_delivery_date=planned_delivery_date,
        note=note,
        created_by=user,
        plan=plan,
    )
    batch.units.set(batch_units)
    # The batch copies the steps: a later edit of the plan leaves this batch alone.
    milestones = bulk_create_audited(
        Milestone,
        [
            Milestone(
                project=project,
                batch=batch,
                kind=step.code,
                name=step.name,
                offset_months=step.offset_months,
                offset_days=step.offset_days,
                mock_round=step.mock_round,
                scope_note=step.scope_note,
                due_date=step.due_for(planned_delivery_date),
            )
            for step in steps
        ],
    )
    if milestones[0].pk is None:  # backends that do not return pks from bulk_create
        milestones = list(batch.milestones.order_by("pk"))
    by_kind = {m.kind: m for m in milestones}
    Through = Milestone.responsible_roles.through
    Through.objects.bulk_create(
        [
            Through(milestone_id=by_kind[step.code].pk, role_id=role.pk)
            for step in steps
            for role in step.responsible_roles.all()
        ]
    )
    return batch


def plan_for(project) -> MilestonePlan:
    """The default plan of the project's property company, else the global default; a plan
    without steps is refused (admin refuses to save one; this guards a plan emptied since)."""
    plans = MilestonePlan.objects.filter(is_default=True)
    plan = None
    if project.property_company_id:
        plan = plans.filter(company_id=project.property_company_id).first()
    plan = plan or plans.filter(company__isnull=True).first()
    if plan is None:
        raise DomainError(_("没有默认的交付前节点计划，请管理员在后台设置。"))
    if not plan.steps.exists():
        raise DomainError(_("交付前节点计划“%(plan)s”没有节点。") % {"plan": plan.name})
    return plan


@transaction.atomic
def batch_change_date(*, batch: DeliveryBatch, planned_delivery_date: datetime.date, user=None):
    """Move the delivery date: open milestones move with it, completed ones stay."""
    batch = DeliveryBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.planned_delivery_date == planned_delivery_date:
        return batch
    batch.planned_delivery_date = planned_delivery_date
    batch.save(update_fields=["planned_delivery_date"])
    moved = []
    for m in batch.milestones.select_for_update().exclude(status=MilestoneStatus.DONE):
        m.due_date = m.due_for(planned_delivery_date)  # the batch's own copy of the offset
        # A moved milestone is judged afresh: reminders and overdue marks may fire again.
        m.reminded_for = None
        m.overdue_marked_at = None
        if m.status == MilestoneStatus.OVERDUE:
            transition(
                m,
                MilestoneStatus.OPEN,
                by=user,
                fields=["due_date", "reminded_for", "overdue_marked_at"],
            )
        else:
            moved.append(m)
    bulk_update_objects_audited(
        moved, ["due_date", "reminded_for", "overdue_marked_at"], actor=user
    )
    return batch


@transaction.atomic
def milestone_complete(
    *, milestone: Milestone, user, result_note: str, on: datetime.date | None = None
) -> Milestone:
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if not can_transition(milestone, MilestoneStatus.DONE):
        raise InvalidTransition(_("该节点已完成。"))  # DONE is the only state that refuses it
    if not result_note.strip():
        raise DomainError(_("请填写结果说明。"))
    _check_mock_round_complete(milestone)
    milestone.result_note = result_note
    milestone.completed_on = on or timezone.localdate()
    milestone.completed_by = user
    transition(
        milestone,
        MilestoneStatus.DONE,
        by=user,
        note=result_note,
        fields=["result_note", "completed_on", "completed_by"],
    )
    return milestone


def _check_mock_round_complete(milestone: Milestone) -> None:
    """A milestone that requires a mock-inspection round (copied from its plan step) is done
    only when every unit of the batch has that round."""
    round_ = milestone.mock_round
    if round_ is None:
        return
    pending = mock_round_pending_units(milestone.batch, round_)
    count = pending.count()
    if count:
        labels = "、".join(
            f"{u.building.name}-{u.number}"
            for u in pending.select_related("building").order_by("building__name", "number")[:5]
        )
        raise DomainError(
            _("还有 %(n)s 户未完成%(round)s（%(units)s%(more)s），不能标记该节点完成。")
            % {
                "n": count,
                "round": InspectionRound(round_).label,
                "units": labels,
                "more": _("等") if count > 5 else "",
            }
        )


def _responsible_codes(m: Milestone) -> list[str]:
    return [r.code for r in m.responsible_roles.all()]  # prefetched


# The longest reminder lead the service policy allows (ServicePolicy.milestone_reminder_days).
REMINDER_HORIZON_DAYS = 90


def milestones_remind(*, today: datetime.date | None = None, days: int | None = None) -> int:
    """Notify the responsible roles of open milestones due within the reminder lead of their
    project's service policy (7 days by default; ``days`` forces one lead for all); once per
    due date."""
    from salesite.models import Notification
    from salesite.notifications import notify_each_once
    from salesite.policy import policies_for

    today = today or timezone.localdate()
    due_soon = list(
        Milestone.objects.filter(
            status=MilestoneStatus.OPEN,
            due_date__gte=today,
            due_date__lte=today + datetime.timedelta(days=days or REMINDER_HORIZON_DAYS),
        )
        .exclude(reminded_for=F("due_date"))
        .select_related("batch", "project")
        .prefetch_related("responsible_roles")
    )
    if days is None:
        leads = {
            pid: policy.milestone_reminder_days
            for pid, policy in policies_for({m.project for m in due_soon}).items()
        }
        due_soon = [
            m for m in due_soon if m.due_date <= today + datetime.timedelta(leads[m.project_id])
        ]
    return notify_each_once(
        due_soon,
        roles=_responsible_codes,
        message=lambda m: {
            "title": _("交付前计划提醒：%(batch)s %(kind)s 将于 %(date)s 到期")
            % {"batch": m.batch.name, "kind": m.get_kind_display(), "date": m.due_date},
            "body": m.scope_note,
            "url": m.get_absolute_url(),
        },
        key=lambda m: f"handover:milestone:{m.pk}:remind:{m.due_date}",
        level=Notification.Level.REMINDER,
        mark=lambda m: {"reminded_for": m.due_date},  # the due date it was reminded of
    )["due"]


def _mark_overdue(m: Milestone, now) -> bool:
    """Locked and read again: a milestone completed meanwhile is left alone."""
    locked = Milestone.objects.select_for_update().filter(pk=m.pk).first()
    if locked is None or locked.status != MilestoneStatus.OPEN:
        return False
    locked.overdue_marked_at = now
    transition(locked, MilestoneStatus.OVERDUE, by=None, at=now, fields=["overdue_marked_at"])
    return True


def milestones_mark_overdue(*, today: datetime.date | None = None) -> int:
    """Mark open milestones past their due date overdue (once) and notify the responsible."""
    from salesite.models import Notification
    from salesite.notifications import notify_each_once

    today = today or timezone.localdate()
    late = (
        Milestone.objects.filter(status=MilestoneStatus.OPEN, due_date__lt=today)
        .select_related("batch", "project")
        .prefetch_related("responsible_roles")
    )
    now = timezone.now()
    with transaction.atomic():  # the overdue marks and their notices commit together
        marked = [m for m in late if _mark_overdue(m, now)]
        notify_each_once(
            marked,
            roles=_responsible_codes,
            message=lambda m: {
                "title": _("交付前计划逾期：%(batch)s %(kind)s（期限 %(date)s）")
                % {"batch": m.batch.name, "kind": m.get_kind_display(), "date": m.due_date},
                "body": m.scope_note,
                "url": m.get_absolute_url(),
            },
            key=lambda m: f"handover:milestone:{m.pk}:overdue:{m.due_date}",
            level=Notification.Level.OVERDUE,
        )
    return len(marked)
