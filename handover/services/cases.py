"""Writes for the unit handover (R-HO-4): the case, its nine steps, the acceptance form and the
leftover rectification items."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback import services as feedback_services
from salesite.attachments import attachment_add
from salesite.audit_bulk import bulk_create_audited
from salesite.exceptions import DomainError, InvalidTransition
from salesite.models import Customer, Purchase, Unit
from salesite.policy import policy_for
from salesite.workflow import can_transition, transition

from ..fees import fee_amount, prepaid_period
from ..models import (
    STEP_REQUIRES,
    AcceptanceRecord,
    CaseStatus,
    DeliveryBatch,
    FeeBasis,
    FeeItem,
    FeeLine,
    HandoverCase,
    HandoverStep,
    HandoverStepRecord,
    RectificationItem,
    RectificationStatus,
)

# --- the unit handover (R-HO-4) --------------------------------------------------------------


@transaction.atomic
def case_start(*, unit: Unit, user, batch: DeliveryBatch | None = None) -> HandoverCase:
    """Open the handover of a sold unit for its current buyer."""
    if HandoverCase.objects.filter(unit=unit).exists():
        raise DomainError(_("该房屋已有交接记录。"))
    purchase = (
        Purchase.objects.filter(unit=unit, is_active=True)
        .select_related("customer")
        .order_by("-signed_on", "-pk")
        .first()
    )
    if purchase is None:
        raise DomainError(_("该房屋没有有效的购房记录，不能办理交接。"))
    if batch is None:
        batch = unit.delivery_batches.order_by("-planned_delivery_date").first()
    elif batch.project_id != unit.project_id:
        raise DomainError(_("交付批次不属于本项目。"))
    return HandoverCase.objects.create(
        project_id=unit.project_id,
        unit=unit,
        batch=batch,
        purchase=purchase,
        customer=purchase.customer,
        created_by=user,
    )


@transaction.atomic
def case_mark_not_taken(
    *, unit: Unit, reason: str, user, batch: DeliveryBatch | None = None
) -> HandoverCase:
    """Record that the owner has not taken the unit, and why."""
    if not reason.strip():
        raise DomainError(_("请填写未接房原因。"))
    case = HandoverCase.objects.select_for_update().filter(unit=unit).first()
    if case is None:
        purchase = Purchase.objects.filter(unit=unit, is_active=True).order_by("-pk").first()
        if batch is None:
            batch = unit.delivery_batches.order_by("-planned_delivery_date").first()
        return HandoverCase.objects.create(
            project_id=unit.project_id,
            unit=unit,
            batch=batch,
            purchase=purchase,
            customer=purchase.customer if purchase else None,
            status=CaseStatus.NOT_TAKEN,
            not_taken_reason=reason,
            created_by=user,
        )
    case.not_taken_reason = reason
    if case.status == CaseStatus.NOT_TAKEN:  # marked again: only the reason changes
        case.save(update_fields=["not_taken_reason", "updated_at"])
        return case
    if not can_transition(case, CaseStatus.NOT_TAKEN):
        raise InvalidTransition(_("该房屋已完成交接。"))
    transition(case, CaseStatus.NOT_TAKEN, by=user, fields=["not_taken_reason"])
    return case


@transaction.atomic
def case_resume(*, case: HandoverCase, user) -> HandoverCase:
    """An owner who did not take the unit comes back: the handover continues where it was."""
    case = HandoverCase.objects.select_for_update().get(pk=case.pk)
    if not can_transition(case, CaseStatus.IN_PROGRESS):
        raise InvalidTransition(_("只有未接房的记录可以恢复办理。"))
    if case.customer_id is None:
        raise DomainError(_("该房屋没有有效的购房记录，不能办理交接。"))
    transition(case, CaseStatus.IN_PROGRESS, by=user)
    return case


def _lock_for_step(case: HandoverCase, step: int) -> HandoverCase:
    case = (
        HandoverCase.objects.select_for_update(of=("self",))
        .select_related("unit", "customer")
        .get(pk=case.pk)
    )
    if case.status != CaseStatus.IN_PROGRESS:
        raise InvalidTransition(
            _("该交接当前状态为“%(status)s”，不能办理。") % {"status": case.get_status_display()}
        )
    if step <= case.last_step:
        raise InvalidTransition(_("步骤“%(step)s”已完成。") % {"step": HandoverStep(step).label})
    done = set(case.steps.values_list("step", flat=True))
    missing = [s for s in STEP_REQUIRES[step] if s not in done]
    if missing:
        raise InvalidTransition(
            _("请先完成步骤“%(step)s”。") % {"step": HandoverStep(missing[0]).label}
        )
    return case


def _record(case, step, user, now, data=None, note=""):
    HandoverStepRecord.objects.create(
        project_id=case.project_id,
        case=case,
        step=step,
        completed_at=now or timezone.now(),
        completed_by=user,
        data=data or {},
        note=note,
    )
    case.last_step = step
    case.save(update_fields=["last_step", "updated_at"])


@transaction.atomic
def step_verify(*, case, user, id_checked: bool, contract_checked: bool, now=None, note=""):
    """(1) The owner's ID document and purchase contract checked against the register."""
    case = _lock_for_step(case, HandoverStep.VERIFY)
    if not (id_checked and contract_checked):
        raise DomainError(_("须核对业主身份证件和购房合同。"))
    _record(case, HandoverStep.VERIFY, user, now, {"id": True, "contract": True}, note)
    return case


@transaction.atomic
def step_copies(*, case, user, copies: list[str], now=None, note=""):
    """(2) Copies of the ID and documents collected."""
    case = _lock_for_step(case, HandoverStep.COPIES)
    if "id_copy" not in copies:
        raise DomainError(_("须收取业主身份证复印件。"))
    _record(case, HandoverStep.COPIES, user, now, {"copies": sorted(copies)}, note)
    return case


@transaction.atomic
def step_owner_file(
    *,
    case,
    user,
    emergency_phone: str,
    birthday: datetime.date | None,
    emergency_contact: str = "",
    email: str = "",
    now=None,
):
    """(3) The owner file complete: emergency mobile and birthday required, saved to the customer."""
    case = _lock_for_step(case, HandoverStep.OWNER_FILE)
    if not emergency_phone or not emergency_phone.strip():
        raise DomainError(_("业主档案须填写紧急联系手机。"))
    if birthday is None:
        raise DomainError(_("业主档案须填写生日。"))
    customer = Customer.objects.select_for_update().get(pk=case.customer_id)
    customer.emergency_phone = emergency_phone.strip()
    customer.birthday = birthday
    fields = ["emergency_phone", "birthday", "updated_at"]
    if emergency_contact:
        customer.emergency_contact = emergency_contact
        fields.append("emergency_contact")
    if email:
        customer.email = email
        fields.append("email")
    customer.save(update_fields=fields)
    _record(case, HandoverStep.OWNER_FILE, user, now)
    return case


@transaction.atomic
def step_safety(*, case, user, signed: bool, now=None, note=""):
    """(4) The safety responsibility agreement signed."""
    case = _lock_for_step(case, HandoverStep.SAFETY)
    if not signed:
        raise DomainError(_("须签订安全责任制书。"))
    _record(case, HandoverStep.SAFETY, user, now, {"signed": True}, note)
    return case


@transaction.atomic
def step_fees(*, case, user, handover_date: datetime.date, now=None):
    """(5) The prepaid months of the project's service policy (six by default) of every active
    fee item, from the handover date, with start and end."""
    case = _lock_for_step(case, HandoverStep.FEES)
    items = list(FeeItem.objects.filter(project_id=case.project_id, is_active=True))
    if not items:
        raise DomainError(_("本项目尚未配置收费项目，请在管理后台设置。"))
    area = case.unit.area
    if area is None and any(i.basis == FeeBasis.PER_SQM_MONTH for i in items):
        raise DomainError(_("该房屋未登记建筑面积，不能按面积计费。"))
    months = policy_for(case.project).prepaid_months  # 6 by default; each line stores it
    start, end = prepaid_period(handover_date, months)
    lines = [
        FeeLine(
            project_id=case.project_id,
            case=case,
            fee_item=item,
            name=item.name,
            basis=item.basis,
            rate=item.rate,
            area=area if item.basis == FeeBasis.PER_SQM_MONTH else None,
            months=months,
            period_start=start,
            period_end=end,
            amount=fee_amount(basis=item.basis, rate=item.rate, area=area, months=months),
        )
        for item in items
    ]
    bulk_create_audited(FeeLine, lines)
    case.handover_date = handover_date
    case.fee_start, case.fee_end = start, end
    case.fee_total = sum((line.amount for line in lines), Decimal("0.00"))
    case.save(update_fields=["handover_date", "fee_start", "fee_end", "fee_total", "updated_at"])
    _record(
        case,
        HandoverStep.FEES,
        user,
        now,
        {"start": start.isoformat(), "end": end.isoformat(), "total": str(case.fee_total)},
    )
    # 6+2 step 恭迎乔迁 (R-FB-9): the fees were computed and explained to the owner.
    feedback_services.tick_step(
        customer=case.customer,
        action_code="fees_explained",
        on=timezone.localdate(now) if now else timezone.localdate(),
        source="handover",
        by=user,
        channel="face",
    )
    return case


@transaction.atomic
def step_payment(*, case, user, amount: Decimal, receipt_number: str, now=None):
    """(6) The cashier records the payment of the computed fees (permission checked by the view)."""
    case = _lock_for_step(case, HandoverStep.PAYMENT)
    if Decimal(amount) != case.fee_total:
        raise DomainError(
            _("实收金额 %(amount)s 与应收合计 %(total)s 不符。")
            % {"amount": amount, "total": case.fee_total}
        )
    if not receipt_number.strip():
        raise DomainError(_("请填写收据号。"))
    now = now or timezone.now()
    case.paid_amount = Decimal(amount)
    case.paid_at = now
    case.receipt_number = receipt_number.strip()
    case.paid_by_cashier = user
    case.save(
        update_fields=["paid_amount", "paid_at", "receipt_number", "paid_by_cashier", "updated_at"]
    )
    _record(
        case, HandoverStep.PAYMENT, user, now, {"amount": str(amount), "receipt": receipt_number}
    )
    return case


@transaction.atomic
def step_keys_ready(
    *,
    case,
    user,
    keys_count: int,
    handbooks_ready: bool,
    owner_consulted: bool = False,
    key_kept: bool = False,
    now=None,
):
    """(7) Keys and handbooks ready; with open rectification items one key is kept (owner asked)."""
    case = _lock_for_step(case, HandoverStep.KEYS_READY)
    if not handbooks_ready:
        raise DomainError(_("须准备好业主手册和装修手册。"))
    if keys_count < 1:
        raise DomainError(_("请填写交付钥匙数量。"))
    has_items = case.rectifications.exclude(status=RectificationStatus.VERIFIED).exists()
    if has_items and not (owner_consulted and key_kept):
        raise DomainError(_("存在整改项目：须征求业主意见，并留一把钥匙用于整改。"))
    case.keys_count = keys_count
    case.owner_consulted_on_key = owner_consulted
    case.key_kept = key_kept and has_items
    case.save(update_fields=["keys_count", "owner_consulted_on_key", "key_kept", "updated_at"])
    _record(
        case,
        HandoverStep.KEYS_READY,
        user,
        now,
        {"keys": keys_count, "kept_key": case.key_kept},
    )
    return case


@transaction.atomic
def step_handed_over(*, case, user, owner_signed: bool, now=None, note=""):
    """(8) Keys and documents handed over; the owner signs."""
    case = _lock_for_step(case, HandoverStep.HANDED_OVER)
    if not owner_signed:
        raise DomainError(_("须业主在房屋交接表上签字。"))
    case.owner_signed = True
    case.save(update_fields=["owner_signed", "updated_at"])
    _record(case, HandoverStep.HANDED_OVER, user, now, {"signed": True}, note)
    # The owner has taken the unit: starts the delivery, 3-month and 1-year callbacks and
    # ticks the 6+2 step 恭迎乔迁 (R-FB-6, R-FB-9).
    feedback_services.record_handover(
        customer=case.customer,
        unit=case.unit,
        handover_date=case.handover_date or timezone.localdate(),
    )
    # The renovation handbook went with the keys (step 7 prepared it): 装修指引 (R-FB-9).
    feedback_services.tick_step(
        customer=case.customer,
        action_code="renovation_guidance",
        on=timezone.localdate(now) if now else timezone.localdate(),
        source="handover",
        by=user,
        channel="written",
    )
    return case


@transaction.atomic
def step_summary(*, case, user, now=None, today: datetime.date | None = None):
    """(9) Entry in the handover summary: the case is complete."""
    case = _lock_for_step(case, HandoverStep.SUMMARY)
    case.completed_on = today or case.handover_date or timezone.localdate()
    transition(case, CaseStatus.COMPLETED, by=user, fields=["completed_on"])
    _record(case, HandoverStep.SUMMARY, user, now)
    return case


@transaction.atomic
def acceptance_record(
    *,
    case,
    user,
    room_items: dict,
    water_reading: Decimal,
    electricity_reading: Decimal,
    gas_reading: Decimal | None = None,
    inspected_on: datetime.date | None = None,
    note: str = "",
) -> AcceptanceRecord:
    """Fill in (or correct) the unit acceptance form with its meter readings."""
    case = HandoverCase.objects.select_for_update().get(pk=case.pk)
    if case.status == CaseStatus.NOT_TAKEN:
        raise InvalidTransition(_("未接房的房屋不能填写验收表。"))
    record, _created = AcceptanceRecord.objects.update_or_create(
        case=case,
        defaults={
            "project_id": case.project_id,
            "room_items": room_items,
            "water_reading": water_reading,
            "electricity_reading": electricity_reading,
            "gas_reading": gas_reading,
            "inspected_on": inspected_on or timezone.localdate(),
            "inspected_by": user,
            "note": note,
        },
    )
    # The unit was inspected with the owner: 验房指引 of the 6+2 step 恭迎乔迁 (R-FB-9).
    feedback_services.tick_step(
        customer=case.customer,
        action_code="inspection_guidance",
        on=record.inspected_on,
        source="handover",
        by=user,
        channel="face",
    )
    return record


@transaction.atomic
def rectification_add(
    *,
    case,
    user,
    location: str,
    description: str,
    responsible_unit: str,
    deadline: datetime.date,
    photo=None,
    today: datetime.date | None = None,
) -> RectificationItem:
    """A defect found at handover goes to the leftover-rectification record; its photo (the
    owner sees it on the owner portal) is an attachment of the item."""
    today = today or timezone.localdate()
    if case.status == CaseStatus.NOT_TAKEN:
        raise InvalidTransition(_("未接房的房屋不能登记遗留问题。"))
    if deadline < today:
        raise DomainError(_("整改期限不能早于今天。"))
    item = RectificationItem.objects.create(
        project_id=case.project_id,
        case=case,
        location=location,
        description=description,
        responsible_unit=responsible_unit,
        deadline=deadline,
        found_on=today,
    )
    if photo is not None:
        attachment_add(owner=item, uploaded=photo, user=user, description=_("问题照片"))
    return item


@transaction.atomic
def rectification_set_status(
    *, item: RectificationItem, to_status: str, user, today: datetime.date | None = None
) -> RectificationItem:
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    today = today or timezone.localdate()
    fields = []
    if to_status == RectificationStatus.FIXED:
        item.fixed_on = today
        fields.append("fixed_on")
    elif to_status == RectificationStatus.VERIFIED:
        item.verified_on, item.verified_by = today, user
        fields += ["verified_on", "verified_by"]
    transition(item, to_status, by=user, fields=fields)
    return item
