"""The service catalogue (R-CORE-6) and the service plan with versions and its review
workflow (R-CORE-7)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models import StatusHistory
from salesite.models.scoping import ProjectScopedQuerySet

from .base import USER, GlobalOrProjectQuerySet, ImmutableRecord

# --- R-CORE-6 service catalogue -----------------------------------------------------------


class ServiceCategory(models.Model):
    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("类别名称"), max_length=30)
    description = models.TextField(_("说明"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        db_table = "salesite_servicecategory"
        verbose_name = _("服务类别")
        verbose_name_plural = _("服务类别")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class ServiceType(models.Model):
    """A service of the catalogue; a featured service may belong to one project only."""

    category = models.ForeignKey(
        ServiceCategory, verbose_name=_("服务类别"), on_delete=models.PROTECT, related_name="types"
    )
    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("适用项目"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_types",
        help_text=_("留空表示所有项目通用。"),
    )
    name = models.CharField(_("服务名称"), max_length=50)
    description = models.TextField(_("服务说明"), blank=True)
    default_standard = models.TextField(_("参考服务标准"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    objects = GlobalOrProjectQuerySet.as_manager()

    class Meta:
        db_table = "salesite_servicetype"
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")
        ordering = ["category__order", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "name"],
                condition=Q(project__isnull=True),
                name="servicetype_unique_global_name",
            ),
            models.UniqueConstraint(
                fields=["project", "category", "name"],
                condition=Q(project__isnull=False),
                name="servicetype_unique_project_name",
            ),
        ]

    def __str__(self):
        return self.name


# --- R-CORE-7 service plan ----------------------------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报总部")
    FILED = "filed", _("已备案")
    RETURNED = "returned", _("已退回")


# draft → submitted → filed | returned; a filed or returned version is revised into a new one.
# The review workflow (salesite.workflow): filed and returned versions are final (a change
# is a new version, ``plan_revise``).
PLAN_TRANSITIONS = {
    PlanStatus.DRAFT: {PlanStatus.SUBMITTED},
    PlanStatus.SUBMITTED: {PlanStatus.FILED, PlanStatus.RETURNED},
}
PLAN_EDITABLE = (PlanStatus.DRAFT,)
PLAN_REVISABLE = (PlanStatus.FILED, PlanStatus.RETURNED)

# Text sections of the plan, in the order of the guide (5.2): name → heading.
PLAN_SECTIONS = [
    ("external_customers", _("外部客户群体分析")),
    ("internal_customers", _("内部客户群体分析")),
    ("customer_needs", _("服务需求")),
    ("customer_habits", _("生活习性与共性特点")),
    ("customer_culture", _("文化诉求")),
    ("atmosphere_preferences", _("氛围偏好")),
    ("demand_research", _("服务需求调研（与地产营销部门）")),
    ("functional_areas", _("营销现场功能划分")),
    ("customer_route", _("客户走线与服务主流程")),
    ("posts_plan", _("岗位设置")),
]
PLAN_FIELDS = [name for name, _label in PLAN_SECTIONS]


class ServicePlan(models.Model):
    """营销现场配合服务方案: one row per version; filed versions never change."""

    TRANSITIONS = PLAN_TRANSITIONS
    WORKFLOW_HISTORY = "operations.ServicePlanHistory"
    TRANSITION_ERROR = _("方案状态不能从“%(from)s”变为“%(to)s”。")

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="service_plans",
    )
    version = models.PositiveSmallIntegerField(_("版本号"), default=1)
    status = models.CharField(
        _("状态"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    title = models.CharField(_("方案名称"), max_length=100)
    revised_from = models.ForeignKey(
        "self",
        verbose_name=_("修订自"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revisions",
    )
    revision_reason = models.CharField(_("修订原因"), max_length=200, blank=True)
    external_customers = models.TextField(_("外部客户群体分析"), blank=True)
    internal_customers = models.TextField(_("内部客户群体分析"), blank=True)
    customer_needs = models.TextField(_("服务需求"), blank=True)
    customer_habits = models.TextField(_("生活习性与共性特点"), blank=True)
    customer_culture = models.TextField(_("文化诉求"), blank=True)
    atmosphere_preferences = models.TextField(_("氛围偏好"), blank=True)
    demand_research = models.TextField(_("服务需求调研（与地产营销部门）"), blank=True)
    functional_areas = models.TextField(_("营销现场功能划分"), blank=True)
    customer_route = models.TextField(_("客户走线与服务主流程"), blank=True)
    posts_plan = models.TextField(_("岗位设置"), blank=True)
    created_by = models.ForeignKey(
        USER,
        verbose_name=_("编制人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_by = models.ForeignKey(
        USER,
        verbose_name=_("报送人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        USER,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        db_table = "salesite_serviceplan"
        verbose_name = _("营销现场配合服务方案")
        verbose_name_plural = _("营销现场配合服务方案")
        ordering = ["project", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "version"], name="serviceplan_unique_version"
            )
        ]
        permissions = [
            ("submit_serviceplan", _("可报送服务方案")),
            ("file_serviceplan", _("可备案或退回服务方案")),
        ]

    def __str__(self):
        return f"{self.title} V{self.version}"

    def get_absolute_url(self):
        return reverse("ops:plan_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in PLAN_EDITABLE

    @property
    def is_revisable(self) -> bool:
        return self.status in PLAN_REVISABLE

    def save(self, *args, **kwargs):
        # Model-level guard: a filed version is a record of what HQ accepted.
        if self.pk:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == PlanStatus.FILED:
                raise ImmutableRecord(_("已备案的方案不能修改，请修订生成新版本。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status == PlanStatus.FILED:
            raise ImmutableRecord(_("已备案的方案不能删除。"))
        return super().delete(*args, **kwargs)


class ServicePlanService(models.Model):
    """A service chosen for the plan, with the standard the site commits to."""

    plan = models.ForeignKey(
        ServicePlan, verbose_name=_("服务方案"), on_delete=models.CASCADE, related_name="services"
    )
    service_type = models.ForeignKey(
        ServiceType, verbose_name=_("服务项目"), on_delete=models.PROTECT, related_name="+"
    )
    standard = models.TextField(_("服务标准"))
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "plan__project"

    class Meta:
        db_table = "salesite_serviceplanservice"
        verbose_name = _("方案服务内容")
        verbose_name_plural = _("方案服务内容")
        ordering = ["plan", "service_type__category__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "service_type"],
                name="planservice_unique_type",
                violation_error_message=_("该服务项目已在方案中。"),
            )
        ]

    def __str__(self):
        return f"{self.service_type}: {self.standard[:30]}"

    @property
    def project(self):
        return self.plan.project

    def _guard(self):
        status = ServicePlan.objects.filter(pk=self.plan_id).values_list("status", flat=True)
        if status.first() == PlanStatus.FILED:
            raise ImmutableRecord(_("已备案的方案不能修改，请修订生成新版本。"))

    def save(self, *args, **kwargs):
        self._guard()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._guard()
        return super().delete(*args, **kwargs)


class ServicePlanHistory(StatusHistory):
    plan = models.ForeignKey(
        ServicePlan, verbose_name=_("服务方案"), on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(_("原状态"), max_length=20, choices=PlanStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=PlanStatus.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "plan__project"

    class Meta:
        db_table = "salesite_serviceplanhistory"
        verbose_name = _("方案状态记录")
        verbose_name_plural = _("方案状态记录")
        ordering = ["plan", "at", "pk"]

    def __str__(self):
        return f"{self.plan}: {self.from_status} → {self.to_status}"
