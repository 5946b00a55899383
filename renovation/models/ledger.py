"""The deposit ledger and the deposit refund (R-REN-8).

Entries are only ever appended (no update, no delete: services never do it, the admin is
read-only); the balance is the SUM of the signed amounts in SQL; every write locks the
application row and checks the balance inside the same transaction, so it never goes negative.
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, DecimalField, F, Sum, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models.workflow import ProjectOwned

from .applications import RenovationApplication


class EntryKind(models.TextChoices):
    DEPOSIT_IN = "deposit_in", _("收取押金")
    FINE = "fine", _("违约金扣除")
    UNPAID_FEE_DEDUCTION = "unpaid_fee_deduction", _("扣除欠缴费用")
    REFUND = "refund", _("退还押金")


MONEY = DecimalField(max_digits=12, decimal_places=2)


def balance_expression(prefix=""):
    """SUM of the signed amounts (for aggregate/annotate); 0 when there is no entry."""
    kind, amount = f"{prefix}kind", f"{prefix}amount"
    return Coalesce(
        Sum(
            Case(
                When(**{kind: EntryKind.DEPOSIT_IN}, then=F(amount)),
                default=-F(amount),
                output_field=MONEY,
            )
        ),
        Value(0),
        output_field=MONEY,
    )


class DepositLedgerEntry(ProjectOwned):
    application = models.ForeignKey(
        RenovationApplication,
        verbose_name=_("装修申请"),
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    kind = models.CharField(_("类型"), max_length=24, choices=EntryKind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    memo = models.CharField(_("摘要"), max_length=200, blank=True)
    reference = models.CharField(_("凭证/单据号"), max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记账时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("押金台账分录")
        verbose_name_plural = _("押金台账")
        ordering = ["application", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="ren_ledger_amount_positive"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def signed(self):
        return self.amount if self.kind == EntryKind.DEPOSIT_IN else -self.amount


class DepositRefund(ProjectOwned):
    """押金退还: request, damage check, three signatures, approval, cashier's memo."""

    class Requester(models.TextChoices):
        OWNER = "owner", _("业主")
        CONTRACTOR = "contractor", _("装修单位")

    application = models.OneToOneField(
        RenovationApplication,
        verbose_name=_("装修申请"),
        on_delete=models.PROTECT,
        related_name="refund",
    )
    requested_by = models.CharField(_("申请方"), max_length=12, choices=Requester.choices)
    owner_consent = models.BooleanField(_("业主已同意（装修单位申请时）"), default=False)
    requested_on = models.DateField(_("申请日期"))
    no_damage_confirmed = models.BooleanField(
        _("已确认无公共部位/相邻业主受损（漏水等）"), default=False
    )
    damage_notes = models.TextField(_("查验情况"), blank=True)
    deposit_amount = models.DecimalField(_("押金（元）"), max_digits=12, decimal_places=2)
    fines_amount = models.DecimalField(_("已批违约金（元）"), max_digits=12, decimal_places=2)
    unpaid_fees = models.DecimalField(
        _("欠缴水电费及其他费用（元）"), max_digits=12, decimal_places=2, default=0
    )
    refund_amount = models.DecimalField(_("应退金额（元）"), max_digits=12, decimal_places=2)
    owner_signed = models.BooleanField(_("业主已签字"), default=False)
    contractor_signed = models.BooleanField(_("装修单位已签字"), default=False)
    centre_head_signed = models.BooleanField(_("中心负责人已签字"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("项目经理审批人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    memo_number = models.CharField(_("退还备忘表编号"), max_length=30, blank=True)
    paid_at = models.DateTimeField(_("退款时间"), null=True, blank=True)
    cashier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收银员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("押金退还")
        verbose_name_plural = _("押金退还")
        ordering = ["-requested_on"]
        permissions = [
            ("approve_refund", _("可审批押金退还（项目经理）")),
            ("record_refund", _("可办理押金退款（收银员）")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refund_amount__gte=0), name="ren_refund_not_negative"
            )
        ]

    def __str__(self):
        return f"{self.application} {self.refund_amount}"

    def get_absolute_url(self):
        return reverse("renovation:application_detail", args=[self.application_id])

    @property
    def all_signed(self) -> bool:
        return self.owner_signed and self.contractor_signed and self.centre_head_signed
