"""Agreement (R-REN-3), fees (R-REN-4), permit, worker passes and entry (R-REN-5)."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.notifications import notify_many
from salesite.selectors import members_holding
from salesite.workflow import transition

from .. import recipients
from ..exceptions import InvalidTransition
from ..models import (
    PROHIBITIONS,
    ZERO_AMOUNT,
    EntryConfirmation,
    EntryKind,
    FeeCharge,
    FeeItem,
    FeeKind,
    FeePayment,
    RenovationAgreement,
    Status,
    WorkerPass,
)
from .common import CENT, _lock, _require_status
from .ledger import _ledger_post

PROHIBITIONS_NAMES = [name for name, _label in PROHIBITIONS]


@transaction.atomic
def agreement_sign(
    *,
    application,
    signed_by: str,
    signer_name: str,
    signed_on: datetime.date,
    owner_confirmed_approval: bool,
    acknowledgements: dict[str, bool],
    user,
    now=None,
) -> RenovationAgreement:
    """The owner (or the contractor when the commitment letter delegates it) signs and
    acknowledges every prohibition."""
    now = now or timezone.now()
    app = _lock(application)
    _require_status(app, Status.APPROVED, action=_("签署装修管理协议"))
    if not owner_confirmed_approval:
        raise InvalidTransition(_("须由业主确认审批结果后才能签署协议。"))
    if (
        signed_by == RenovationAgreement.Signer.CONTRACTOR
        and not app.commitment_delegates_contractor
    ):
        raise InvalidTransition(_("装修承诺书未委托装修单位签署，协议须由业主本人签署。"))
    missing = [str(label) for name, label in PROHIBITIONS if not acknowledgements.get(name)]
    if missing:
        raise InvalidTransition(
            _("以下禁止事项和注意事项须逐项确认：%(items)s") % {"items": "；".join(missing)}
        )
    agreement = RenovationAgreement.objects.create(
        project_id=app.project_id,
        application=app,
        signed_by=signed_by,
        signer_name=signer_name,
        signed_on=signed_on,
        owner_confirmed_approval=True,
        recorded_by=user,
        **{name: True for name, _label in PROHIBITIONS},
    )
    transition(app, Status.AGREEMENT_SIGNED, by=user, at=now)
    return agreement


def fees_compute(*, application, worker_pass_count: int) -> list[dict]:
    """The charges of the project's fee schedule for this application (not saved)."""
    items = FeeItem.objects.filter(project_id=application.project_id, is_active=True)
    area = application.unit.area or ZERO_AMOUNT
    lines = []
    for item in items:
        quantity = {
            FeeItem.Basis.FIXED: Decimal(1),
            FeeItem.Basis.PER_M2: Decimal(area),
            FeeItem.Basis.PER_PASS: Decimal(worker_pass_count),
        }[item.basis]
        amount = (quantity * item.rate).quantize(CENT, rounding=ROUND_HALF_UP)
        lines.append(
            {
                "kind": item.kind,
                "label": item.get_kind_display(),
                "basis": item.basis,
                "basis_label": item.get_basis_display(),
                "quantity": quantity,
                "rate": item.rate,
                "amount": amount,
            }
        )
    return lines


@transaction.atomic
def fees_record_payment(
    *, application, worker_pass_count: int, receipt_number: str, user, now=None
) -> FeePayment:
    """The cashier computes the fees from the schedule, records payment and the receipt."""
    now = now or timezone.now()
    app = _lock(application)
    _require_status(app, Status.AGREEMENT_SIGNED, action=_("收费"))
    lines = fees_compute(application=app, worker_pass_count=worker_pass_count)
    if not any(line["kind"] == FeeKind.DEPOSIT for line in lines):
        raise InvalidTransition(_("本项目尚未在后台配置装修押金收费标准，请先配置收费标准。"))
    receipt_number = receipt_number.strip()
    if not receipt_number:
        raise InvalidTransition(_("请填写收据号。"))
    try:
        with transaction.atomic():
            payment = FeePayment.objects.create(
                project_id=app.project_id,
                application=app,
                receipt_number=receipt_number,
                total=sum((line["amount"] for line in lines), ZERO_AMOUNT),
                deposit=sum(
                    (line["amount"] for line in lines if line["kind"] == FeeKind.DEPOSIT),
                    ZERO_AMOUNT,
                ),
                worker_pass_count=worker_pass_count,
                paid_at=now,
                cashier=user,
            )
    except IntegrityError as exc:
        raise InvalidTransition(_("收据号“%(n)s”已被使用。") % {"n": receipt_number}) from exc
    FeeCharge.objects.bulk_create(
        [
            FeeCharge(
                payment=payment,
                project_id=app.project_id,
                kind=line["kind"],
                basis=line["basis"],
                quantity=line["quantity"],
                rate=line["rate"],
                amount=line["amount"],
            )
            for line in lines
        ]
    )
    _after_fees_paid(app, payment, user=user, now=now)
    transition(
        app, Status.FEES_PAID, by=user, at=now, note=_("收据号 %(n)s") % {"n": receipt_number}
    )
    return payment


def _after_fees_paid(app, payment, *, user, now):
    """The deposit enters the ledger (R-REN-8); the application row is already locked."""
    if payment.deposit > 0:
        _ledger_post(
            app,
            kind=EntryKind.DEPOSIT_IN,
            amount=payment.deposit,
            memo=_("收取装修押金"),
            reference=payment.receipt_number,
            user=user,
        )


# --- permit, passes and entry (R-REN-5) ------------------------------------------------


@transaction.atomic
def permit_issue(*, application, valid_until: datetime.date | None = None, user, now=None):
    """Issue the construction permit (施工进场证): the renovation becomes active."""
    now = now or timezone.now()
    app = _lock(application)
    _require_status(app, Status.FEES_PAID, action=_("发放施工进场证"))
    app.permit_number = f"JC{timezone.localdate(now):%Y%m%d}-{app.pk:05d}"
    app.permit_valid_until = valid_until or app.planned_end
    app.permitted_at = now
    transition(
        app,
        Status.PERMITTED,
        by=user,
        at=now,
        fields=["permit_number", "permit_valid_until", "permitted_at"],
    )
    return app


@transaction.atomic
def worker_pass_add(
    *,
    application,
    name: str,
    id_number: str,
    valid_from: datetime.date,
    valid_until: datetime.date,
    user,
    phone: str = "",
    trade: str = "",
) -> WorkerPass:
    app = _lock(application)
    _require_status(app, Status.FEES_PAID, Status.PERMITTED, action=_("办理工人出入证"))
    if valid_until < valid_from:
        raise InvalidTransition(_("出入证有效期至不能早于有效期自。"))
    if app.permit_valid_until and valid_until > app.permit_valid_until:
        raise InvalidTransition(
            _("出入证有效期不能超过施工进场证有效期（%(d)s）。")
            % {"d": app.permit_valid_until.strftime("%Y-%m-%d")}
        )
    seq = WorkerPass.objects.filter(application=app).count() + 1
    return WorkerPass.objects.create(
        project_id=app.project_id,
        application=app,
        pass_number=f"{app.pk:05d}-{seq:02d}",
        name=name,
        id_number=id_number,
        phone=phone,
        trade=trade,
        valid_from=valid_from,
        valid_until=valid_until,
        issued_by=user,
    )


@transaction.atomic
def entry_confirm(
    *, application, confirmed_on: datetime.date, facilities_condition: str, owner_signed: bool, user
) -> EntryConfirmation:
    app = _lock(application)
    _require_status(app, Status.FEES_PAID, Status.PERMITTED, action=_("作入场确认"))
    if not owner_signed:
        raise InvalidTransition(_("入场确认表须由业主或装修单位签字确认。"))
    confirmation, _created = EntryConfirmation.objects.update_or_create(
        application=app,
        defaults={
            "project_id": app.project_id,
            "confirmed_on": confirmed_on,
            "facilities_condition": facilities_condition,
            "owner_signed": owner_signed,
            "confirmed_by": user,
        },
    )
    return confirmation


@transaction.atomic
def entry_notice_send(*, application, user, now=None) -> int:
    """装修入场知会单: tell the other departments that this renovation has entered."""
    now = now or timezone.now()
    app = _lock(application)
    _require_status(app, Status.PERMITTED, action=_("发出装修入场知会单"))
    users = members_holding(recipients.DEPARTMENTS, [app.project_id]).get(app.project_id, [])
    created = notify_many(
        recipients=users,
        title=_("装修入场知会：%(unit)s") % {"unit": app.unit},
        body=_(
            "装修单位：%(c)s，负责人：%(h)s，进场证号：%(p)s，工期：%(s)s 至 %(e)s。请各部门每日巡查。"
        )
        % {
            "c": app.contractor_name,
            "h": app.contractor_head_name,
            "p": app.permit_number,
            "s": app.planned_start or "—",
            "e": app.planned_end or "—",
        },
        url=app.get_absolute_url(),
        project=app.project,
        dedupe_key=f"ren-entry-notice-{app.pk}",
    )
    if app.entry_notice_sent_at is None:
        app.entry_notice_sent_at = now
        app.save(update_fields=["entry_notice_sent_at", "updated_at"])
    return len(created)
