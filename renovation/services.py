"""Writes of the renovation app: one function per use case (R-REN-1 … R-REN-10).

Every state change goes through ``_move`` (allowed-transition check, update_fields save,
history row); rows two staff may change at once are locked with select_for_update.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.models import Project
from salesite.notifications import notify_many, send_sms

from . import recipients
from .exceptions import (
    DocumentExpired,
    DocumentsMissing,
    InsufficientDeposit,
    InvalidTransition,
    RefundNotDue,
)
from .models import (
    OPEN_VIOLATION_STATES,
    PROHIBITIONS,
    ZERO_AMOUNT,
    ApplicationDocument,
    CompletionInspection,
    Decision,
    DepositLedgerEntry,
    DepositRefund,
    EntryConfirmation,
    EntryKind,
    FeeCharge,
    FeeItem,
    FeeKind,
    FeePayment,
    Fine,
    GovernmentApproval,
    HotWorkPermit,
    LectureAttendee,
    MaterialRefusal,
    MissedPatrol,
    PatrolKind,
    PatrolRecord,
    RenovationAgreement,
    RenovationApplication,
    RenovationLecture,
    Status,
    StatusChange,
    Violation,
    WorkerPass,
    balance_expression,
    required_documents,
)
from .models import VIOLATION_TRANSITIONS as VIOLATION_MOVES
from .working_days import add_working_days

REVIEW_WORKING_DAYS = 1
PROHIBITIONS_NAMES = [name for name, _label in PROHIBITIONS]
# Renovations under construction: patrolled every day, fines and hot work apply.
ACTIVE_STATUSES = [Status.PERMITTED]
GOVERNMENT_GUIDANCE = _(
    "您的装修方案涉及消防、结构或燃气改动，须先报政府相关部门审批：消防改动报消防部门，"
    "结构改动报住建部门（须原设计单位或相应资质设计单位出具方案），燃气改动报燃气公司。"
    "取得批文后请交物业客户服务中心登记，我们将在一个工作日内完成审核。"
)


def _lock(application) -> RenovationApplication:
    return RenovationApplication.objects.select_for_update().get(pk=application.pk)


def _move(app, to_status, *, user, now, note="", fields=()) -> StatusChange:
    """Validate and apply one state change; save the given fields too; write history."""
    if to_status not in app.allowed_next():
        raise InvalidTransition(
            _("装修申请不能从“%(from)s”变为“%(to)s”。")
            % {"from": app.get_status_display(), "to": Status(to_status).label}
        )
    change = StatusChange.objects.create(
        project_id=app.project_id,
        application=app,
        from_status=app.status,
        to_status=to_status,
        changed_by=user,
        changed_at=now,
        note=note,
    )
    app.status = to_status
    app.save(update_fields=["status", "updated_at", *fields])
    return change


def _require_status(app, *statuses, action):
    if app.status not in statuses:
        raise InvalidTransition(
            _("当前状态“%(status)s”不能%(action)s。")
            % {"status": app.get_status_display(), "action": action}
        )


# --- application (R-REN-1) -------------------------------------------------------------


def validity_problems(app, today: datetime.date) -> list[str]:
    """Expired or missing certificates, as messages for the user."""
    problems = []
    checks = [
        (_("装修负责人身份证"), app.contractor_head_id_valid_until),
        (_("装修单位营业执照"), app.business_licence_valid_until),
        (_("装修单位资质证书"), app.qualification_valid_until),
    ]
    if app.is_key_premises:
        if not app.design_qualification_number or not app.design_qualification_valid_until:
            problems.append(_("商业/重点场所装修须提供设计资质（编号和有效期）。"))
        else:
            checks.append((_("设计资质"), app.design_qualification_valid_until))
    for label, valid_until in checks:
        if valid_until and valid_until < today:
            problems.append(
                _("%(doc)s已于 %(date)s 过期，请提供有效证件。")
                % {"doc": label, "date": valid_until.strftime("%Y-%m-%d")}
            )
    if (
        app.applicant_kind == RenovationApplication.ApplicantKind.AGENT
        and not app.has_power_of_attorney
    ):
        problems.append(_("代理人办理须提交业主签署的授权委托书。"))
    return problems


@transaction.atomic
def application_save(*, application: RenovationApplication, user) -> RenovationApplication:
    """Create or edit an application (draft or returned) and keep its document checklist."""
    creating = application.pk is None
    if not creating:
        current = _lock(application)
        if not current.is_editable:
            raise InvalidTransition(_("只有草稿或已退回的申请可以修改。"))
    application.project_id = application.unit.project_id
    if creating:
        application.created_by = user
        application.status = Status.DRAFT
    application.save()
    if creating:
        application.number = f"ZX{timezone.localdate():%Y%m%d}-{application.pk:05d}"
        application.save(update_fields=["number"])
    kinds = required_documents(application)
    ApplicationDocument.objects.bulk_create(
        [
            ApplicationDocument(project_id=application.project_id, application=application, kind=k)
            for k in kinds
        ],
        ignore_conflicts=True,
    )
    return application


@transaction.atomic
def document_check(*, document: ApplicationDocument, received: bool, user, note: str = ""):
    document = ApplicationDocument.objects.select_for_update().get(pk=document.pk)
    document.received = received
    document.note = note or document.note
    document.checked_by = user
    document.checked_at = timezone.now()
    document.save(update_fields=["received", "note", "checked_by", "checked_at"])
    return document


@transaction.atomic
def application_submit(*, application, user, now: datetime.datetime | None = None):
    """Submit for review: documents complete and valid; fire/structure/gas changes wait for
    the government approval record, otherwise the 1-working-day review clock starts."""
    now = now or timezone.now()
    app = _lock(application)
    _require_status(app, Status.DRAFT, Status.RETURNED, action=_("提交"))
    problems = validity_problems(app, timezone.localdate(now))
    if problems:
        raise DocumentExpired(" ".join(problems))
    received = set(app.documents.filter(received=True).values_list("kind", flat=True))
    missing = [k for k in required_documents(app) if k not in received]
    if missing:
        labels = "、".join(
            str(dict(ApplicationDocument._meta.get_field("kind").choices)[k]) for k in missing
        )
        raise DocumentsMissing(_("申请资料不齐，缺少：%(docs)s。") % {"docs": labels})
    app.engineering_decision = Decision.PENDING
    app.cs_decision = Decision.PENDING
    app.submitted_at = now
    app.review_overdue_alerted_at = None
    fields = ["engineering_decision", "cs_decision", "submitted_at", "review_overdue_alerted_at"]
    if app.needs_government_approval and not app.government_approvals.exists():
        app.review_due_at = None
        _move(app, Status.WAITING_GOVERNMENT, user=user, now=now, fields=[*fields, "review_due_at"])
        phone = app.agent_phone if app.agent_phone else app.owner_phone
        # Queued in the outbox with the move; a worker sends it after commit.
        send_sms(
            phone=phone,
            body=str(GOVERNMENT_GUIDANCE),
            project=app.project,
            dedupe_key=f"ren-gov-guidance-{app.pk}",
        )
        return app
    app.review_due_at = add_working_days(now, REVIEW_WORKING_DAYS)
    _move(app, Status.SUBMITTED, user=user, now=now, fields=[*fields, "review_due_at"])
    _notify_reviewers(app)
    return app


def _notify_reviewers(app):
    users = recipients.project_users(app.project, recipients.REVIEWERS)
    due = timezone.localtime(app.review_due_at).strftime("%Y-%m-%d %H:%M")
    notify_many(
        recipients=users,
        title=_("装修申请待审核：%(unit)s") % {"unit": app.unit},
        body=_("请于 %(due)s 前完成审核。") % {"due": due},
        url=app.get_absolute_url(),
        project=app.project,
        dedupe_key=f"ren-review-{app.pk}-{app.submitted_at:%Y%m%d%H%M%S}",
    )


@transaction.atomic
def government_approval_record(
    *,
    application,
    authority: str,
    document_number: str,
    approved_on: datetime.date,
    user,
    note: str = "",
    now: datetime.datetime | None = None,
) -> GovernmentApproval:
    """Record the authority's approval; a waiting application enters the review."""
    now = now or timezone.now()
    app = _lock(application)
    if not app.needs_government_approval:
        raise InvalidTransition(_("该申请不涉及消防、结构或燃气改动，无需政府审批。"))
    approval = GovernmentApproval.objects.create(
        project_id=app.project_id,
        application=app,
        authority=authority,
        document_number=document_number,
        approved_on=approved_on,
        note=note,
        recorded_by=user,
    )
    if app.status == Status.WAITING_GOVERNMENT:
        app.submitted_at = now
        app.review_due_at = add_working_days(now, REVIEW_WORKING_DAYS)
        _move(
            app,
            Status.SUBMITTED,
            user=user,
            now=now,
            note=_("政府审批已登记：%(n)s") % {"n": document_number},
            fields=["submitted_at", "review_due_at"],
        )
        _notify_reviewers(app)
    return approval


REVIEW_SIDES = {
    "engineering": ("renovation.review_engineering", "engineering"),
    "cs": ("renovation.review_customer_service", "cs"),
}


@transaction.atomic
def application_review(
    *, application, side: str, approve: bool, note: str, user, now=None
) -> RenovationApplication:
    """One head's decision. Either return sends it back with reasons; both approvals approve."""
    now = now or timezone.now()
    app = _lock(application)
    if app.status == Status.WAITING_GOVERNMENT:
        raise InvalidTransition(_("该申请涉及消防、结构或燃气改动，须先登记政府审批后才能审核。"))
    _require_status(app, Status.SUBMITTED, action=_("审核"))
    if side not in REVIEW_SIDES:
        raise ValueError(side)
    prefix = REVIEW_SIDES[side][1]
    if not approve and not note.strip():
        raise InvalidTransition(_("退回申请须填写退回原因。"))
    decision = Decision.APPROVED if approve else Decision.RETURNED
    setattr(app, f"{prefix}_decision", decision)
    setattr(app, f"{prefix}_reviewer", user)
    setattr(app, f"{prefix}_reviewed_at", now)
    setattr(app, f"{prefix}_note", note)
    fields = [f"{prefix}_decision", f"{prefix}_reviewer", f"{prefix}_reviewed_at", f"{prefix}_note"]
    if not approve:
        app.return_reason = note
        _move(
            app, Status.RETURNED, user=user, now=now, note=note, fields=[*fields, "return_reason"]
        )
        if app.created_by_id:
            notify_many(
                recipients=[app.created_by],
                title=_("装修申请已退回：%(unit)s") % {"unit": app.unit},
                body=note,
                url=app.get_absolute_url(),
                project=app.project,
            )
        return app
    if app.engineering_decision == Decision.APPROVED and app.cs_decision == Decision.APPROVED:
        if app.needs_government_approval and not app.government_approvals.exists():
            raise InvalidTransition(_("涉及消防、结构或燃气改动，须先登记政府审批。"))
        app.approved_at = now
        app.return_reason = ""
        _move(
            app,
            Status.APPROVED,
            user=user,
            now=now,
            note=note,
            fields=[*fields, "approved_at", "return_reason"],
        )
    else:
        app.save(update_fields=[*fields, "updated_at"])
    return app


# --- deadline monitors (R-JOB-4) -------------------------------------------------------


def review_overdue_alert(*, now: datetime.datetime | None = None) -> dict:
    """Alert the reviewers once per application whose review deadline has passed."""
    now = now or timezone.now()
    overdue = list(
        RenovationApplication.objects.filter(
            status=Status.SUBMITTED,
            review_due_at__lt=now,
            review_overdue_alerted_at__isnull=True,
        ).select_related("unit__building", "project")
    )
    if not overdue:
        return {"overdue": 0, "notified": 0}
    users = recipients.users_by_project({a.project_id for a in overdue}, recipients.REVIEWERS)
    notified = 0
    for app in overdue:
        due = timezone.localtime(app.review_due_at).strftime("%Y-%m-%d %H:%M")
        created = notify_many(
            recipients=users.get(app.project_id, []),
            title=_("装修申请审核超时：%(unit)s") % {"unit": app.unit},
            body=_("审核截止时间 %(due)s 已过，请尽快处理。") % {"due": due},
            url=app.get_absolute_url(),
            project=app.project,
            level="overdue",
            dedupe_key=f"ren-review-overdue-{app.pk}-{app.submitted_at:%Y%m%d%H%M%S}",
        )
        notified += len(created)
    RenovationApplication.objects.filter(pk__in=[a.pk for a in overdue]).update(
        review_overdue_alerted_at=now
    )
    return {"overdue": len(overdue), "notified": notified}


# --- agreement (R-REN-3) ---------------------------------------------------------------


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
    _move(app, Status.AGREEMENT_SIGNED, user=user, now=now)
    return agreement


# --- fees (R-REN-4) --------------------------------------------------------------------

CENT = Decimal("0.01")


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
    _move(app, Status.FEES_PAID, user=user, now=now, note=_("收据号 %(n)s") % {"n": receipt_number})
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
    _move(
        app,
        Status.PERMITTED,
        user=user,
        now=now,
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
    users = recipients.project_users(app.project, recipients.DEPARTMENTS)
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


# --- deposit ledger and refund (R-REN-8) -----------------------------------------------

REFUND_AFTER = relativedelta(months=3)


def ledger_balance(application_id) -> Decimal:
    """SUM of the signed entries, computed in SQL."""
    return DepositLedgerEntry.objects.filter(application_id=application_id).aggregate(
        balance=balance_expression()
    )["balance"]


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


def ledger_totals(application_id) -> dict[str, Decimal]:
    rows = (
        DepositLedgerEntry.objects.filter(application_id=application_id)
        .values("kind")
        .annotate(total=Sum("amount"))
    )
    totals = {kind: ZERO_AMOUNT for kind in EntryKind.values}
    totals.update({r["kind"]: r["total"] for r in rows})
    return totals


def refund_due_date(app) -> datetime.date | None:
    if app.completion_accepted_on is None:
        return None
    return app.completion_accepted_on + REFUND_AFTER


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
            _("押金须在竣工验收（%(accepted)s）满 3 个月后退还，最早 %(due)s 可申请。")
            % {
                "accepted": app.completion_accepted_on,
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
    _move(app, Status.REFUND_REQUESTED, user=user, now=now)
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
    _move(app, Status.REFUNDED, user=user, now=now, note=_("备忘表 %(n)s") % {"n": memo_number})
    return refund


@transaction.atomic
def application_close(*, application, user, now=None):
    now = now or timezone.now()
    app = _lock(application)
    _move(app, Status.CLOSED, user=user, now=now)
    return app


def refunds_due_notify(*, today: datetime.date | None = None) -> dict:
    """Tell the front desk once per renovation whose deposit has fallen due (R-JOB-4)."""
    today = today or timezone.localdate()
    due = list(
        RenovationApplication.objects.filter(
            status=Status.COMPLETION_ACCEPTED,
            refund_due_on__lte=today,
            refund_due_notified_at__isnull=True,
        ).select_related("unit__building", "project")
    )
    if not due:
        return {"due": 0, "notified": 0}
    users = recipients.users_by_project({a.project_id for a in due}, ["front_desk", "cs_lead"])
    notified = 0
    for app in due:
        notified += len(
            notify_many(
                recipients=users.get(app.project_id, []),
                title=_("装修押金可退还：%(unit)s") % {"unit": app.unit},
                body=_("竣工验收已满 3 个月（%(d)s），请通知业主或装修负责人办理押金退还。")
                % {"d": app.refund_due_on},
                url=app.get_absolute_url(),
                project=app.project,
                level="reminder",
                dedupe_key=f"ren-refund-due-{app.pk}",
            )
        )
    RenovationApplication.objects.filter(pk__in=[a.pk for a in due]).update(
        refund_due_notified_at=timezone.now()
    )
    return {"due": len(due), "notified": notified}


# --- daily patrols (R-REN-6) -----------------------------------------------------------


@transaction.atomic
def patrol_record(
    *,
    application,
    kind: str,
    result: str,
    findings: str = "",
    user,
    day: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> PatrolRecord:
    """Record today's patrol of one kind; one per (renovation, day, kind)."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    app = _lock(application)
    _require_status(app, *ACTIVE_STATUSES, action=_("登记巡查"))
    if day > timezone.localdate(now):
        raise InvalidTransition(_("不能登记未来日期的巡查。"))
    if result == PatrolRecord.Result.VIOLATION and not findings.strip():
        raise InvalidTransition(_("发现违章时须填写巡查情况。"))
    if PatrolRecord.objects.filter(application=app, date=day, kind=kind).exists():
        raise InvalidTransition(
            _("%(unit)s %(day)s 的%(kind)s已登记，不能重复登记。")
            % {"unit": app.unit, "day": day.strftime("%Y-%m-%d"), "kind": PatrolKind(kind).label}
        )
    return PatrolRecord.objects.create(
        project_id=app.project_id,
        application=app,
        date=day,
        kind=kind,
        result=result,
        findings=findings,
        patrolled_by=user,
        patrolled_at=now,
    )


def patrols_missed_flag(*, day: datetime.date | None = None) -> dict:
    """Flag every patrol not recorded on ``day`` (default: yesterday) for the renovations
    active that day; notify the kind's role and the centre head once per project and kind."""
    day = day or timezone.localdate() - datetime.timedelta(days=1)
    active = list(
        RenovationApplication.objects.filter(
            status__in=ACTIVE_STATUSES, permitted_at__date__lte=day
        ).values_list("pk", "project_id")
    )
    if not active:
        return {"active": 0, "missed": 0, "notified": 0}
    app_ids = [pk for pk, _project in active]
    done = set(
        PatrolRecord.objects.filter(application_id__in=app_ids, date=day).values_list(
            "application_id", "kind"
        )
    )
    flagged = set(
        MissedPatrol.objects.filter(application_id__in=app_ids, date=day).values_list(
            "application_id", "kind"
        )
    )
    new = [
        MissedPatrol(project_id=project_id, application_id=pk, date=day, kind=kind)
        for pk, project_id in active
        for kind in PatrolKind.values
        if (pk, kind) not in done and (pk, kind) not in flagged
    ]
    MissedPatrol.objects.bulk_create(new, ignore_conflicts=True)
    # One message per project and kind, whether flagged by this run or an earlier one
    # (the dedupe key makes a second run send nothing).
    missing: dict[tuple[int, str], int] = {}
    for pk, project_id in active:
        for kind in PatrolKind.values:
            if (pk, kind) not in done:
                missing[(project_id, kind)] = missing.get((project_id, kind), 0) + 1
    project_ids = {project_id for project_id, _kind in missing}
    users = recipients.users_by_project_and_role(
        project_ids, [*recipients.PATROL_ROLE_FOR_KIND.values(), "centre_head"]
    )
    projects = Project.objects.in_bulk(project_ids)
    url = reverse("renovation:patrol_today")
    notified = 0
    for (project_id, kind), count in sorted(missing.items()):
        role = recipients.PATROL_ROLE_FOR_KIND[kind]
        notified += len(
            notify_many(
                recipients=[
                    *users.get((project_id, role), []),
                    *users.get((project_id, "centre_head"), []),
                ],
                title=_("%(day)s 装修漏巡：%(kind)s %(n)s 户")
                % {"day": day.strftime("%Y-%m-%d"), "kind": PatrolKind(kind).label, "n": count},
                body=_("有 %(n)s 户在施工装修未完成%(kind)s，请查看今日巡查并补查。")
                % {"n": count, "kind": PatrolKind(kind).label},
                url=f"{url}?project={project_id}&date={day:%Y-%m-%d}",
                project=projects[project_id],
                level="overdue",
                dedupe_key=f"ren-patrol-missed-{project_id}-{day:%Y%m%d}-{kind}",
            )
        )
    return {"active": len(active), "missed": len(new), "notified": notified}


# A day the job did not run (beat or worker down at 8:00) is still flagged on the next runs.
PATROL_CATCH_UP_DAYS = 3


def patrols_missed_flag_recent(*, today: datetime.date | None = None) -> dict:
    """The daily job: flag yesterday and the PATROL_CATCH_UP_DAYS - 1 days before it, oldest
    first; a day already flagged creates and sends nothing again (unique rows, dedupe keys)."""
    today = today or timezone.localdate()
    totals = {"active": 0, "missed": 0, "notified": 0}
    for n in range(PATROL_CATCH_UP_DAYS, 0, -1):
        result = patrols_missed_flag(day=today - datetime.timedelta(days=n))
        for key in totals:
            totals[key] += result[key]
    return totals


# --- violations, fines, hot work, refused materials (R-REN-6) --------------------------


def _lock_violation(violation) -> Violation:
    return Violation.objects.select_for_update().get(pk=violation.pk)


def _violation_move(v: Violation, to_state, *, fields=()):
    if to_state not in VIOLATION_MOVES[Violation.State(v.state)]:
        raise InvalidTransition(
            _("违章记录不能从“%(from)s”变为“%(to)s”。")
            % {"from": v.get_state_display(), "to": Violation.State(to_state).label}
        )
    v.state = to_state
    v.save(update_fields=["state", *fields])


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
    _violation_move(v, Violation.State.SIGNED, fields=["owner_signed", "contractor_signed"])
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
        _violation_move(v, Violation.State.RECTIFIED, fields=fields)
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
    if fine.state != Fine.State.PROPOSED:
        raise InvalidTransition(_("该违约金已审批。"))
    fine.decided_by, fine.decided_at, fine.decision_note = user, now, note
    fields = ["state", "decided_by", "decided_at", "decision_note"]
    if not approve:
        fine.state = Fine.State.REJECTED
        fine.save(update_fields=fields)
        return fine
    fine.ledger_entry = deposit_deduct_fine(
        application=fine.application,
        amount=fine.amount,
        memo=_("违约金：%(r)s") % {"r": fine.reason},
        reference=fine.violation.notice_number or f"FINE-{fine.pk}",
        user=user,
    )
    fine.state = Fine.State.APPROVED
    fine.save(update_fields=[*fields, "ledger_entry"])
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
    if permit.state != HotWorkPermit.State.REQUESTED:
        raise InvalidTransition(_("该动火申请已审批。"))
    if approve:
        if not permit.fire_watcher.strip() or not permit.extinguisher_checked:
            raise InvalidTransition(_("动火须有监护人并检查灭火器后才能批准。"))
        if permit.ends_at <= now:
            raise InvalidTransition(_("动火时间段已过，请重新申请。"))
    permit.state = HotWorkPermit.State.APPROVED if approve else HotWorkPermit.State.REJECTED
    permit.decided_by, permit.decided_at, permit.decision_note = user, now, note
    permit.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
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


# --- completion (R-REN-7) --------------------------------------------------------------

INSPECTORS = ["engineering", "security", "security_lead"]


def _schedule_inspection(app, *, agreed_date, user, now) -> CompletionInspection:
    if CompletionInspection.objects.filter(
        application=app, state=CompletionInspection.State.SCHEDULED
    ).exists():
        raise InvalidTransition(_("已有待进行的验收，请先登记验收结果。"))
    last = app.inspections.order_by("-round").values_list("round", flat=True).first() or 0
    inspection = CompletionInspection.objects.create(
        project_id=app.project_id,
        application=app,
        round=last + 1,
        agreed_date=agreed_date,
        scheduled_by=user,
        scheduled_at=now,
    )
    notify_many(
        recipients=recipients.project_users(app.project, INSPECTORS),
        title=_("装修竣工验收：%(unit)s %(d)s") % {"unit": app.unit, "d": agreed_date},
        body=_("请工程部、保安部于约定日期到场验收（第 %(n)s 次）。") % {"n": inspection.round},
        url=app.get_absolute_url(),
        project=app.project,
        dedupe_key=f"ren-inspection-{inspection.pk}",
    )
    return inspection


@transaction.atomic
def completion_apply(
    *, application, agreed_date: datetime.date, user, now=None
) -> CompletionInspection:
    """The owner applies for completion acceptance; the inspection date is agreed."""
    now = now or timezone.now()
    app = _lock(application)
    _require_status(app, *ACTIVE_STATUSES, action=_("申请竣工验收"))
    if agreed_date < timezone.localdate(now):
        raise InvalidTransition(_("约定验收日期不能早于今天。"))
    _move(app, Status.COMPLETION_APPLIED, user=user, now=now)
    return _schedule_inspection(app, agreed_date=agreed_date, user=user, now=now)


@transaction.atomic
def reinspection_schedule(
    *, application, agreed_date: datetime.date, user, now=None
) -> CompletionInspection:
    """After rectification: agree the date of the re-inspection."""
    now = now or timezone.now()
    app = _lock(application)
    _require_status(app, Status.RECTIFICATION, action=_("预约复验"))
    if agreed_date < timezone.localdate(now):
        raise InvalidTransition(_("约定验收日期不能早于今天。"))
    return _schedule_inspection(app, agreed_date=agreed_date, user=user, now=now)


@transaction.atomic
def completion_inspect(
    *,
    inspection,
    engineering_ok: bool,
    security_ok: bool,
    user,
    problems: str = "",
    rectification: str = "",
    now=None,
) -> CompletionInspection:
    """Record the inspection by engineering and security. Problems need the rectification
    asked for (the application goes to rectification); acceptance sets the completion date
    and starts the 3-month deposit refund clock."""
    now = now or timezone.now()
    app = _lock(inspection.application)
    inspection = CompletionInspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.state != CompletionInspection.State.SCHEDULED:
        raise InvalidTransition(_("该次验收已登记结果。"))
    _require_status(app, Status.COMPLETION_APPLIED, Status.RECTIFICATION, action=_("竣工验收"))
    passed = engineering_ok and security_ok
    if not passed and not (problems.strip() and rectification.strip()):
        raise InvalidTransition(_("验收不合格须记录存在问题和整改措施，并向业主说明。"))
    if passed and app.violations.filter(state__in=OPEN_VIOLATION_STATES).exists():
        raise InvalidTransition(_("该装修有未整改完毕的违章，复查合格后才能通过竣工验收。"))
    inspection.engineering_ok, inspection.security_ok = engineering_ok, security_ok
    inspection.problems, inspection.rectification = problems, rectification
    inspection.inspected_at, inspection.inspected_by = now, user
    inspection.state = (
        CompletionInspection.State.PASSED if passed else CompletionInspection.State.FAILED
    )
    inspection.save(
        update_fields=[
            "engineering_ok",
            "security_ok",
            "problems",
            "rectification",
            "inspected_at",
            "inspected_by",
            "state",
        ]
    )
    if not passed:
        if app.status == Status.COMPLETION_APPLIED:
            _move(app, Status.RECTIFICATION, user=user, now=now, note=problems)
        return inspection
    app.completion_accepted_on = timezone.localdate(now)
    app.refund_due_on = app.completion_accepted_on + REFUND_AFTER
    _move(
        app,
        Status.COMPLETION_ACCEPTED,
        user=user,
        now=now,
        note=_("第 %(n)s 次验收合格") % {"n": inspection.round},
        fields=["completion_accepted_on", "refund_due_on"],
    )
    return inspection


# --- renovation lectures (R-REN-9) -----------------------------------------------------


@transaction.atomic
def lecture_save(*, lecture: RenovationLecture, user) -> RenovationLecture:
    if lecture.pk is None:
        lecture.created_by = user
    lecture.save()
    return lecture


@transaction.atomic
def lecture_attendees_add(*, lecture, unit, user, name: str = "") -> int:
    """Add the owners of a unit (its active purchases' customers), or the named person."""
    from salesite.models import Purchase

    if unit.project_id != lecture.project_id:
        raise InvalidTransition(_("该房屋不属于本讲座的项目。"))
    if name.strip():
        people = [(None, name.strip())]
    else:
        people = [
            (p.customer, p.customer.name)
            for p in Purchase.objects.filter(unit=unit, is_active=True).select_related("customer")
        ]
        if not people:
            raise InvalidTransition(_("该房屋没有业主记录，请填写参加人姓名。"))
    existing = set(
        LectureAttendee.objects.filter(lecture=lecture, unit=unit).values_list("name", flat=True)
    )
    new = [
        LectureAttendee(
            project_id=lecture.project_id, lecture=lecture, unit=unit, customer=c, name=n
        )
        for c, n in people
        if n not in existing
    ]
    if not new:
        raise InvalidTransition(_("该业主已登记参加本次讲座。"))
    LectureAttendee.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def lecture_attendee_remove(*, attendee: LectureAttendee, user) -> None:
    attendee.delete()
