"""The handover of a unit (R-HO-4): the nine steps, fees, acceptance form and rectification."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite import workflow
from salesite.models.scoping import ProjectScopedQuerySet
from salesite.models.workflow import StatusHistory


class FeeBasis(models.TextChoices):
    PER_SQM_MONTH = "per_sqm_month", _("按建筑面积每平方米每月")
    FIXED_MONTH = "fixed_month", _("每户每月固定")


class FeeItem(models.Model):
    """A fee charged at handover, configured per project in admin."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("收费项目"), max_length=50)
    basis = models.CharField(_("计费方式"), max_length=20, choices=FeeBasis.choices)
    rate = models.DecimalField(_("单价(元)"), max_digits=10, decimal_places=2)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=10)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")
        ordering = ["project", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="feeitem_unique_name"),
            models.CheckConstraint(condition=models.Q(rate__gte=0), name="feeitem_rate_positive"),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_basis_display()} {self.rate}）"


class CaseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("办理中")
    COMPLETED = "completed", _("已交接")
    NOT_TAKEN = "not_taken", _("未接房")


class HandoverStep(models.IntegerChoices):
    VERIFY = 1, _("核对业主身份证件与购房合同")
    COPIES = 2, _("收取身份证及资料复印件")
    OWNER_FILE = 3, _("完善业主档案")
    SAFETY = 4, _("签订安全责任制书")
    FEES = 5, _("计算预收半年费用")
    PAYMENT = 6, _("收银员收费")
    KEYS_READY = 7, _("准备钥匙、业主手册、装修手册")
    HANDED_OVER = 8, _("发放钥匙及资料，业主签字")
    SUMMARY = 9, _("登记房屋交接汇总报表")


# The steps each step needs completed first: the handover runs strictly in order (R-HO-4).
STEP_REQUIRES: dict[int, list[int]] = {s.value: list(range(1, s.value)) for s in HandoverStep}


class HandoverCase(models.Model):
    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    batch = models.ForeignKey(
        "handover.DeliveryBatch",
        verbose_name=_("交付批次"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
    )
    unit = models.OneToOneField(
        "salesite.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="handover"
    )
    purchase = models.ForeignKey(
        "salesite.Purchase",
        verbose_name=_("购房记录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    customer = models.ForeignKey(
        "salesite.Customer",
        verbose_name=_("业主"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handover_cases",
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=CaseStatus.choices,
        default=CaseStatus.IN_PROGRESS,
        db_index=True,
    )
    last_step = models.PositiveSmallIntegerField(_("已完成步骤"), default=0)
    handover_date = models.DateField(_("交房日期"), null=True, blank=True, db_index=True)
    fee_start = models.DateField(_("预收费用起始日"), null=True, blank=True)
    fee_end = models.DateField(_("预收费用截止日"), null=True, blank=True)
    fee_total = models.DecimalField(
        _("应收合计(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    paid_amount = models.DecimalField(
        _("实收金额(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    paid_at = models.DateTimeField(_("收费时间"), null=True, blank=True)
    receipt_number = models.CharField(_("收据号"), max_length=50, blank=True)
    paid_by_cashier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收银员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    owner_consulted_on_key = models.BooleanField(_("已就整改留钥匙征求业主意见"), default=False)
    key_kept = models.BooleanField(_("留一把钥匙整改"), default=False)
    keys_count = models.PositiveSmallIntegerField(_("交付钥匙数"), null=True, blank=True)
    owner_signed = models.BooleanField(_("业主已签字"), default=False)
    completed_on = models.DateField(_("交接完成日期"), null=True, blank=True, db_index=True)
    not_taken_reason = models.CharField(_("未接房原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ProjectScopedQuerySet.as_manager()

    # In progress until step 9 completes it; an owner who does not take the unit is marked
    # not taken (and may resume). A completed handover is final. The steps are its history.
    TRANSITIONS = {
        CaseStatus.IN_PROGRESS: {CaseStatus.COMPLETED, CaseStatus.NOT_TAKEN},
        CaseStatus.NOT_TAKEN: {CaseStatus.IN_PROGRESS},
    }

    class Meta:
        verbose_name = _("房屋交接")
        verbose_name_plural = _("房屋交接")
        ordering = ["-created_at"]
        # The case list's order (latest change first): its first page without a sort of all.
        indexes = [models.Index(fields=["updated_at"], name="handovercase_updated")]
        permissions = [
            ("perform_handover", _("可办理交接房屋")),
            ("record_payment", _("可登记交房收费（收银员）")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_step__lte=9), name="handovercase_step_range"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="not_taken") | ~models.Q(not_taken_reason=""),
                name="handovercase_not_taken_reason",
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.customer or ''}".strip()

    def get_absolute_url(self):
        return reverse("handover:case_detail", args=[self.pk])

    @property
    def next_step(self):
        if self.status != CaseStatus.IN_PROGRESS or self.last_step >= 9:
            return None
        return HandoverStep(self.last_step + 1)


class HandoverStepRecord(models.Model):
    """One completed step: who, when, and what was recorded (the case's history)."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        HandoverCase, verbose_name=_("房屋交接"), on_delete=models.CASCADE, related_name="steps"
    )
    step = models.PositiveSmallIntegerField(_("步骤"), choices=HandoverStep.choices)
    completed_at = models.DateTimeField(_("完成时间"))
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    data = models.JSONField(_("记录内容"), default=dict, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("交接步骤记录")
        verbose_name_plural = _("交接步骤记录")
        ordering = ["case", "step"]
        constraints = [
            models.UniqueConstraint(fields=["case", "step"], name="handoverstep_unique_step")
        ]

    def __str__(self):
        return f"{self.case} · {self.get_step_display()}"


class FeeLine(models.Model):
    """Six months of one fee item, prepaid at handover, with its period."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        HandoverCase, verbose_name=_("房屋交接"), on_delete=models.CASCADE, related_name="fee_lines"
    )
    fee_item = models.ForeignKey(
        FeeItem, verbose_name=_("收费项目"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("收费项目"), max_length=50)
    basis = models.CharField(_("计费方式"), max_length=20, choices=FeeBasis.choices)
    rate = models.DecimalField(_("单价(元)"), max_digits=10, decimal_places=2)
    area = models.DecimalField(_("面积(m²)"), max_digits=8, decimal_places=2, null=True)
    months = models.PositiveSmallIntegerField(_("月数"), default=6)
    period_start = models.DateField(_("起始日"))
    period_end = models.DateField(_("截止日"))
    amount = models.DecimalField(_("金额(元)"), max_digits=12, decimal_places=2)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("预收费用明细")
        verbose_name_plural = _("预收费用明细")
        ordering = ["case", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "fee_item"], name="feeline_unique_item")
        ]

    def __str__(self):
        return f"{self.name} {self.amount}"


class AcceptanceRecord(models.Model):
    """房屋交接验收表: room items, meter readings."""

    ROOMS = [
        ("living", _("客厅")),
        ("bedrooms", _("卧室")),
        ("kitchen", _("厨房")),
        ("bathrooms", _("卫生间")),
        ("balcony", _("阳台")),
        ("doors_windows", _("门窗")),
        ("plumbing_electric", _("水电设施")),
    ]

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    case = models.OneToOneField(
        HandoverCase,
        verbose_name=_("房屋交接"),
        on_delete=models.CASCADE,
        related_name="acceptance",
    )
    room_items = models.JSONField(_("房屋各部位验收情况"), default=dict, blank=True)
    water_reading = models.DecimalField(_("水表读数"), max_digits=10, decimal_places=2)
    electricity_reading = models.DecimalField(_("电表读数"), max_digits=10, decimal_places=2)
    gas_reading = models.DecimalField(
        _("燃气表读数"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    inspected_on = models.DateField(_("验收日期"))
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("验收人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("备注"), blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("房屋交接验收表")
        verbose_name_plural = _("房屋交接验收表")

    def __str__(self):
        return f"{self.case} · {self.inspected_on}"

    def room_rows(self):
        labels = dict(self.ROOMS)
        return [(labels.get(k, k), v) for k, v in self.room_items.items()]


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    FIXED = "fixed", _("已整改")
    VERIFIED = "verified", _("已验证")


class RectificationItem(models.Model):
    """交接遗留问题整改记录表: a defect found at handover."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    case = models.ForeignKey(
        HandoverCase,
        verbose_name=_("房屋交接"),
        on_delete=models.CASCADE,
        related_name="rectifications",
    )
    location = models.CharField(_("部位"), max_length=60)
    description = models.CharField(_("问题描述"), max_length=300)
    responsible_unit = models.CharField(_("责任单位"), max_length=60)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
        db_index=True,
    )
    found_on = models.DateField(_("发现日期"))
    fixed_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    verified_on = models.DateField(_("验证日期"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("验证人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ProjectScopedQuerySet.as_manager()

    TRANSITIONS = {
        RectificationStatus.OPEN: {RectificationStatus.FIXED},
        RectificationStatus.FIXED: {RectificationStatus.VERIFIED, RectificationStatus.OPEN},
    }
    WORKFLOW_HISTORY = "handover.RectificationHistory"
    TRANSITION_ERROR = _("整改状态不能从“%(from)s”变为“%(to)s”。")

    class Meta:
        verbose_name = _("交接遗留问题整改")
        verbose_name_plural = _("交接遗留问题整改")
        ordering = ["deadline", "pk"]

    def __str__(self):
        return f"{self.case.unit} · {self.location} {self.description[:20]}"

    def get_absolute_url(self):
        return reverse("handover:case_detail", args=[self.case_id])

    def allowed_next(self):
        """The statuses offered on the case page (members with value and label)."""
        return [RectificationStatus(s) for s in workflow.allowed_next(self)]


class RectificationHistory(StatusHistory):
    """One state change of a rectification item (fixed, verified, reopened)."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(
        RectificationItem,
        verbose_name=_("交接遗留问题整改"),
        on_delete=models.CASCADE,
        related_name="history",
    )

    objects = ProjectScopedQuerySet.as_manager()

    class Meta(StatusHistory.Meta):
        verbose_name = _("整改状态记录")
        verbose_name_plural = _("整改状态记录")
