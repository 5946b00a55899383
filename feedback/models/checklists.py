"""The checklists of the quarterly 6+2 check (R-FB-10), as the Shanghai region's 6+2 check
rules define them: A1 perceived execution (a mystery visitor, questioning customers and staff
about the actions) and A2 process (operating guides and process rules of each step in place,
written records complete, the items to be displayed publicly displayed). The items are a
catalogue editable in admin; an inspector scores each item per project and quarter. For a
"written records" item the system proposes a score from the 6+2 step records it holds."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from salesite.models.scoping import ProjectScopedQuerySet

from .assessment import QuarterlyAssessment
from .steps import Step, StepAction


class Indicator(models.TextChoices):
    A1 = "a1", _("A1 具体感知指标")
    A2 = "a2", _("A2 流程指标")


class Proposal(models.TextChoices):
    NONE = "", _("无（检查人评分）")
    RECORDS = "records", _("按6+2服务记录的覆盖率建议")


class AssessmentChecklistItem(models.Model):
    """One item of the A1 or A2 checklist. ``step``/``action`` narrow a "written records"
    item's proposal to that step's (or that action's) records; ``points`` is its full score."""

    indicator = models.CharField(_("指标"), max_length=2, choices=Indicator.choices)
    text = models.CharField(_("检查内容"), max_length=300)
    step = models.CharField(_("步骤"), max_length=20, choices=Step.choices, blank=True)
    action = models.ForeignKey(
        StepAction,
        verbose_name=_("动作"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    points = models.DecimalField(
        _("满分"), max_digits=5, decimal_places=2, default=10, validators=[MinValueValidator(1)]
    )
    proposal = models.CharField(
        _("系统建议"), max_length=10, choices=Proposal.choices, blank=True, default=""
    )
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=100)

    class Meta:
        verbose_name = _("6+2检查项")
        verbose_name_plural = _("6+2检查项")
        ordering = ["indicator", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(points__gt=0), name="checkitem_points_gt_0")
        ]

    def __str__(self):
        return f"{self.get_indicator_display()} · {self.text}"

    def clean(self):
        if self.action_id and self.step and self.action.step != self.step:
            raise ValidationError({"action": _("动作不属于所选步骤。")})


class AssessmentChecklistLine(models.Model):
    """The inspector's score of one item for one project and quarter. ``points`` is the
    item's full score when the checklist was opened (a later catalogue change leaves a filled
    checklist as it was); ``proposed_score``/``proposal_basis`` are what the system proposed
    when the inspector last saved, and the figure it came from."""

    assessment = models.ForeignKey(
        QuarterlyAssessment,
        verbose_name=_("6+2季度检查"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    item = models.ForeignKey(
        AssessmentChecklistItem,
        verbose_name=_("检查项"),
        on_delete=models.PROTECT,
        related_name="lines",
    )
    indicator = models.CharField(_("指标"), max_length=2, choices=Indicator.choices)
    points = models.DecimalField(_("满分"), max_digits=5, decimal_places=2)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("检查说明"), max_length=300, blank=True)
    evidence = models.CharField(_("证据（照片、记录编号等）"), max_length=200, blank=True)
    proposed_score = models.DecimalField(
        _("系统建议得分"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    proposal_basis = models.CharField(_("建议依据"), max_length=200, blank=True)

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "assessment__project"

    class Meta:
        verbose_name = _("6+2检查表评分")
        verbose_name_plural = _("6+2检查表评分")
        ordering = ["assessment", "indicator", "item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="checkline_unique_item"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True)
                | models.Q(score__gte=0, score__lte=models.F("points")),
                name="checkline_score_range",
            ),
        ]

    def __str__(self):
        return f"{self.item}: {self.score}"

    def clean(self):
        if self.score is not None and not 0 <= self.score <= self.points:
            raise ValidationError(
                {"score": _("得分须在 0 与满分 %(max)s 之间。") % {"max": self.points}}
            )
