"""Agreement, fees, construction permit, worker passes and entry (R-REN-3 … R-REN-5)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from salesite.models.workflow import ProjectOwned

from .applications import RenovationApplication


def _project_fk():
    return models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
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


PROHIBITIONS = [
    ("ack_fire", _("现场防火：严禁吸烟、明火作业须办理动火审批，配备灭火器")),
    ("ack_working_hours", _("施工时间：按规定时间施工，午休及夜间禁止噪音作业")),
    ("ack_moving_hours", _("搬运时间：材料及垃圾按规定时间、路线搬运")),
    ("ack_no_facade_change", _("禁止改变房屋外观（外墙、门窗、空调位）")),
    ("ack_no_window_grilles", _("禁止安装外窗防护栏")),
]


class RenovationAgreement(ProjectOwned):
    class Signer(models.TextChoices):
        OWNER = "owner", _("业主")
        CONTRACTOR = "contractor", _("装修单位（受业主委托）")

    project = _project_fk()
    application = models.OneToOneField(
        RenovationApplication,
        verbose_name=_("装修申请"),
        on_delete=models.CASCADE,
        related_name="agreement",
    )
    signed_by = models.CharField(_("签署方"), max_length=12, choices=Signer.choices)
    signer_name = models.CharField(_("签署人"), max_length=50)
    signed_on = models.DateField(_("签署日期"))
    owner_confirmed_approval = models.BooleanField(_("业主已确认审批结果"), default=False)
    ack_fire = models.BooleanField(PROHIBITIONS[0][1], default=False)
    ack_working_hours = models.BooleanField(PROHIBITIONS[1][1], default=False)
    ack_moving_hours = models.BooleanField(PROHIBITIONS[2][1], default=False)
    ack_no_facade_change = models.BooleanField(PROHIBITIONS[3][1], default=False)
    ack_no_window_grilles = models.BooleanField(PROHIBITIONS[4][1], default=False)
    recorded_by = _user_fk(_("经办人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("装修管理协议")
        verbose_name_plural = _("装修管理协议")

    def __str__(self):
        return f"{self.application} {self.signer_name}"


class FeeKind(models.TextChoices):
    DEPOSIT = "deposit", _("装修押金")
    MANAGEMENT = "management", _("装修管理服务费")
    DEBRIS = "debris", _("垃圾清运费")
    WORKER_PASS = "worker_pass", _("工人出入证工本费")


class FeeItem(ProjectOwned):
    """The published fee schedule of a project (edited in admin)."""

    class Basis(models.TextChoices):
        FIXED = "fixed", _("每户固定")
        PER_M2 = "per_m2", _("按建筑面积（每平方米）")
        PER_PASS = "per_pass", _("按出入证张数")

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="renovation_fee_items",
    )
    kind = models.CharField(_("收费项目"), max_length=12, choices=FeeKind.choices)
    basis = models.CharField(_("计费方式"), max_length=10, choices=Basis.choices)
    rate = models.DecimalField(_("标准（元）"), max_digits=10, decimal_places=2)
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("装修收费标准")
        verbose_name_plural = _("装修收费标准")
        ordering = ["project", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="ren_fee_item_unique"),
            models.CheckConstraint(condition=models.Q(rate__gte=0), name="ren_fee_rate_positive"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.rate} ({self.get_basis_display()})"


class FeePayment(ProjectOwned):
    """The cashier's record of the fees paid for an application, with the receipt number."""

    project = _project_fk()
    application = models.OneToOneField(
        RenovationApplication,
        verbose_name=_("装修申请"),
        on_delete=models.PROTECT,
        related_name="fee_payment",
    )
    receipt_number = models.CharField(_("收据号"), max_length=30)
    total = models.DecimalField(_("合计（元）"), max_digits=12, decimal_places=2)
    deposit = models.DecimalField(_("其中押金（元）"), max_digits=12, decimal_places=2)
    worker_pass_count = models.PositiveSmallIntegerField(_("出入证张数"), default=0)
    paid_at = models.DateTimeField(_("收款时间"))
    cashier = _user_fk(_("收银员"))

    class Meta:
        verbose_name = _("装修缴费")
        verbose_name_plural = _("装修缴费")
        ordering = ["-paid_at"]
        permissions = [("collect_fees", _("可收取装修费用"))]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "receipt_number"], name="ren_payment_receipt_unique"
            )
        ]

    def __str__(self):
        return f"{self.receipt_number} {self.total}"


class FeeCharge(ProjectOwned):
    payment = models.ForeignKey(
        FeePayment, verbose_name=_("缴费"), on_delete=models.CASCADE, related_name="charges"
    )
    project = _project_fk()
    kind = models.CharField(_("收费项目"), max_length=12, choices=FeeKind.choices)
    basis = models.CharField(_("计费方式"), max_length=10, choices=FeeItem.Basis.choices)
    quantity = models.DecimalField(_("数量"), max_digits=10, decimal_places=2)
    rate = models.DecimalField(_("标准（元）"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("缴费明细")
        verbose_name_plural = _("缴费明细")
        ordering = ["payment", "kind"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class WorkerPass(ProjectOwned):
    project = _project_fk()
    application = models.ForeignKey(
        RenovationApplication,
        verbose_name=_("装修申请"),
        on_delete=models.CASCADE,
        related_name="worker_passes",
    )
    pass_number = models.CharField(_("出入证号"), max_length=30)
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=30)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    trade = models.CharField(_("工种"), max_length=30, blank=True)
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"))
    issued_by = _user_fk(_("办理人"))
    issued_at = models.DateTimeField(_("办理时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("工人出入证")
        verbose_name_plural = _("工人出入证")
        ordering = ["application", "pass_number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "pass_number"], name="ren_pass_unique"),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="ren_pass_validity",
            ),
        ]

    def __str__(self):
        return f"{self.pass_number} {self.name}"


class EntryConfirmation(ProjectOwned):
    """入场确认表: the condition of the existing facilities before work starts."""

    project = _project_fk()
    application = models.OneToOneField(
        RenovationApplication,
        verbose_name=_("装修申请"),
        on_delete=models.CASCADE,
        related_name="entry_confirmation",
    )
    confirmed_on = models.DateField(_("确认日期"))
    facilities_condition = models.TextField(
        _("现有设施状况"), help_text=_("门窗、墙地面、水电表、管道、烟感喷淋、对讲等")
    )
    owner_signed = models.BooleanField(_("业主/装修单位已签字"), default=False)
    confirmed_by = _user_fk(_("物业确认人"))

    class Meta:
        verbose_name = _("入场确认表")
        verbose_name_plural = _("入场确认表")

    def __str__(self):
        return f"{self.application} {self.confirmed_on}"


ZERO = Decimal("0.00")
