"""Repair quality (issue #16, items 5, 7, 8): the first-time fix window admins set, the repair
supervisors with their qualification grades and monthly training, the two case libraries
(the repair team's 案例库 and the 客户设计类意见或投诉案例库), and the yearly satisfaction
targets (年度提升目标) per project.

The first-time fix rate itself is computed from the cases (``feedback.selectors
.repair_quality``); nothing of it is stored."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models.scoping import ProjectScopedQuerySet
from salesite.models.workflow import ProjectOwned

DEFAULT_REPEAT_WINDOW_DAYS = 30


class RepairQualitySetting(models.Model):
    """The one row of repair-quality settings (admins edit it in admin; absent: defaults)."""

    repeat_window_days = models.PositiveSmallIntegerField(
        _("一次成功率观察期（天）"),
        default=DEFAULT_REPEAT_WINDOW_DAYS,
        validators=[
            MinValueValidator(1, message=_("须为正整数（至少为 1）。")),
            MaxValueValidator(365, message=_("不能大于 %(limit_value)s。")),
        ],
        help_text=_(
            "维修关闭后在此天数内同一房号、同一类别再次报修（或该维修被重新打开）的，"
            "不计为一次修复成功（默认 30 天）。"
        ),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("维修质量设置")
        verbose_name_plural = _("维修质量设置")

    def __str__(self):
        return str(_("维修质量设置"))

    def save(self, *args, **kwargs):
        self.pk = 1  # a single row
        super().save(*args, **kwargs)

    @classmethod
    def window_days(cls) -> int:
        row = cls.objects.filter(pk=1).values_list("repeat_window_days", flat=True).first()
        return row or DEFAULT_REPEAT_WINDOW_DAYS


class SupervisorGrade(models.TextChoices):
    """维修监理人员资质等级 (the seed's 资质等级评定制度)."""

    TRAINEE = "trainee", _("见习")
    GRADE_3 = "grade_3", _("三级")
    GRADE_2 = "grade_2", _("二级")
    GRADE_1 = "grade_1", _("一级")


class SupervisorProfile(ProjectOwned):
    """A repair supervisor (维修监理) of a project's repair team: one profile per user and
    project; the current grade is the latest assessment's (``SupervisorAssessment``)."""

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="repair_supervisors",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("监理人员"),
        on_delete=models.CASCADE,
        related_name="supervisor_profiles",
    )
    grade = models.CharField(
        _("资质等级"), max_length=10, choices=SupervisorGrade.choices, blank=True
    )
    assessed_on = models.DateField(_("评定日期"), null=True, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("维修监理")
        verbose_name_plural = _("维修监理")
        ordering = ["project", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="supervisor_unique_user")
        ]

    def __str__(self):
        return self.user.name or self.user.username

    def get_absolute_url(self):
        return reverse("feedback:rq_supervisor_detail", args=[self.pk])


class SupervisorAssessment(models.Model):
    """One qualification assessment (资质等级评定) of a supervisor: the grade history."""

    supervisor = models.ForeignKey(
        SupervisorProfile,
        verbose_name=_("监理人员"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    grade = models.CharField(_("资质等级"), max_length=10, choices=SupervisorGrade.choices)
    assessed_on = models.DateField(_("评定日期"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评定人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "supervisor__project"

    class Meta:
        verbose_name = _("资质等级评定")
        verbose_name_plural = _("资质等级评定")
        ordering = ["-assessed_on", "-pk"]

    def __str__(self):
        return f"{self.supervisor_id} {self.get_grade_display()} {self.assessed_on}"


def first_of_month(value):
    return value.replace(day=1) if value else value


class MonthlyTraining(models.Model):
    """A supervisor's monthly training (每月至少1次培训学习) and the month-end exam score."""

    supervisor = models.ForeignKey(
        SupervisorProfile,
        verbose_name=_("监理人员"),
        on_delete=models.CASCADE,
        related_name="trainings",
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    topic = models.CharField(_("培训内容"), max_length=200)
    exam_score = models.DecimalField(
        _("考试成绩"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, message=_("成绩须在 0–100 之间。")),
            MaxValueValidator(100, message=_("成绩须在 0–100 之间。")),
        ],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "supervisor__project"

    class Meta:
        verbose_name = _("月度培训考试")
        verbose_name_plural = _("月度培训考试")
        ordering = ["-month", "supervisor"]
        constraints = [
            models.UniqueConstraint(
                fields=["supervisor", "month", "topic"], name="training_unique_month_topic"
            ),
            models.CheckConstraint(
                condition=models.Q(exam_score__isnull=True)
                | models.Q(exam_score__gte=0, exam_score__lte=100),
                name="training_score_0_100",
                violation_error_message=_("成绩须在 0–100 之间。"),
            ),
        ]

    def __str__(self):
        return f"{self.supervisor} {self.month:%Y-%m} {self.topic}"

    def clean(self):
        self.month = first_of_month(self.month)


class LibraryEntryBase(ProjectOwned):
    """A case of a library: problem, cause, fix, tags; photos are attachments of the entry."""

    title = models.CharField(_("标题"), max_length=200)
    problem = models.TextField(_("问题描述"))
    cause = models.TextField(_("原因分析"), blank=True)
    fix = models.TextField(_("处理方法"), blank=True)
    tags = models.CharField(
        _("标签"), max_length=200, blank=True, help_text=_("多个标签用逗号或空格分隔")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source_case = models.ForeignKey(
        "feedback.Case",
        verbose_name=_("来源事项"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), db_index=True)

    class Meta:
        abstract = True
        ordering = ["-submitted_at", "-pk"]

    def __str__(self):
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.replace("，", ",").replace(",", " ").split() if t]


class RepairCaseEntry(LibraryEntryBase):
    """维修组案例库: a supervisor's case (每人每月至少提交一份案例素材)."""

    LIBRARY = "repair"

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="repair_library_entries",
    )

    class Meta(LibraryEntryBase.Meta):
        verbose_name = _("维修案例")
        verbose_name_plural = _("维修案例库")
        indexes = [models.Index(fields=["project", "-submitted_at"])]

    def get_absolute_url(self):
        return reverse(f"feedback:rq_{self.LIBRARY}_entry", args=[self.pk])


class DesignCaseEntry(LibraryEntryBase):
    """客户设计类意见或投诉案例库: design complaints and opinions, readable by the developer
    side."""

    LIBRARY = "design"

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="design_library_entries",
    )

    class Meta(LibraryEntryBase.Meta):
        verbose_name = _("设计类意见/投诉案例")
        verbose_name_plural = _("设计类意见/投诉案例库")
        indexes = [models.Index(fields=["project", "-submitted_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source_case"],
                condition=models.Q(source_case__isnull=False),
                name="design_entry_unique_case",
            )
        ]

    def get_absolute_url(self):
        return reverse(f"feedback:rq_{self.LIBRARY}_entry", args=[self.pk])


class Dimension(models.TextChoices):
    """The five satisfaction dimensions of the yearly targets (2005年提升目标): product
    satisfaction (engineering, design) and experience satisfaction (sales, customer service,
    property service)."""

    ENGINEERING = "engineering", _("工程")
    DESIGN = "design", _("设计")
    SALES = "sales", _("销售")
    CUSTOMER_SERVICE = "customer_service", _("客服")
    PROPERTY_SERVICE = "property_service", _("物业")


PRODUCT_DIMENSIONS = (Dimension.ENGINEERING, Dimension.DESIGN)
EXPERIENCE_DIMENSIONS = (
    Dimension.SALES,
    Dimension.CUSTOMER_SERVICE,
    Dimension.PROPERTY_SERVICE,
)
TARGET_VALIDATORS = [
    MinValueValidator(1, message=_("目标须在 1–5 之间。")),
    MaxValueValidator(5, message=_("目标须在 1–5 之间。")),
]


def _target(label):
    return models.DecimalField(
        label,
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=TARGET_VALIDATORS,
        help_text=_("回访评分 1–5 的平均分目标"),
    )


class YearlyTarget(ProjectOwned):
    """The satisfaction targets of a project for a year (年度提升目标), on the callbacks' 1–5
    scale; the actuals come from the callbacks (``selectors.repair_quality.target_actuals``)."""

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="yearly_targets",
    )
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    product_target = _target(_("产品满意度目标"))
    engineering_target = _target(_("工程满意度目标"))
    design_target = _target(_("设计满意度目标"))
    experience_target = _target(_("体验满意度目标"))
    sales_target = _target(_("销售满意度目标"))
    customer_service_target = _target(_("客服满意度目标"))
    property_service_target = _target(_("物业满意度目标"))
    note = models.TextField(_("提升措施"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度满意度提升目标")
        verbose_name_plural = _("年度满意度提升目标")
        ordering = ["-year", "project"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="yearlytarget_unique")
        ]

    def __str__(self):
        return f"{self.project} {self.year}"

    def clean(self):
        if not any(getattr(self, f"{key}_target") is not None for key in TARGET_KEYS):
            raise ValidationError(_("请至少填写一项目标。"))

    def target_of(self, key: str):
        return getattr(self, f"{key}_target")


# The target rows in display order: product, its dimensions, experience, its dimensions.
TARGET_KEYS = ("product", *PRODUCT_DIMENSIONS, "experience", *EXPERIENCE_DIMENSIONS)
TARGET_GROUPS = {"product": PRODUCT_DIMENSIONS, "experience": EXPERIENCE_DIMENSIONS}


def DimensionField():
    """The satisfaction dimension of a callback question (blank: counted in no target)."""
    return models.CharField(
        _("满意度维度"),
        max_length=20,
        choices=Dimension.choices,
        blank=True,
        help_text=_("该题评分计入的年度目标维度（工程、设计、销售、客服、物业）；留空不计入。"),
    )
