"""Projects (R-CORE-2), buildings, units, customers, purchases and tenants (R-CORE-10)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .scoping import ProjectScopedQuerySet
from .workflow import StatusHistory


class MarketingPhase(models.TextChoices):
    PREPARING = "preparing", _("筹备")
    DISPLAYING = "displaying", _("对外展示")
    OPENED = "opened", _("开盘")
    SOLD_OUT = "sold_out", _("售罄")
    CLOSED = "closed", _("结束展示")


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        from salesite.access import visible_project_ids

        ids = visible_project_ids(user)
        return self if ids is None else self.filter(pk__in=ids)


class Project(models.Model):
    name = models.CharField(_("项目名称"), max_length=100, unique=True)
    code = models.SlugField(_("项目编码"), max_length=30, unique=True)
    developer_company = models.ForeignKey(
        "salesite.Company",
        verbose_name=_("地产城市公司"),
        on_delete=models.PROTECT,
        related_name="developed_projects",
        limit_choices_to={"kind": "developer_city"},
    )
    property_company = models.ForeignKey(
        "salesite.Company",
        verbose_name=_("物业下属公司"),
        on_delete=models.PROTECT,
        related_name="served_projects",
        limit_choices_to={"kind": "property_subsidiary"},
    )
    service_centre = models.ForeignKey(
        "salesite.Company",
        verbose_name=_("物管中心/处"),
        on_delete=models.PROTECT,
        related_name="centre_projects",
        limit_choices_to={"kind": "service_centre"},
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    service_phone = models.CharField(_("服务电话"), max_length=30, blank=True)
    service_hours = models.CharField(
        _("服务中心服务时间"),
        max_length=100,
        blank=True,
        help_text=_("业主端“我的房屋”中显示，例如：每日 8:30–17:30（节假日 9:00–17:00）"),
    )
    marketing_phase = models.CharField(
        _("营销阶段"),
        max_length=20,
        choices=MarketingPhase.choices,
        default=MarketingPhase.PREPARING,
        db_index=True,
    )
    phase_changed_on = models.DateField(_("阶段变更日期"), null=True, blank=True)
    description = models.TextField(_("项目简介"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # The marketing phase only moves forward, one step at a time (R-CORE-2); the workflow
    # engine (salesite.workflow.transition) applies it and writes the ProjectPhaseChange row.
    STATUS_FIELD = "marketing_phase"
    TRANSITIONS = {
        MarketingPhase.PREPARING: {MarketingPhase.DISPLAYING},
        MarketingPhase.DISPLAYING: {MarketingPhase.OPENED},
        MarketingPhase.OPENED: {MarketingPhase.SOLD_OUT},
        MarketingPhase.SOLD_OUT: {MarketingPhase.CLOSED},
    }
    TRANSITION_ERROR = _("营销阶段不能从“%(from)s”变更为“%(to)s”。")
    WORKFLOW_HISTORY = "salesite.ProjectPhaseChange"

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["name"]
        permissions = [
            ("import_register", _("可导入业主清册和房号")),
            ("change_marketing_phase", _("可变更营销阶段")),
        ]

    def __str__(self):
        return self.name

    @property
    def project(self):
        return self

    def get_absolute_url(self):
        return reverse("salesite:project_detail", args=[self.pk])

    def allowed_next_phases(self):
        from salesite.workflow import allowed_next

        return [MarketingPhase(phase) for phase in allowed_next(self)]

    def clean(self):
        errors = {}
        if self.service_centre_id and self.property_company_id:
            centre = self.service_centre
            if not centre.path.startswith(self.property_company.path):
                errors["service_centre"] = _("物管中心必须隶属于所选物业下属公司。")
        if errors:
            raise ValidationError(errors)


class ProjectPhaseChange(StatusHistory):
    """One move of a project's marketing phase, written by the workflow engine
    (``Project.WORKFLOW_HISTORY``) with the date the phase changed on."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="phase_changes"
    )
    from_status = models.CharField(_("原阶段"), max_length=20, choices=MarketingPhase.choices)
    to_status = models.CharField(_("新阶段"), max_length=20, choices=MarketingPhase.choices)
    changed_on = models.DateField(_("变更日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    at = models.DateTimeField(_("记录时间"), default=timezone.now)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("营销阶段变更")
        verbose_name_plural = _("营销阶段变更")
        ordering = ["project", "changed_on", "at"]

    def __str__(self):
        return f"{self.project}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class Building(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="buildings"
    )
    name = models.CharField(_("楼栋"), max_length=30)
    phase = models.CharField(_("分期"), max_length=30, blank=True)
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    planned_delivery_date = models.DateField(_("计划交付日期"), null=True, blank=True)
    actual_delivery_date = models.DateField(_("实际交付日期"), null=True, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["project", "phase", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="building_unique_name")
        ]

    def __str__(self):
        return f"{self.project} {self.name}"


class Unit(models.Model):
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="units",
        editable=False,
    )
    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), on_delete=models.CASCADE, related_name="units"
    )
    number = models.CharField(_("房号"), max_length=30)
    floor = models.SmallIntegerField(_("楼层"), null=True, blank=True)
    unit_type = models.CharField(_("户型"), max_length=50, blank=True)
    area = models.DecimalField(
        _("建筑面积(m²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    is_commercial = models.BooleanField(_("商业/重点场所"), default=False)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")
        ordering = ["building", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="unit_unique_number")
        ]
        indexes = [models.Index(fields=["project", "number"])]

    def __str__(self):
        return f"{self.building.name}-{self.number}"

    @property
    def label(self):
        return str(self)

    def get_absolute_url(self):
        return reverse("salesite:unit_detail", args=[self.pk])

    def clean(self):
        if self.area is not None and self.area <= 0:
            raise ValidationError({"area": _("建筑面积必须大于 0。")})

    def save(self, *args, **kwargs):
        self.project_id = self.building.project_id
        super().save(*args, **kwargs)


class IdType(models.TextChoices):
    ID_CARD = "id_card", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO = "hk_macao", _("港澳居民来往内地通行证")
    TAIWAN = "taiwan", _("台湾居民来往大陆通行证")
    BUSINESS = "business", _("营业执照")
    OTHER = "other", _("其他")


def validate_cn_id_card(value: str) -> None:
    """Check a mainland resident ID number (18 characters, ISO 7064 check digit)."""
    value = value.upper()
    if (
        len(value) != 18
        or not value[:17].isdigit()
        or not (value[17].isdigit() or value[17] == "X")
    ):
        raise ValidationError(_("身份证号码应为 18 位，最后一位可为 X。"))
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(value[:17], weights, strict=True)) % 11]
    if value[17] != check:
        raise ValidationError(_("身份证号码校验位不正确，请核对。"))
    try:
        datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise ValidationError(_("身份证号码中的出生日期无效。")) from exc


class Customer(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="customers"
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机"), max_length=20, db_index=True)
    id_type = models.CharField(
        _("证件类型"), max_length=20, choices=IdType.choices, default=IdType.ID_CARD
    )
    id_number = models.CharField(_("证件号码"), max_length=40)
    emergency_contact = models.CharField(_("紧急联系人"), max_length=50, blank=True)
    emergency_phone = models.CharField(_("紧急联系电话"), max_length=20, blank=True)
    birthday = models.DateField(_("生日"), null=True, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    address = models.CharField(_("通讯地址"), max_length=200, blank=True)
    is_club_member = models.BooleanField(_("客户俱乐部会员"), default=False)
    club_joined_on = models.DateField(_("入会日期"), null=True, blank=True)
    is_vip = models.BooleanField(_("VIP"), default=False)
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "id_type", "id_number"],
                name="customer_unique_id",
                violation_error_message=_("本项目已有相同证件号码的客户。"),
            )
        ]
        indexes = [models.Index(fields=["project", "name"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("salesite:customer_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.id_type == IdType.ID_CARD and self.id_number:
            self.id_number = self.id_number.strip().upper()
            try:
                validate_cn_id_card(self.id_number)
            except ValidationError as exc:
                errors["id_number"] = exc.messages
        if self.is_club_member is False and self.club_joined_on:
            errors["club_joined_on"] = _("非会员不应填写入会日期。")
        if self.birthday and self.birthday > datetime.date.today():
            errors["birthday"] = _("生日不能晚于今天。")
        if errors:
            raise ValidationError(errors)


class Purchase(models.Model):
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="purchases",
        editable=False,
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("房号"), on_delete=models.PROTECT, related_name="purchases"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("客户"), on_delete=models.PROTECT, related_name="purchases"
    )
    subscribed_on = models.DateField(_("认购日期"), null=True, blank=True)
    signed_on = models.DateField(_("签约日期"), null=True, blank=True, db_index=True)
    contract_number = models.CharField(_("合同编号"), max_length=50, blank=True)
    sales_consultant = models.CharField(_("置业顾问"), max_length=50, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("购房记录")
        verbose_name_plural = _("购房记录")
        ordering = ["-signed_on", "-subscribed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "customer"],
                name="purchase_unique_unit_customer",
                violation_error_message=_("该客户已登记购买此房号。"),
            )
        ]

    def __str__(self):
        return f"{self.customer} · {self.unit}"

    def clean(self):
        errors = {}
        if self.unit_id and self.customer_id and self.unit.project_id != self.customer.project_id:
            errors["unit"] = _("房号与客户必须属于同一项目。")
        if self.subscribed_on and self.signed_on and self.signed_on < self.subscribed_on:
            errors["signed_on"] = _("签约日期不能早于认购日期。")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.project_id = self.unit.project_id
        super().save(*args, **kwargs)


class Tenant(models.Model):
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="tenants",
        editable=False,
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("房号"), on_delete=models.CASCADE, related_name="tenants"
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机"), max_length=20)
    id_type = models.CharField(
        _("证件类型"), max_length=20, choices=IdType.choices, default=IdType.ID_CARD
    )
    id_number = models.CharField(_("证件号码"), max_length=40, blank=True)
    lease_start = models.DateField(_("租期开始"), null=True, blank=True)
    lease_end = models.DateField(_("租期结束"), null=True, blank=True)
    owner_commitment_received = models.BooleanField(_("已收业主承诺书"), default=False)
    lease_received = models.BooleanField(_("已收租赁合同"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("租户")
        verbose_name_plural = _("租户")
        ordering = ["unit", "name"]

    def __str__(self):
        return f"{self.name} · {self.unit}"

    def clean(self):
        if self.lease_start and self.lease_end and self.lease_end < self.lease_start:
            raise ValidationError({"lease_end": _("租期结束不能早于开始。")})

    def save(self, *args, **kwargs):
        self.project_id = self.unit.project_id
        super().save(*args, **kwargs)
