"""Application writes (R-REN-1): save, documents, submit, government approval, review,
and the review-deadline monitor (R-JOB-4)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.attachments import attachment_add
from salesite.audit_bulk import bulk_create_audited
from salesite.notifications import notify_each_once, notify_many, send_sms
from salesite.policy import policy_for, rule_value
from salesite.selectors import members_holding
from salesite.workflow import transition

from .. import recipients
from ..exceptions import DocumentExpired, DocumentsMissing, InvalidTransition
from ..models import (
    ApplicationDocument,
    Decision,
    DocumentKind,
    GovernmentApproval,
    RenovationApplication,
    Status,
    required_documents,
)
from ..working_days import add_working_days
from .common import _lock, _require_status

# The service policy values an application's deadlines use, stored on it (``rule_values``):
# the review within 1 working day (R-REN-2) and the refund 3 months after completion (R-REN-8)
# by default.
APPLICATION_RULES = ("review_working_days", "refund_wait_months")
GOVERNMENT_GUIDANCE = _(
    "您的装修方案涉及消防、结构或燃气改动，须先报政府相关部门审批：消防改动报消防部门，"
    "结构改动报住建部门（须原设计单位或相应资质设计单位出具方案），燃气改动报燃气公司。"
    "取得批文后请交物业客户服务中心登记，我们将在一个工作日内完成审核。"
)


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
    if not application.rule_values:  # made here, or by hand before its first save here
        application.rule_values = policy_for(application.unit.project).values(*APPLICATION_RULES)
    application.save()
    if creating:
        application.number = f"ZX{timezone.localdate():%Y%m%d}-{application.pk:05d}"
        application.save(update_fields=["number"])
    kinds = required_documents(application)
    bulk_create_audited(
        ApplicationDocument,
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


# While the application is being prepared or reviewed, the owner may upload a missing
# document on the owner portal; later the checklist is closed.
OWNER_UPLOAD_STATUSES = (
    Status.DRAFT,
    Status.RETURNED,
    Status.SUBMITTED,
    Status.WAITING_GOVERNMENT,
)
# Scans with a person's identity data (R-X-5): only roles with personal-data access open them.
PERSONAL_DOCUMENTS = (DocumentKind.CONTRACTOR_HEAD_ID, DocumentKind.POWER_OF_ATTORNEY)


@transaction.atomic
def document_upload_by_owner(*, document: ApplicationDocument, uploaded, description: str = ""):
    """The owner uploads a scan of a document still missing (owner portal). The file gets the
    same type and size checks as a staff attachment; the document stays "not received" until
    staff check it, and the reviewers are told a file is waiting."""
    app = _lock(document.application)
    if app.status not in OWNER_UPLOAD_STATUSES:
        raise InvalidTransition(
            _("申请当前状态为“%(status)s”，不能再上传资料；如需补充请联系物业服务中心。")
            % {"status": app.get_status_display()}
        )
    document = ApplicationDocument.objects.select_for_update().get(pk=document.pk)
    if document.received:
        raise InvalidTransition(_("物业已收取该资料，无需再上传。"))
    attachment = attachment_add(
        owner=document,
        uploaded=uploaded,
        user=None,
        description=(description.strip() or _("业主端上传"))[:200],
        personal=document.kind in PERSONAL_DOCUMENTS,
    )
    users = members_holding(recipients.REVIEWERS, [app.project_id]).get(app.project_id, [])
    notify_many(
        recipients=users,
        title=_("业主上传装修资料：%(unit)s %(kind)s")
        % {"unit": app.unit, "kind": document.get_kind_display()},
        body=_("请核对后勾选“已收取”。"),
        url=app.get_absolute_url(),
        project=app.project,
        dedupe_key=f"ren-owner-upload-{attachment.pk}",
        email=False,
    )
    return attachment


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
        transition(
            app, Status.WAITING_GOVERNMENT, by=user, at=now, fields=[*fields, "review_due_at"]
        )
        phone = app.agent_phone if app.agent_phone else app.owner_phone
        # Queued in the outbox with the move; a worker sends it after commit.
        send_sms(
            phone=phone,
            body=str(GOVERNMENT_GUIDANCE),
            project=app.project,
            dedupe_key=f"ren-gov-guidance-{app.pk}",
        )
        return app
    app.review_due_at = add_working_days(now, rule_value(app, "review_working_days"))
    transition(app, Status.SUBMITTED, by=user, at=now, fields=[*fields, "review_due_at"])
    _notify_reviewers(app)
    return app


def _notify_reviewers(app):
    users = members_holding(recipients.REVIEWERS, [app.project_id]).get(app.project_id, [])
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
        app.review_due_at = add_working_days(now, rule_value(app, "review_working_days"))
        transition(
            app,
            Status.SUBMITTED,
            by=user,
            at=now,
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
        transition(
            app, Status.RETURNED, by=user, at=now, note=note, fields=[*fields, "return_reason"]
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
        transition(
            app,
            Status.APPROVED,
            by=user,
            at=now,
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
    told = notify_each_once(
        RenovationApplication.objects.filter(
            status=Status.SUBMITTED,
            review_due_at__lt=now,
            review_overdue_alerted_at__isnull=True,
        ).select_related("unit__building", "project"),
        roles=recipients.REVIEWERS,
        message=lambda app: {
            "title": _("装修申请审核超时：%(unit)s") % {"unit": app.unit},
            "body": _("审核截止时间 %(due)s 已过，请尽快处理。")
            % {"due": timezone.localtime(app.review_due_at).strftime("%Y-%m-%d %H:%M")},
            "url": app.get_absolute_url(),
        },
        key=lambda app: f"ren-review-overdue-{app.pk}-{app.submitted_at:%Y%m%d%H%M%S}",
        level="overdue",
        mark="review_overdue_alerted_at",
        now=now,
    )
    return {"overdue": told["due"], "notified": told["notified"]}
