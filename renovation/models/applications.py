"""The renovation application and its review (R-REN-1, R-REN-2)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models.workflow import ProjectOwned, StatusHistory


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("审核中")
    WAITING_GOVERNMENT = "waiting_government", _("待政府审批")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("审核通过")
    AGREEMENT_SIGNED = "agreement_signed", _("已签协议")
    FEES_PAID = "fees_paid", _("已缴费")
    PERMITTED = "permitted", _("施工中")
    COMPLETION_APPLIED = "completion_applied", _("已申请竣工验收")
    RECTIFICATION = "rectification", _("验收整改中")
    COMPLETION_ACCEPTED = "completion_accepted", _("竣工验收通过")
    REFUND_REQUESTED = "refund_requested", _("押金退还申请中")
    REFUNDED = "refunded", _("押金已退还")
    CLOSED = "closed", _("已结案")


# Allowed moves (salesite.workflow.transition refuses everything else).
TRANSITIONS = {
    Status.DRAFT: [Status.SUBMITTED, Status.WAITING_GOVERNMENT],
    Status.WAITING_GOVERNMENT: [Status.SUBMITTED],
    Status.SUBMITTED: [Status.APPROVED, Status.RETURNED],
    Status.RETURNED: [Status.SUBMITTED, Status.WAITING_GOVERNMENT],
    Status.APPROVED: [Status.AGREEMENT_SIGNED],
    Status.AGREEMENT_SIGNED: [Status.FEES_PAID],
    Status.FEES_PAID: [Status.PERMITTED],
    Status.PERMITTED: [Status.COMPLETION_APPLIED],
    Status.COMPLETION_APPLIED: [Status.COMPLETION_ACCEPTED, Status.RECTIFICATION],
    Status.RECTIFICATION: [Status.COMPLETION_ACCEPTED],
    Status.COMPLETION_ACCEPTED: [Status.REFUND_REQUESTED],
    Status.REFUND_REQUESTED: [Status.REFUNDED],
    Status.REFUNDED: [Status.CLOSED],
    Status.CLOSED: [],
}

IN_REVIEW = [Status.SUBMITTED, Status.WAITING_GOVERNMENT]
ACTIVE = [Status.PERMITTED]
IN_COMPLETION = [Status.COMPLETION_APPLIED, Status.RECTIFICATION]


class Decision(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("同意")
    RETURNED = "returned", _("退回")


class RenovationApplication(ProjectOwned):
    class ApplicantKind(models.TextChoices):
        OWNER = "owner", _("业主本人")
        AGENT = "agent", _("委托代理人")

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="renovation_applications",
    )
    unit = models.ForeignKey(
        "salesite.Unit",
        verbose_name=_("房屋"),
        on_delete=models.PROTECT,
        related_name="renovation_applications",
    )
    number = models.CharField(_("申请编号"), max_length=30, blank=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    applicant_kind = models.CharField(
        _("申请人类型"), max_length=10, choices=ApplicantKind.choices, default=ApplicantKind.OWNER
    )
    owner = models.ForeignKey(
        "salesite.Customer",
        verbose_name=_("业主"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renovation_applications",
    )
    owner_name = models.CharField(_("业主姓名"), max_length=50)
    owner_phone = models.CharField(_("业主电话"), max_length=30)
    agent_name = models.CharField(_("代理人姓名"), max_length=50, blank=True)
    agent_phone = models.CharField(_("代理人电话"), max_length=30, blank=True)
    agent_id_number = models.CharField(_("代理人证件号"), max_length=30, blank=True)
    has_power_of_attorney = models.BooleanField(_("已提交授权委托书"), default=False)

    contractor_name = models.CharField(_("装修单位"), max_length=100)
    # Optional: the contractor picked from the core's register (issue #16); the text fields
    # above stay the application's own record.
    registered_contractor = models.ForeignKey(
        "salesite.Contractor",
        verbose_name=_("登记的施工单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renovation_applications",
    )
    contractor_head_name = models.CharField(_("装修负责人"), max_length=50)
    contractor_head_phone = models.CharField(_("负责人电话"), max_length=30)
    contractor_head_id_number = models.CharField(_("负责人身份证号"), max_length=30)
    contractor_head_id_valid_until = models.DateField(_("身份证有效期至"))
    business_licence_number = models.CharField(_("营业执照编号"), max_length=50)
    business_licence_valid_until = models.DateField(_("营业执照有效期至"))
    qualification_number = models.CharField(_("资质证书编号"), max_length=50)
    qualification_valid_until = models.DateField(_("资质证书有效期至"))
    is_key_premises = models.BooleanField(
        _("商业/重点场所"), default=False, help_text=_("需提供设计资质")
    )
    design_qualification_number = models.CharField(_("设计资质编号"), max_length=50, blank=True)
    design_qualification_valid_until = models.DateField(
        _("设计资质有效期至"), null=True, blank=True
    )
    commitment_delegates_contractor = models.BooleanField(
        _("承诺书委托装修单位签署协议"), default=False
    )

    changes_fire = models.BooleanField(_("涉及消防改动"), default=False)
    changes_structure = models.BooleanField(_("涉及结构改动"), default=False)
    changes_gas = models.BooleanField(_("涉及燃气改动"), default=False)
    scope = models.TextField(_("装修内容"), blank=True)
    planned_start = models.DateField(_("计划开工日期"), null=True, blank=True)
    planned_end = models.DateField(_("计划完工日期"), null=True, blank=True)

    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    review_due_at = models.DateTimeField(_("审核截止时间"), null=True, blank=True, db_index=True)
    review_overdue_alerted_at = models.DateTimeField(_("超时提醒时间"), null=True, blank=True)
    engineering_decision = models.CharField(
        _("工程部意见"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    engineering_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("工程部审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    engineering_reviewed_at = models.DateTimeField(_("工程部审核时间"), null=True, blank=True)
    engineering_note = models.TextField(_("工程部意见说明"), blank=True)
    cs_decision = models.CharField(
        _("客服意见"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    cs_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("客服审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cs_reviewed_at = models.DateTimeField(_("客服审核时间"), null=True, blank=True)
    cs_note = models.TextField(_("客服意见说明"), blank=True)
    approved_at = models.DateTimeField(_("审核通过时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)

    permit_number = models.CharField(_("施工进场证号"), max_length=30, blank=True)
    permit_valid_until = models.DateField(_("进场证有效期至"), null=True, blank=True)
    permitted_at = models.DateTimeField(_("发证（进场）时间"), null=True, blank=True)
    entry_notice_sent_at = models.DateTimeField(_("入场知会单发出时间"), null=True, blank=True)
    completion_accepted_on = models.DateField(_("竣工验收通过日期"), null=True, blank=True)
    refund_due_on = models.DateField(
        _("押金可退日期"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("竣工验收满押金退还等待期（服务规则，默认 3 个月）"),
    )
    refund_due_notified_at = models.DateTimeField(_("押金到期提醒时间"), null=True, blank=True)
    # The service policy values the review deadline and the refund date use (salesite.policy).
    rule_values = models.JSONField(
        _("所用规则值"), default=dict, blank=True, help_text=_("登记时适用的服务规则取值")
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    TRANSITIONS = TRANSITIONS
    WORKFLOW_HISTORY = "renovation.StatusChange"
    TRANSITION_ERROR = _("装修申请不能从“%(from)s”变为“%(to)s”。")

    class Meta:
        verbose_name = _("装修申请")
        verbose_name_plural = _("装修申请")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("review_engineering", _("可作工程部装修审核")),
            ("review_customer_service", _("可作客服装修审核")),
            ("record_government_approval", _("可登记政府审批")),
            ("issue_permit", _("可发放施工进场证和入场知会单")),
        ]
        indexes = [
            models.Index(fields=["project", "status"]),
            # The application list's order: its first page without a sort of all.
            models.Index(fields=["created_at", "id"], name="ren_application_created"),
        ]

    def __str__(self):
        return f"{self.number or self.pk} {self.unit}"

    def get_absolute_url(self):
        return reverse("renovation:application_detail", args=[self.pk])

    @property
    def needs_government_approval(self) -> bool:
        return self.changes_fire or self.changes_structure or self.changes_gas

    @property
    def is_editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.RETURNED)


class DocumentKind(models.TextChoices):
    APPLICATION_FORM = "application_form", _("装修申请表（签字）")
    COMMITMENT_LETTER = "commitment_letter", _("装修承诺书（签字）")
    DRAWING_PLAN = "drawing_plan", _("平面布置图（盖章）")
    DRAWING_CEILING = "drawing_ceiling", _("天花图（盖章）")
    DRAWING_PIPES_POWER = "drawing_pipes_power", _("水电管线图（盖章）")
    DRAWING_LOW_VOLTAGE = "drawing_low_voltage", _("弱电图（盖章）")
    DRAWING_SECTIONS = "drawing_sections", _("剖面图（盖章）")
    CONTRACTOR_HEAD_ID = "contractor_head_id", _("装修负责人身份证复印件")
    BUSINESS_LICENCE = "business_licence", _("营业执照复印件")
    QUALIFICATION = "qualification", _("资质证书复印件")
    DESIGN_QUALIFICATION = "design_qualification", _("设计资质复印件")
    POWER_OF_ATTORNEY = "power_of_attorney", _("授权委托书")


BASE_DOCUMENTS = [
    DocumentKind.APPLICATION_FORM,
    DocumentKind.COMMITMENT_LETTER,
    DocumentKind.DRAWING_PLAN,
    DocumentKind.DRAWING_CEILING,
    DocumentKind.DRAWING_PIPES_POWER,
    DocumentKind.DRAWING_LOW_VOLTAGE,
    DocumentKind.DRAWING_SECTIONS,
    DocumentKind.CONTRACTOR_HEAD_ID,
    DocumentKind.BUSINESS_LICENCE,
    DocumentKind.QUALIFICATION,
]


def required_documents(application) -> list[str]:
    kinds = list(BASE_DOCUMENTS)
    if application.is_key_premises:
        kinds.append(DocumentKind.DESIGN_QUALIFICATION)
    if application.applicant_kind == RenovationApplication.ApplicantKind.AGENT:
        kinds.append(DocumentKind.POWER_OF_ATTORNEY)
    return kinds


class ApplicationDocument(ProjectOwned):
    """One line of the document checklist; its scans are attachments of this row."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        RenovationApplication,
        verbose_name=_("装修申请"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField(_("资料"), max_length=30, choices=DocumentKind.choices)
    received = models.BooleanField(_("已收取"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核对人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("核对时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("申请资料")
        verbose_name_plural = _("申请资料")
        ordering = ["application", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="ren_document_unique")
        ]

    def __str__(self):
        return self.get_kind_display()

    def get_absolute_url(self):
        return self.application.get_absolute_url()


class GovernmentApproval(ProjectOwned):
    """The approval of the authority for fire, structure or gas changes (R-REN-2)."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        RenovationApplication,
        verbose_name=_("装修申请"),
        on_delete=models.CASCADE,
        related_name="government_approvals",
    )
    authority = models.CharField(_("审批部门"), max_length=100)
    document_number = models.CharField(_("批文编号"), max_length=50)
    approved_on = models.DateField(_("批准日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("政府审批")
        verbose_name_plural = _("政府审批")
        ordering = ["-approved_on"]

    def __str__(self):
        return f"{self.authority} {self.document_number}"


class StatusChange(StatusHistory):
    """History row of every state change of an application: who, when, from, to, note."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        RenovationApplication,
        verbose_name=_("装修申请"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices)

    class Meta(StatusHistory.Meta):
        verbose_name = _("装修状态变更")
        verbose_name_plural = _("装修状态变更")

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
