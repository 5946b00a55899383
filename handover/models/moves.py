"""Move-in (R-HO-6), the cashier's fee settlement flag per unit and item release (R-HO-7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models.scoping import ProjectScopedQuerySet


class UnitFeeStatus(models.Model):
    """Whether a unit's fees (water, electricity, gas, management) are settled, per the cashier."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.OneToOneField(
        "salesite.Unit", verbose_name=_("房屋"), on_delete=models.CASCADE, related_name="fee_status"
    )
    outstanding = models.DecimalField(_("欠费金额(元)"), max_digits=12, decimal_places=2)
    checked_on = models.DateField(_("核对日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收银员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("房屋费用结清情况")
        verbose_name_plural = _("房屋费用结清情况")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outstanding__gte=0), name="unitfeestatus_outstanding_positive"
            )
        ]

    def __str__(self):
        return f"{self.unit} {self.outstanding}"

    @property
    def settled(self):
        return self.outstanding == 0


class OccupantKind(models.TextChoices):
    OWNER = "owner", _("业主")
    TENANT = "tenant", _("租户")


class MoveIn(models.Model):
    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "salesite.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="move_ins"
    )
    occupant_kind = models.CharField(_("入住人"), max_length=20, choices=OccupantKind.choices)
    customer = models.ForeignKey(
        "salesite.Customer",
        verbose_name=_("业主"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    tenant = models.ForeignKey(
        "salesite.Tenant",
        verbose_name=_("租户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    identity_checked = models.BooleanField(_("已确认身份"), default=False)
    congratulated = models.BooleanField(_("已送祝贺（VIP 鲜花贺卡）"), default=False)
    service_info_given = models.BooleanField(
        _("已介绍服务信息（热线、水电气、车位卡）"), default=False
    )
    move_in_date = models.DateField(_("入住日期"), db_index=True)
    departments_notified_at = models.DateTimeField(_("入住知会单发出时间"), null=True, blank=True)
    billing_start = models.DateField(_("开始计费日期"), null=True, blank=True)
    billing_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("计费确认收银员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("客户助理"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    owner_file_updated_at = models.DateTimeField(_("业主档案更新时间"), null=True, blank=True)
    owner_file_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("业主档案更新人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    owner_file_note = models.CharField(_("业主档案更新说明"), max_length=200, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("客户入住")
        verbose_name_plural = _("客户入住")
        ordering = ["-move_in_date", "-pk"]

    def __str__(self):
        return f"{self.unit} {self.move_in_date}"

    def get_absolute_url(self):
        return reverse("handover:movein_detail", args=[self.pk])


class MoveInTenantInfo(models.Model):
    """租户信息登记表: what the salesite Tenant does not hold, one per tenant move-in."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    move_in = models.OneToOneField(
        MoveIn, verbose_name=_("客户入住"), on_delete=models.CASCADE, related_name="tenant_info"
    )
    tenant = models.ForeignKey(
        "salesite.Tenant", verbose_name=_("租户"), on_delete=models.PROTECT, related_name="+"
    )
    emergency_contact = models.CharField(_("紧急联系人"), max_length=50)
    emergency_phone = models.CharField(_("紧急联系电话"), max_length=20)
    occupants = models.PositiveSmallIntegerField(_("居住人数"))
    vehicle_plate = models.CharField(_("车牌号"), max_length=20, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"))

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("租户信息登记表")
        verbose_name_plural = _("租户信息登记表")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(occupants__gte=1), name="movein_tenantinfo_occupants_positive"
            )
        ]

    def __str__(self):
        return f"{self.tenant} · {self.move_in}"


class CarrierKind(models.TextChoices):
    OWNER = "owner", _("业主本人")
    TENANT = "tenant", _("租户")
    FAMILY = "family", _("家属")
    NANNY = "nanny", _("保姆/家政")
    COMPANY_STAFF = "company_staff", _("公司职员")


class ReleaseReason(models.TextChoices):
    MOVING_OUT = "moving_out", _("搬家迁出")
    TEMPORARY = "temporary", _("临时携带")


class ConfirmedWith(models.TextChoices):
    OWNER = "owner", _("业主")
    COMPANY_HEAD = "company_head", _("公司负责人")


class ItemRelease(models.Model):
    """物品放行条: signed by handler, carrier and owner; two copies (archive, guard)."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "salesite.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="releases"
    )
    carrier_kind = models.CharField(_("携带人身份"), max_length=20, choices=CarrierKind.choices)
    carrier_name = models.CharField(_("携带人姓名"), max_length=50)
    carrier_phone = models.CharField(_("携带人电话"), max_length=20, blank=True)
    items = models.JSONField(_("放行物品"), default=list)
    reason = models.CharField(_("出门性质"), max_length=20, choices=ReleaseReason.choices)
    owner_reachable = models.BooleanField(_("联系上业主"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("电话核实时间"), null=True, blank=True)
    confirmation_answer = models.CharField(_("业主核实意见"), max_length=200, blank=True)
    confirmed_with = models.CharField(
        _("核实对象"), max_length=20, choices=ConfirmedWith.choices, blank=True
    )
    company_head_name = models.CharField(_("公司负责人"), max_length=50, blank=True)
    company_head_phone = models.CharField(_("公司负责人电话"), max_length=20, blank=True)
    flagged = models.BooleanField(_("频繁放行提示"), default=False, db_index=True)
    released_at = models.DateTimeField(_("放行时间"), db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("物品放行")
        verbose_name_plural = _("物品放行")
        ordering = ["-released_at"]
        indexes = [models.Index(fields=["unit", "released_at"])]

    def __str__(self):
        return f"{self.unit} {self.carrier_name} {self.released_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("handover:release_detail", args=[self.pk])
