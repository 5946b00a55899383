"""Deposit ledger and refund (R-REN-8), and the refund-due monitor (R-JOB-4)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.notifications import notify_each_once
from salesite.workflow import transition

from ..exceptions import InsufficientDeposit, InvalidTransition, RefundNotDue
from ..models import DepositLedgerEntry, DepositRefund, EntryKind, RenovationApplication, Status
from ..selectors import ledger_balance, ledger_totals, refund_due_date, refund_wait_months
from .common import CENT, _lock, _require_status


def _ledger_post(app, *, kind, amount, memo, user, reference="") -> DepositLedgerEntry:
    """Append one entry. The caller holds the application row lock (select_for_update), so
    the balance read here cannot change before the insert commits."""
    amount = Decimal(amount).quantize(CENT)
    if amount <= 0:
        raise InsufficientDeposit(_("金额必须大于零。"))
    if kind != EntryKind.DEPOSIT_IN:
        balance = ledger_balance(app.pk)
        if amount > balance:
            raise InsufficientDeposit(
                _("押金余额不足：余额 %(balance)s 元，本次扣除/退还 %(amount)s 元。")
                % {"balance": balance, "amount": amount}
            )
    return DepositLedgerEntry.objects.create(
        project_id=app.project_id,
        application=app,
        kind=kind,
        amount=amount,
        memo=memo,
        reference=reference,
        created_by=user,
    )


@transaction.atomic
def deposit_deduct_fine(*, application, amount, memo: str, user, reference: str = ""):
    """Deduct an approved fine from the deposit (never below zero)."""
    app = _lock(application)
    return _ledger_post(
        app, kind=EntryKind.FINE, amount=amount, memo=memo, reference=reference, user=user
    )


@transaction.atomic
def refund_request(
    *,
    application,
    requested_by: str,
    owner_consent: bool,
    unpaid_fees,
    no_damage_confirmed: bool,
    damage_notes: str = "",
    user,
    today: datetime.date | None = None,
    now=None,
) -> DepositRefund:
    """Request the refund: refund = deposit − approved fines − unpaid utilities and fees."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    app = _lock(application)
    _require_status(app, Status.COMPLETION_ACCEPTED, action=_("申请退还押金"))
    due = refund_due_date(app)
    if due is None or today < due:
        raise RefundNotDue(
            _("押金须在竣工验收（%(accepted)s）满 %(months)s 个月后退还，最早 %(due)s 可申请。")
            % {
                "accepted": app.completion_accepted_on,
                "months": refund_wait_months(app),
                "due": due.strftime("%Y-%m-%d") if due else "—",
            }
        )
    if requested_by == DepositRefund.Requester.CONTRACTOR and not owner_consent:
        raise InvalidTransition(_("装修单位申请退还押金须先通知业主并取得业主同意。"))
    if not no_damage_confirmed and not damage_notes.strip():
        raise InvalidTransition(
            _("请确认有无引致公共部位或相邻业主受损（如违反禁止事项、漏水等），并记录查验情况。")
        )
    unpaid_fees = Decimal(unpaid_fees or 0).quantize(CENT)
    if unpaid_fees < 0:
        raise InvalidTransition(_("欠缴费用不能为负数。"))
    totals = ledger_totals(app.pk)
    deposit, fines = totals[EntryKind.DEPOSIT_IN], totals[EntryKind.FINE]
    refund_amount = deposit - fines - unpaid_fees
    if refund_amount < 0:
        raise InsufficientDeposit(
            _("押金 %(d)s 元不足以抵扣违约金 %(f)s 元和欠缴费用 %(u)s 元。")
            % {"d": deposit, "f": fines, "u": unpaid_fees}
        )
    refund = DepositRefund.objects.create(
        project_id=app.project_id,
        application=app,
        requested_by=requested_by,
        owner_consent=owner_consent or requested_by == DepositRefund.Requester.OWNER,
        requested_on=today,
        no_damage_confirmed=no_damage_confirmed,
        damage_notes=damage_notes,
        deposit_amount=deposit,
        fines_amount=fines,
        unpaid_fees=unpaid_fees,
        refund_amount=refund_amount,
        requested_by_user=user,
    )
    transition(app, Status.REFUND_REQUESTED, by=user, at=now)
    return refund


def _locked_refund(application) -> tuple[RenovationApplication, DepositRefund]:
    app = _lock(application)
    refund = DepositRefund.objects.select_for_update().filter(application=app).first()
    if refund is None or app.status != Status.REFUND_REQUESTED:
        raise InvalidTransition(_("该装修没有待办理的押金退还申请。"))
    return app, refund


@transaction.atomic
def refund_sign(
    *, application, owner_signed: bool, contractor_signed: bool, centre_head_signed: bool, user
):
    """Record the three signatures of the refund acceptance (业主、装修单位、中心负责人)."""
    _app, refund = _locked_refund(application)
    if refund.approved_at:
        raise InvalidTransition(_("押金退还已审批，签字不能再修改。"))
    refund.owner_signed = owner_signed
    refund.contractor_signed = contractor_signed
    refund.centre_head_signed = centre_head_signed
    refund.save(update_fields=["owner_signed", "contractor_signed", "centre_head_signed"])
    return refund


@transaction.atomic
def refund_approve(*, application, user, now=None) -> DepositRefund:
    """The project manager approves (退还同意表) once all three have signed."""
    now = now or timezone.now()
    _app, refund = _locked_refund(application)
    if refund.approved_at:
        return refund
    if not refund.all_signed:
        raise InvalidTransition(_("须业主、装修单位、中心负责人三方签字后才能审批。"))
    refund.approved_by = user
    refund.approved_at = now
    refund.save(update_fields=["approved_by", "approved_at"])
    return refund


@transaction.atomic
def refund_pay(*, application, memo_number: str, user, now=None) -> DepositRefund:
    """The cashier pays out and records the 押金退还备忘表; the ledger is settled to zero."""
    now = now or timezone.now()
    app, refund = _locked_refund(application)
    if not refund.approved_at:
        raise InvalidTransition(_("押金退还须经项目经理审批后才能付款。"))
    if not memo_number.strip():
        raise InvalidTransition(_("请填写押金退还备忘表编号。"))
    if refund.unpaid_fees > 0:
        _ledger_post(
            app,
            kind=EntryKind.UNPAID_FEE_DEDUCTION,
            amount=refund.unpaid_fees,
            memo=_("扣除欠缴水电费及其他费用"),
            reference=memo_number,
            user=user,
        )
    # Fines approved after the request are already in the ledger: refund what is left.
    refund.refund_amount = ledger_balance(app.pk)
    if refund.refund_amount > 0:
        _ledger_post(
            app,
            kind=EntryKind.REFUND,
            amount=refund.refund_amount,
            memo=_("退还装修押金"),
            reference=memo_number,
            user=user,
        )
    refund.fines_amount = ledger_totals(app.pk)[EntryKind.FINE]
    refund.memo_number = memo_number.strip()
    refund.paid_at = now
    refund.cashier = user
    refund.save(
        update_fields=["refund_amount", "fines_amount", "memo_number", "paid_at", "cashier"]
    )
    transition(app, Status.REFUNDED, by=user, at=now, note=_("备忘表 %(n)s") % {"n": memo_number})
    return refund


@transaction.atomic
def application_close(*, application, user, now=None):
    now = now or timezone.now()
    app = _lock(application)
    transition(app, Status.CLOSED, by=user, at=now)
    return app


def refunds_due_notify(*, today: datetime.date | None = None) -> dict:
    """Tell the front desk once per renovation whose deposit has fallen due (R-JOB-4)."""
    today = today or timezone.localdate()
    return notify_each_once(
        RenovationApplication.objects.filter(
            status=Status.COMPLETION_ACCEPTED,
            refund_due_on__lte=today,
            refund_due_notified_at__isnull=True,
        ).select_related("unit__building", "project"),
        roles=["front_desk", "cs_lead"],
        message=lambda app: {
            "title": _("装修押金可退还：%(unit)s") % {"unit": app.unit},
            "body": _("竣工验收已满 %(m)s 个月（%(d)s），请通知业主或装修负责人办理押金退还。")
            % {"m": refund_wait_months(app), "d": app.refund_due_on},
            "url": app.get_absolute_url(),
        },
        key=lambda app: f"ren-refund-due-{app.pk}",
        level="reminder",
        mark="refund_due_notified_at",
    )
