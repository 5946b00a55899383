"""Violations found on patrol, fines, hot-work permits and refused materials (R-REN-6)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models.workflow import ProjectOwned, StatusHistory

from .applications import RenovationApplication
from .ledger import DepositLedgerEntry
from .patrols import PatrolRecord


def _project_fk():
    return models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )


def _app_fk(related_name):
    return models.ForeignKey(
        RenovationApplication,
        verbose_name=_("装修申请"),
        on_delete=models.CASCADE,
        related_name=related_name,
    )


def _user_fk(label):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


class Violation(ProjectOwned):
    """A minor violation gets a recorded verbal warning; a serious one a rectification notice
    (违章整改通知书, three copies): owner phoned first, then the contractor, both sign."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("轻微违章（口头警告）")
        SERIOUS = "serious", _("严重违章（违章整改通知书）")

    class State(models.TextChoices):
        WARNED = "warned", _("已口头警告")
        NOTICE_ISSUED = "notice_issued", _("已发整改通知")
        SIGNED = "signed", _("双方已签收，整改中")
        RECTIFIED = "rectified", _("已整改复查合格")

    # A violation is recorded warned (minor) or with a notice issued (serious).
    TRANSITIONS = {
        State.NOTICE_ISSUED: {State.SIGNED},
        State.SIGNED: {State.RECTIFIED},
    }
    STATUS_FIELD = "state"
    WORKFLOW_HISTORY = "renovation.ViolationHistory"
    TRANSITION_ERROR = _("违章记录不能从“%(from)s”变为“%(to)s”。")

    project = _project_fk()
    application = _app_fk("violations")
    patrol = models.ForeignKey(
        PatrolRecord,
        verbose_name=_("巡查记录"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="violations",
    )
    severity = models.CharField(_("违章程度"), max_length=10, choices=Severity.choices)
    state = models.CharField(_("状态"), max_length=14, choices=State.choices, db_index=True)
    description = models.TextField(_("违章情况"))
    found_at = models.DateTimeField(_("发现时间"))
    found_by = _user_fk(_("发现人"))
    # minor: the verbal warning
    warned_person = models.CharField(_("被警告人（工人/负责人）"), max_length=50, blank=True)
    warned_at = models.DateTimeField(_("警告时间"), null=True, blank=True)
    warned_by = _user_fk(_("警告人"))
    # serious: the rectification notice
    notice_number = models.CharField(_("整改通知书编号"), max_length=30, blank=True)
    requirement = models.TextField(_("整改要求"), blank=True)
    rectify_by = models.DateField(_("整改期限"), null=True, blank=True)
    owner_called_at = models.DateTimeField(_("电话通知业主时间"), null=True, blank=True)
    owner_call_answer = models.CharField(_("业主答复"), max_length=200, blank=True)
    contractor_called_at = models.DateTimeField(_("电话通知装修单位时间"), null=True, blank=True)
    contractor_call_answer = models.CharField(_("装修单位答复"), max_length=200, blank=True)
    owner_signed = models.BooleanField(_("业主已签收"), default=False)
    contractor_signed = models.BooleanField(_("装修单位已签收"), default=False)
    rechecked_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    rechecked_by = _user_fk(_("复查人"))
    recheck_note = models.TextField(_("复查情况"), blank=True)

    class Meta:
        verbose_name = _("装修违章")
        verbose_name_plural = _("装修违章")
        ordering = ["-found_at", "-pk"]
        permissions = [("approve_fine", _("可审批装修违约金（项目经理）"))]
        indexes = [models.Index(fields=["project", "state"])]

    def __str__(self):
        return f"{self.application} {self.get_severity_display()} {self.found_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("renovation:violation_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_VIOLATION_STATES


OPEN_VIOLATION_STATES = [Violation.State.NOTICE_ISSUED, Violation.State.SIGNED]
VIOLATION_TRANSITIONS = Violation.TRANSITIONS


class ViolationHistory(StatusHistory):
    """History row of every state change of a violation: who, when, from, to, note."""

    project = _project_fk()
    violation = models.ForeignKey(
        Violation, verbose_name=_("违章"), on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(_("原状态"), max_length=20, choices=Violation.State.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Violation.State.choices)

    class Meta(StatusHistory.Meta):
        verbose_name = _("装修违章状态变更")
        verbose_name_plural = _("装修违章状态变更")


class Fine(ProjectOwned):
    """违约金 under the agreement: proposed, approved by the project manager, then deducted
    from the deposit ledger."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("待审批")
        APPROVED = "approved", _("已批准并扣除")
        REJECTED = "rejected", _("未批准")

    TRANSITIONS = {State.PROPOSED: {State.APPROVED, State.REJECTED}}
    STATUS_FIELD = "state"
    TRANSITION_ERROR = _("该违约金已审批。")

    project = _project_fk()
    application = _app_fk("fines")
    violation = models.ForeignKey(
        Violation, verbose_name=_("违章"), on_delete=models.PROTECT, related_name="fines"
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    reason = models.CharField(_("依据（协议条款）"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.PROPOSED, db_index=True
    )
    proposed_by = _user_fk(_("提出人"))
    proposed_at = models.DateTimeField(_("提出时间"))
    decided_by = _user_fk(_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    ledger_entry = models.OneToOneField(
        DepositLedgerEntry,
        verbose_name=_("押金扣除分录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fine",
    )

    class Meta:
        verbose_name = _("装修违约金")
        verbose_name_plural = _("装修违约金")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="ren_fine_positive")
        ]

    def __str__(self):
        return f"{self.application} {self.amount}"

    def get_absolute_url(self):
        return self.violation.get_absolute_url()


class HotWorkPermit(ProjectOwned):
    """动火审批: location, time window, fire watcher and extinguisher check."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("不批准")

    TRANSITIONS = {State.REQUESTED: {State.APPROVED, State.REJECTED}}
    STATUS_FIELD = "state"
    TRANSITION_ERROR = _("该动火申请已审批。")

    project = _project_fk()
    application = _app_fk("hot_work_permits")
    location = models.CharField(_("动火部位"), max_length=100)
    work = models.CharField(_("作业内容"), max_length=100, help_text=_("如：电焊、气割"))
    starts_at = models.DateTimeField(_("动火开始"))
    ends_at = models.DateTimeField(_("动火结束"))
    operator_name = models.CharField(_("作业人"), max_length=50)
    operator_certificate = models.CharField(_("特种作业证号"), max_length=50, blank=True)
    fire_watcher = models.CharField(_("监护人"), max_length=50)
    extinguisher_checked = models.BooleanField(_("灭火器已检查"), default=False)
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.REQUESTED, db_index=True
    )
    requested_by = _user_fk(_("登记人"))
    requested_at = models.DateTimeField(_("登记时间"))
    decided_by = _user_fk(_("审批人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("动火审批")
        verbose_name_plural = _("动火审批")
        ordering = ["-starts_at", "-pk"]
        permissions = [("approve_hot_work", _("可审批动火（工程/安管负责人）"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="ren_hot_work_window"
            )
        ]

    def __str__(self):
        return f"{self.application} {self.location} {self.starts_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("renovation:application_detail", args=[self.application_id])


class MaterialRefusal(ProjectOwned):
    """Prohibited materials or tools refused at the gate (乙炔气罐、电焊工具 without approval…)."""

    project = _project_fk()
    application = _app_fk("material_refusals")
    refused_at = models.DateTimeField(_("拒绝时间"))
    material = models.CharField(_("物品"), max_length=100)
    quantity = models.CharField(_("数量"), max_length=30, blank=True)
    carrier = models.CharField(_("携带人"), max_length=50, blank=True)
    reason = models.CharField(_("拒绝原因"), max_length=200)
    refused_by = _user_fk(_("经办人"))

    class Meta:
        verbose_name = _("违禁材料拒入记录")
        verbose_name_plural = _("违禁材料拒入记录")
        ordering = ["-refused_at", "-pk"]

    def __str__(self):
        return f"{self.application} {self.material}"

    def get_absolute_url(self):
        return reverse("renovation:application_detail", args=[self.application_id])
