"""Defect feedback (R-FB-11): the customer ambassadors' half-month patrol findings; and loyalty
(R-FB-12): configurable rewards, referrals by owners and repeat purchases."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from salesite.models.options import option_label
from salesite.models.workflow import ProjectOwned


class DefectCategory(models.TextChoices):
    """The default categories (the list itself is data: ``DefectCategoryOption``)."""

    DESIGN = "design", _("设计")
    ENGINEERING = "engineering", _("工程")
    SALES = "sales", _("销售")
    SERVICE = "service", _("服务")


class AmbassadorPatrol(ProjectOwned):
    """One finding of a customer ambassador's patrol (every half month) of a building or area."""

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="ambassador_patrols",
    )
    ambassador = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("客户大使"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    building = models.ForeignKey(
        "salesite.Building",
        verbose_name=_("楼栋"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    area = models.CharField(_("区域"), max_length=50, blank=True)
    patrolled_on = models.DateField(_("巡查日期"), db_index=True)
    # The code of a DefectCategoryOption row.
    category = models.CharField(_("缺陷类别"), max_length=30)
    finding = models.TextField(_("发现的问题"))
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("客户大使巡查发现")
        verbose_name_plural = _("客户大使巡查发现")
        ordering = ["-patrolled_on", "-pk"]
        indexes = [models.Index(fields=["project", "patrolled_on"])]

    def __str__(self):
        return f"{self.patrolled_on} {self.finding[:30]}"

    def get_category_display(self) -> str:
        from .options import DefectCategoryOption

        return option_label(self, "category", DefectCategoryOption)

    @property
    def half_month(self) -> str:
        d = self.patrolled_on
        return f"{d:%Y-%m}-{'上' if d.day <= 15 else '下'}"


class RewardRule(models.Model):
    """A loyalty reward, editable in admin; the active rule of a kind applies."""

    class Kind(models.TextChoices):
        REPEAT = "repeat", _("老业主再次购房")
        REFERRAL = "referral", _("老业主推荐成交")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    discount_percent = models.DecimalField(
        _("购房折扣(%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    fee_waiver_months = models.PositiveSmallIntegerField(
        _("免物业管理费（月）"), null=True, blank=True
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("老带新/再购奖励规则")
        verbose_name_plural = _("老带新/再购奖励规则")
        ordering = ["kind", "-is_active", "pk"]

    def __str__(self):
        return self.name

    def describe(self) -> str:
        parts = []
        if self.discount_percent:
            parts.append(_("购房优惠 %(p)s%%") % {"p": self.discount_percent.normalize()})
        if self.fee_waiver_months:
            parts.append(_("免 %(m)s 个月物业管理费") % {"m": self.fee_waiver_months})
        return "，".join(str(p) for p in parts) or self.name


class Referral(ProjectOwned):
    """An existing owner (the referrer) introduced a prospective buyer to a project."""

    class Status(models.TextChoices):
        RECORDED = "recorded", _("已登记")
        SIGNED = "signed", _("已成交")

    # A referral signs once; the only refusal is of one already signed.
    TRANSITIONS = {Status.RECORDED: {Status.SIGNED}}
    TRANSITION_ERROR = _("该推荐已成交。")

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="referrals",
    )
    referrer = models.ForeignKey(
        "salesite.Customer",
        verbose_name=_("推荐人（老业主）"),
        on_delete=models.CASCADE,
        related_name="referrals_made",
    )
    referred_name = models.CharField(_("被推荐人"), max_length=50)
    referred_phone = models.CharField(_("被推荐人电话"), max_length=20, blank=True)
    purchase = models.OneToOneField(
        "salesite.Purchase",
        verbose_name=_("成交记录"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referral",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.RECORDED, db_index=True
    )
    signed_on = models.DateField(_("成交日期"), null=True, blank=True)
    reward_rule = models.ForeignKey(
        RewardRule, verbose_name=_("奖励规则"), on_delete=models.PROTECT, null=True, blank=True
    )
    reward = models.CharField(_("奖励"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("老带新推荐")
        verbose_name_plural = _("老带新推荐")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self):
        return f"{self.referrer_id} → {self.referred_name}"


class RepeatPurchase(ProjectOwned):
    """A purchase by a buyer who already owned with us (matched by ID number)."""

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="repeat_purchases",
    )
    purchase = models.OneToOneField(
        "salesite.Purchase",
        verbose_name=_("再次购房记录"),
        on_delete=models.CASCADE,
        related_name="repeat",
    )
    previous_purchase = models.ForeignKey(
        "salesite.Purchase",
        verbose_name=_("以前的购房记录"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reward_rule = models.ForeignKey(
        RewardRule, verbose_name=_("奖励规则"), on_delete=models.PROTECT, null=True, blank=True
    )
    discount_percent = models.DecimalField(
        _("购房折扣(%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    reward = models.CharField(_("奖励"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("老业主再次购房")
        verbose_name_plural = _("老业主再次购房")
        ordering = ["-recorded_at"]

    def __str__(self):
        return f"{self.purchase_id} ← {self.previous_purchase_id}"
