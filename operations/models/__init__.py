"""Sales-site service operations: areas and posts (R-CORE-3), shifts and the daily roster
(R-CORE-5), the service catalogue (R-CORE-6), the service plan with versions and its review
workflow (R-CORE-7), training (R-CORE-8), marketing events (R-CORE-9) and HQ quality
inspections with rectification items (R-CORE-11)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.exceptions import DomainError
from salesite.models.scoping import ProjectScopedQuerySet

USER = settings.AUTH_USER_MODEL

# A project's sales site is open to visitors in these marketing phases (R-CORE-5).
SITE_OPEN_PHASES = ("displaying", "opened", "sold_out")


class ImmutableRecord(DomainError):
    """A filed (备案) record was about to be changed."""


class GlobalOrProjectQuerySet(ProjectScopedQuerySet):
    """Rows with no project are shared by every project and visible to everyone."""

    def visible_to(self, user):
        from salesite.access import visible_project_ids

        ids = visible_project_ids(user)
        if ids is None:
            return self
        return self.filter(Q(project__isnull=True) | Q(project__in=ids))

    def for_project(self, project):
        return self.filter(Q(project__isnull=True) | Q(project=project))


# --- R-CORE-3 areas and posts --------------------------------------------------------------


class SiteArea(models.Model):
    class Kind(models.TextChoices):
        PERIMETER = "perimeter", _("营销中心外围")
        CENTRE = "centre", _("营销中心")
        SHOW_UNIT = "show_unit", _("样板房")
        PARKING = "parking", _("停车场")
        VIEWING_PATH = "viewing_path", _("看房通道")
        OTHER = "other", _("其他")

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="site_areas",
    )
    name = models.CharField(_("区域名称"), max_length=50)
    kind = models.CharField(_("区域类型"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("说明"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        db_table = "salesite_sitearea"
        verbose_name = _("营销现场区域")
        verbose_name_plural = _("营销现场区域")
        ordering = ["project", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="sitearea_unique_name")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ops:area_detail", args=[self.pk])


class Shift(models.Model):
    """A shift definition; without a project it is shared by every project."""

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="shifts",
        null=True,
        blank=True,
        help_text=_("留空表示所有项目通用。"),
    )
    name = models.CharField(_("班次名称"), max_length=30)
    start = models.TimeField(_("开始时间"))
    end = models.TimeField(_("结束时间"))
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    objects = GlobalOrProjectQuerySet.as_manager()

    class Meta:
        db_table = "salesite_shift"
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        ordering = ["order", "start", "name"]

    def __str__(self):
        return f"{self.name} {self.start:%H:%M}-{self.end:%H:%M}"


class ServicePost(models.Model):
    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="service_posts",
        editable=False,
    )
    area = models.ForeignKey(
        SiteArea, verbose_name=_("所属区域"), on_delete=models.CASCADE, related_name="posts"
    )
    name = models.CharField(_("岗位名称"), max_length=50)
    headcount = models.PositiveSmallIntegerField(
        _("每班定员"), default=1, validators=[MinValueValidator(1)]
    )
    duties = models.TextField(_("岗位职责"), blank=True)
    work_standard = models.TextField(_("工作标准"), blank=True)
    shifts = models.ManyToManyField(
        Shift, verbose_name=_("值守班次"), blank=True, related_name="posts"
    )
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        db_table = "salesite_servicepost"
        verbose_name = _("服务岗位")
        verbose_name_plural = _("服务岗位")
        ordering = ["project", "area__order", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="servicepost_unique_name")
        ]

    def __str__(self):
        return f"{self.area.name}·{self.name}"

    def get_absolute_url(self):
        return reverse("ops:post_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.project_id = self.area.project_id
        super().save(*args, **kwargs)


class RosterEntry(models.Model):
    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="roster_entries",
        editable=False,
    )
    date = models.DateField(_("日期"), db_index=True)
    post = models.ForeignKey(
        ServicePost, verbose_name=_("岗位"), on_delete=models.CASCADE, related_name="roster"
    )
    shift = models.ForeignKey(
        Shift, verbose_name=_("班次"), on_delete=models.PROTECT, related_name="roster"
    )
    user = models.ForeignKey(
        USER, verbose_name=_("上岗人员"), on_delete=models.CASCADE, related_name="roster_entries"
    )
    note = models.CharField(_("备注"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        USER,
        verbose_name=_("排班人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        db_table = "salesite_rosterentry"
        verbose_name = _("排班")
        verbose_name_plural = _("排班")
        ordering = ["date", "post", "shift__start"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "post", "shift", "user"],
                name="rosterentry_unique",
                violation_error_message=_("该员工当天该班次已排在此岗位。"),
            )
        ]
        indexes = [models.Index(fields=["project", "date"])]

    def __str__(self):
        return f"{self.date} {self.post} {self.shift.name} {self.user}"

    def save(self, *args, **kwargs):
        self.project_id = self.post.project_id
        super().save(*args, **kwargs)


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
PLAN_TRANSITIONS = {
    PlanStatus.DRAFT: [PlanStatus.SUBMITTED],
    PlanStatus.SUBMITTED: [PlanStatus.FILED, PlanStatus.RETURNED],
    PlanStatus.FILED: [],
    PlanStatus.RETURNED: [],
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


class ServicePlanHistory(models.Model):
    plan = models.ForeignKey(
        ServicePlan, verbose_name=_("服务方案"), on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(_("原状态"), max_length=20, choices=PlanStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=PlanStatus.choices)
    by = models.ForeignKey(
        USER, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, blank=True
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.TextField(_("说明"), blank=True)

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "plan__project"

    class Meta:
        db_table = "salesite_serviceplanhistory"
        verbose_name = _("方案状态记录")
        verbose_name_plural = _("方案状态记录")
        ordering = ["plan", "at", "pk"]

    def __str__(self):
        return f"{self.plan}: {self.from_status} → {self.to_status}"


# --- R-CORE-8 training --------------------------------------------------------------------


class TrainingSession(models.Model):
    class Kind(models.TextChoices):
        OPERATION_SKILLS = "operation_skills", _("操作技能")
        SERVICE_FLOW = "service_flow", _("服务流程")

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="training_sessions",
    )
    date = models.DateField(_("培训日期"), db_index=True)
    topic = models.CharField(_("培训主题"), max_length=100)
    kind = models.CharField(_("培训类型"), max_length=20, choices=Kind.choices)
    trainer = models.ForeignKey(
        USER,
        verbose_name=_("培训讲师"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainings_given",
    )
    trainer_name = models.CharField(
        _("外部讲师"), max_length=50, blank=True, help_text=_("讲师不是系统用户时填写。")
    )
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1, default=1)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    content = models.TextField(_("培训内容"), blank=True)
    attendees = models.ManyToManyField(
        USER,
        verbose_name=_("参训人员"),
        through="TrainingAttendance",
        related_name="trainings",
        blank=True,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        db_table = "salesite_trainingsession"
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["-date", "pk"]

    def __str__(self):
        return f"{self.date} {self.topic}"

    def get_absolute_url(self):
        return reverse("ops:training_detail", args=[self.pk])

    @property
    def trainer_display(self) -> str:
        return str(self.trainer) if self.trainer_id else self.trainer_name

    def clean(self):
        if not self.trainer_id and not self.trainer_name:
            raise ValidationError(_("请选择培训讲师或填写外部讲师。"))


class TrainingAttendance(models.Model):
    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("培训"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    user = models.ForeignKey(
        USER, verbose_name=_("员工"), on_delete=models.CASCADE, related_name="training_attendance"
    )
    attended = models.BooleanField(_("已出勤"), default=True)
    score = models.PositiveSmallIntegerField(
        _("考核成绩"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    passed = models.BooleanField(_("考核通过"), null=True, blank=True)
    result = models.CharField(_("培训结果/评语"), max_length=200, blank=True)

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "session__project"

    class Meta:
        db_table = "salesite_trainingattendance"
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        ordering = ["session", "user__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                name="trainingattendance_unique",
                violation_error_message=_("该员工已在参训名单中。"),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100),
                name="trainingattendance_score_max",
            ),
        ]

    def __str__(self):
        return f"{self.session} · {self.user}"

    @property
    def project(self):
        return self.session.project


# --- R-CORE-9 marketing events ------------------------------------------------------------


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    PREPARED = "prepared", _("已准备")
    HELD = "held", _("已举办")
    CLOSED = "closed", _("已关闭")


EVENT_TRANSITIONS = {
    EventStatus.PLANNED: [EventStatus.PREPARED],
    EventStatus.PREPARED: [EventStatus.HELD, EventStatus.PLANNED],
    EventStatus.HELD: [EventStatus.CLOSED],
    EventStatus.CLOSED: [],
}


class MarketingEvent(models.Model):
    class Kind(models.TextChoices):
        MARKETING = "marketing", _("营销活动")
        INVESTMENT = "investment", _("招商会")
        CLUB = "club", _("客户俱乐部活动")

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="marketing_events",
    )
    kind = models.CharField(_("活动类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("活动名称"), max_length=100)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100)
    description = models.TextField(_("活动说明与配合要求"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=EventStatus.choices, default=EventStatus.PLANNED
    )
    staff = models.ManyToManyField(
        USER, verbose_name=_("配合人员"), blank=True, related_name="marketing_events"
    )
    expected_visitors = models.PositiveIntegerField(_("预计来访人数"), null=True, blank=True)
    visitor_count = models.PositiveIntegerField(_("实际来访人数"), null=True, blank=True)
    evaluation = models.TextField(_("后评估"), blank=True)
    rating = models.PositiveSmallIntegerField(
        _("评分(1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    created_by = models.ForeignKey(
        USER,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    closed_by = models.ForeignKey(
        USER,
        verbose_name=_("关闭人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        db_table = "salesite_marketingevent"
        verbose_name = _("营销活动")
        verbose_name_plural = _("营销活动")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="marketingevent_rating_range",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("ops:event_detail", args=[self.pk])

    @property
    def has_evaluation(self) -> bool:
        return bool(self.evaluation.strip()) and self.rating is not None

    def clean(self):
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("结束时间不能早于开始时间。")})


class EventChecklistItem(models.Model):
    class Kind(models.TextChoices):
        NOTICE = "notice", _("活动通知")
        MATERIALS = "materials", _("物料准备")
        DECORATION = "decoration", _("现场布置")
        BRIEFING = "briefing", _("人员交底")
        OTHER = "other", _("其他")

    event = models.ForeignKey(
        MarketingEvent,
        verbose_name=_("营销活动"),
        on_delete=models.CASCADE,
        related_name="checklist",
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    text = models.CharField(_("准备事项"), max_length=200)
    done = models.BooleanField(_("已完成"), default=False)
    done_by = models.ForeignKey(
        USER,
        verbose_name=_("完成人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "event__project"

    class Meta:
        db_table = "salesite_eventchecklistitem"
        verbose_name = _("活动准备事项")
        verbose_name_plural = _("活动准备事项")
        ordering = ["event", "order", "pk"]

    def __str__(self):
        return self.text

    @property
    def project(self):
        return self.event.project


class EventHistory(models.Model):
    event = models.ForeignKey(
        MarketingEvent,
        verbose_name=_("营销活动"),
        on_delete=models.CASCADE,
        related_name="history",
    )
    from_status = models.CharField(_("原状态"), max_length=20, choices=EventStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=EventStatus.choices)
    by = models.ForeignKey(
        USER, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, blank=True
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "event__project"

    class Meta:
        db_table = "salesite_eventhistory"
        verbose_name = _("活动状态记录")
        verbose_name_plural = _("活动状态记录")
        ordering = ["event", "at", "pk"]

    def __str__(self):
        return f"{self.event}: {self.from_status} → {self.to_status}"


# --- R-CORE-11 HQ inspections -------------------------------------------------------------


class InspectionChecklist(models.Model):
    name = models.CharField(_("检查表名称"), max_length=100, unique=True)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        db_table = "salesite_inspectionchecklist"
        verbose_name = _("品质检查表")
        verbose_name_plural = _("品质检查表")
        ordering = ["name"]

    def __str__(self):
        return self.name


class InspectionItem(models.Model):
    class Category(models.TextChoices):
        APPEARANCE = "appearance", _("形象展示")
        POSTS = "posts", _("岗位管理")
        STANDARDS = "standards", _("服务标准")
        RECORDS = "records", _("记录资料")

    checklist = models.ForeignKey(
        InspectionChecklist,
        verbose_name=_("检查表"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    category = models.CharField(_("检查类别"), max_length=20, choices=Category.choices)
    text = models.CharField(_("检查内容与标准"), max_length=300)
    max_score = models.PositiveSmallIntegerField(
        _("满分"), default=5, validators=[MinValueValidator(1)]
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        db_table = "salesite_inspectionitem"
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["checklist", "order", "pk"]

    def __str__(self):
        return self.text


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("检查中")
    COMPLETED = "completed", _("已完成")


class Inspection(models.Model):
    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="inspections",
    )
    checklist = models.ForeignKey(
        InspectionChecklist,
        verbose_name=_("检查表"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    date = models.DateField(_("检查日期"), db_index=True)
    inspector = models.ForeignKey(
        USER, verbose_name=_("检查人"), on_delete=models.PROTECT, related_name="inspections"
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=InspectionStatus.choices,
        default=InspectionStatus.DRAFT,
    )
    total_score = models.PositiveIntegerField(_("得分"), default=0)
    max_total = models.PositiveIntegerField(_("满分"), default=0)
    summary = models.TextField(_("检查总结"), blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        db_table = "salesite_inspection"
        verbose_name = _("品质检查")
        verbose_name_plural = _("品质检查")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.project} {self.date} {self.checklist}"

    def get_absolute_url(self):
        return reverse("ops:inspection_detail", args=[self.pk])

    @property
    def percent(self):
        return round(100 * self.total_score / self.max_total) if self.max_total else None


class InspectionScore(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("品质检查"), on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(
        InspectionItem, verbose_name=_("检查项"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    note = models.CharField(_("扣分说明"), max_length=300, blank=True)

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "inspection__project"

    class Meta:
        db_table = "salesite_inspectionscore"
        verbose_name = _("检查评分")
        verbose_name_plural = _("检查评分")
        ordering = ["inspection", "item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspectionscore_unique")
        ]

    def __str__(self):
        return f"{self.item}: {self.score}"

    @property
    def project(self):
        return self.inspection.project

    @property
    def failed(self) -> bool:
        return self.score is not None and self.score < self.item.max_score

    def clean(self):
        if self.score is not None and self.item_id and self.score > self.item.max_score:
            raise ValidationError(
                {"score": _("得分不能超过满分 %(max)s。") % {"max": self.item.max_score}}
            )


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    DONE = "done", _("已整改待验证")
    VERIFIED = "verified", _("已验证")


RECTIFICATION_TRANSITIONS = {
    RectificationStatus.OPEN: [RectificationStatus.DONE],
    RectificationStatus.DONE: [RectificationStatus.VERIFIED, RectificationStatus.OPEN],
    RectificationStatus.VERIFIED: [],
}


class RectificationQuerySet(ProjectScopedQuerySet):
    def overdue(self, today):
        return self.exclude(status=RectificationStatus.VERIFIED).filter(deadline__lt=today)


class RectificationItem(models.Model):
    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="rectifications",
        editable=False,
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("品质检查"),
        on_delete=models.CASCADE,
        related_name="rectifications",
    )
    score = models.OneToOneField(
        InspectionScore,
        verbose_name=_("检查评分"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rectification",
    )
    description = models.TextField(_("整改内容"))
    owner = models.ForeignKey(
        USER,
        verbose_name=_("整改负责人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectifications",
    )
    deadline = models.DateField(_("整改期限"), db_index=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
        db_index=True,
    )
    done_note = models.TextField(_("整改情况"), blank=True)
    done_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        USER,
        verbose_name=_("验证人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)
    verify_note = models.CharField(_("验证意见"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RectificationQuerySet.as_manager()

    class Meta:
        db_table = "salesite_rectificationitem"
        verbose_name = _("整改项")
        verbose_name_plural = _("整改项")
        ordering = ["deadline", "pk"]
        permissions = [("verify_rectificationitem", _("可验证整改项"))]

    def __str__(self):
        return self.description[:40]

    def get_absolute_url(self):
        return reverse("ops:rectification_detail", args=[self.pk])

    def is_overdue(self, today) -> bool:
        return self.status != RectificationStatus.VERIFIED and self.deadline < today

    def save(self, *args, **kwargs):
        self.project_id = self.inspection.project_id
        super().save(*args, **kwargs)
