"""Violations, fines, hot work and refused materials (R-REN-6)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.workflow import can_transition, refusal, transition

from ..exceptions import InsufficientDeposit, InvalidTransition
from ..models import Fine, HotWorkPermit, MaterialRefusal, PatrolRecord, Status, Violation
from ..selectors import ACTIVE_STATUSES, ledger_balance
from .common import CENT, _lock, _require_status
from .ledger import deposit_deduct_fine


def _lock_violation(violation) -> Violation:
    return Violation.objects.select_for_update().get(pk=violation.pk)


@transaction.atomic
def violation_record(
    *,
    application,
    severity: str,
    description: str,
    user,
    patrol: PatrolRecord | None = None,
    warned_person: str = "",
    requirement: str = "",
    rectify_by: datetime.date | None = None,
    now=None,
) -> Violation:
    """A minor violation: the verbal warning is recorded (who, when, to whom). A serious one:
    a rectification notice with a requirement and a deadline is issued."""
    now = now or timezone.now()
    app = _lock(application)
    _require_status(app, *ACTIVE_STATUSES, action=_("登记违章"))
    if not description.strip():
        raise InvalidTransition(_("请填写违章情况。"))
    if patrol is not None and patrol.application_id != app.pk:
        raise InvalidTransition(_("巡查记录不属于该装修。"))
    v = Violation(
        project_id=app.project_id,
        application=app,
        patrol=patrol,
        severity=severity,
        description=description,
        found_at=now,
        found_by=user,
    )
    if severity == Violation.Severity.MINOR:
        if not warned_person.strip():
            raise InvalidTransition(_("轻微违章须记录口头警告的对象（工人或负责人）。"))
        v.state = Violation.State.WARNED
        v.warned_person = warned_person.strip()
        v.warned_at = now
        v.warned_by = user
        v.save()
        return v
    if not requirement.strip() or rectify_by is None:
        raise InvalidTransition(_("严重违章须填写整改要求和整改期限。"))
    if rectify_by < timezone.localdate(now):
        raise InvalidTransition(_("整改期限不能早于今天。"))
    v.state = Violation.State.NOTICE_ISSUED
    v.requirement = requirement
    v.rectify_by = rectify_by
    v.save()
    v.notice_number = f"WZ{timezone.localdate(now):%Y%m%d}-{v.pk:05d}"
    v.save(update_fields=["notice_number"])
    return v


@transaction.atomic
def violation_call(*, violation, party: str, answer: str, user, now=None) -> Violation:
    """Record a phone call about a serious violation: the owner first (to obtain the owner's
    understanding and support), only then the contractor."""
    now = now or timezone.now()
    v = _lock_violation(violation)
    if v.state != Violation.State.NOTICE_ISSUED:
        raise InvalidTransition(_("只有已发整改通知、尚未签收的严重违章需要电话通知。"))
    if not answer.strip():
        raise InvalidTransition(_("请记录对方的答复。"))
    if party == "owner":
        if v.owner_called_at:
            raise InvalidTransition(_("已记录通知业主的电话。"))
        v.owner_called_at, v.owner_call_answer = now, answer.strip()
        v.save(update_fields=["owner_called_at", "owner_call_answer"])
    elif party == "contractor":
        if v.owner_called_at is None:
            raise InvalidTransition(_("须先电话通知业主，取得业主谅解和支持后，再通知装修单位。"))
        if v.contractor_called_at:
            raise InvalidTransition(_("已记录通知装修单位的电话。"))
        v.contractor_called_at, v.contractor_call_answer = now, answer.strip()
        v.save(update_fields=["contractor_called_at", "contractor_call_answer"])
    else:
        raise ValueError(party)
    return v


@transaction.atomic
def violation_sign(*, violation, owner_signed: bool, contractor_signed: bool, user) -> Violation:
    """Both parties sign the written notice after both calls."""
    v = _lock_violation(violation)
    if v.state != Violation.State.NOTICE_ISSUED:
        raise InvalidTransition(_("该违章记录当前不需要签收。"))
    if not (v.owner_called_at and v.contractor_called_at):
        raise InvalidTransition(_("须先电话通知业主和装修单位，再由双方签收整改通知书。"))
    if not (owner_signed and contractor_signed):
        raise InvalidTransition(_("整改通知书须业主和装修单位双方签收。"))
    v.owner_signed = v.contractor_signed = True
    transition(v, Violation.State.SIGNED, by=user, fields=["owner_signed", "contractor_signed"])
    return v


@transaction.atomic
def violation_recheck(
    *,
    violation,
    passed: bool,
    note: str,
    user,
    new_deadline: datetime.date | None = None,
    now=None,
) -> Violation:
    """Re-check on or after the deadline: rectified, or a new deadline."""
    now = now or timezone.now()
    v = _lock_violation(violation)
    if v.state != Violation.State.SIGNED:
        raise InvalidTransition(_("双方签收整改通知书后才能复查。"))
    v.rechecked_at, v.rechecked_by = now, user
    v.recheck_note = note
    fields = ["rechecked_at", "rechecked_by", "recheck_note"]
    if passed:
        transition(v, Violation.State.RECTIFIED, by=user, at=now, note=note, fields=fields)
        return v
    if new_deadline is None or new_deadline < timezone.localdate(now):
        raise InvalidTransition(_("复查不合格须重新确定整改期限（不早于今天）。"))
    v.rectify_by = new_deadline
    v.save(update_fields=[*fields, "rectify_by"])
    return v


@transaction.atomic
def fine_propose(*, violation, amount, reason: str, user, now=None) -> Fine:
    """Propose a fine under the agreement; the project manager approves it."""
    now = now or timezone.now()
    v = _lock_violation(violation)
    amount = Decimal(amount or 0).quantize(CENT)
    if amount <= 0:
        raise InvalidTransition(_("违约金金额必须大于零。"))
    if not reason.strip():
        raise InvalidTransition(_("请填写违约金依据（协议条款）。"))
    balance = ledger_balance(v.application_id)
    if amount > balance:
        raise InsufficientDeposit(
            _("违约金 %(amount)s 元超过押金余额 %(balance)s 元，不能从押金扣除。")
            % {"amount": amount, "balance": balance}
        )
    return Fine.objects.create(
        project_id=v.project_id,
        application_id=v.application_id,
        violation=v,
        amount=amount,
        reason=reason.strip(),
        proposed_by=user,
        proposed_at=now,
    )


@transaction.atomic
def fine_decide(*, fine, approve: bool, user, note: str = "", now=None) -> Fine:
    """The project manager's decision; an approved fine is deducted from the deposit in the
    same transaction (refused, and nothing written, when the balance is insufficient)."""
    now = now or timezone.now()
    fine = Fine.objects.select_for_update(of=("self",)).select_related("violation").get(pk=fine.pk)
    fine.decided_by, fine.decided_at, fine.decision_note = user, now, note
    fields = ["decided_by", "decided_at", "decision_note"]
    if not approve:
        transition(fine, Fine.State.REJECTED, by=user, at=now, note=note, fields=fields)
        return fine
    transition(fine, Fine.State.APPROVED, by=user, at=now, note=note, fields=fields)
    # A refused deduction rolls the approval back with the transaction.
    fine.ledger_entry = deposit_deduct_fine(
        application=fine.application,
        amount=fine.amount,
        memo=_("违约金：%(r)s") % {"r": fine.reason},
        reference=fine.violation.notice_number or f"FINE-{fine.pk}",
        user=user,
    )
    fine.save(update_fields=["ledger_entry"])
    return fine


@transaction.atomic
def hot_work_request(
    *,
    application,
    location: str,
    work: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    operator_name: str,
    fire_watcher: str,
    extinguisher_checked: bool,
    user,
    operator_certificate: str = "",
    now=None,
) -> HotWorkPermit:
    now = now or timezone.now()
    app = _lock(application)
    _require_status(app, *ACTIVE_STATUSES, action=_("申请动火"))
    if ends_at <= starts_at:
        raise InvalidTransition(_("动火结束时间须晚于开始时间。"))
    return HotWorkPermit.objects.create(
        project_id=app.project_id,
        application=app,
        location=location,
        work=work,
        starts_at=starts_at,
        ends_at=ends_at,
        operator_name=operator_name,
        operator_certificate=operator_certificate,
        fire_watcher=fire_watcher,
        extinguisher_checked=extinguisher_checked,
        requested_by=user,
        requested_at=now,
    )


@transaction.atomic
def hot_work_decide(*, permit, approve: bool, user, note: str = "", now=None) -> HotWorkPermit:
    """Engineering or the security lead approves: only with a fire watcher, a checked
    extinguisher and a time window that has not ended."""
    now = now or timezone.now()
    permit = HotWorkPermit.objects.select_for_update().get(pk=permit.pk)
    to = HotWorkPermit.State.APPROVED if approve else HotWorkPermit.State.REJECTED
    if not can_transition(permit, to):  # decided already: say so before the checks below
        raise refusal(permit, to)
    if approve:
        if not permit.fire_watcher.strip() or not permit.extinguisher_checked:
            raise InvalidTransition(_("动火须有监护人并检查灭火器后才能批准。"))
        if permit.ends_at <= now:
            raise InvalidTransition(_("动火时间段已过，请重新申请。"))
    permit.decided_by, permit.decided_at, permit.decision_note = user, now, note
    transition(
        permit, to, by=user, at=now, note=note, fields=["decided_by", "decided_at", "decision_note"]
    )
    return permit


@transaction.atomic
def material_refuse(
    *, application, material: str, reason: str, user, quantity="", carrier="", now=None
) -> MaterialRefusal:
    """Record prohibited materials or tools refused entry."""
    now = now or timezone.now()
    app = _lock(application)
    _require_status(app, Status.FEES_PAID, *ACTIVE_STATUSES, action=_("登记违禁材料"))
    return MaterialRefusal.objects.create(
        project_id=app.project_id,
        application=app,
        refused_at=now,
        material=material,
        quantity=quantity,
        carrier=carrier,
        reason=reason,
        refused_by=user,
    )
