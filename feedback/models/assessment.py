"""The quarterly 6+2 assessment (R-FB-10): one row per project and quarter, the checklist an
inspector fills (A1 perception and A2 process items, ``checklists``), submitted and locked
(a manager may reopen it), and for the fourth quarter the group BSC figure that replaces the
computed total (第四季度考核结果以集团BSC结果为准). A3 is computed from the callbacks
(``feedback.selectors.assessment_ranking``)."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models.workflow import ProjectOwned

SCORE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """First day of the quarter and first day of the next one."""
    start = datetime.date(year, 3 * (quarter - 1) + 1, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return start, end


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("填写中")
    SUBMITTED = "submitted", _("已提交")


class QuarterlyAssessment(ProjectOwned):
    """The 6+2 check of one project for one quarter: its checklist lines (A1 and A2), its
    state, and the fourth quarter's group BSC result. ``site_check_score`` and
    ``mystery_visit_score`` are the A1 figures entered before the checklists (kept for the
    record; A1 now comes from the checklist)."""

    # Submitted locks the checklist; a manager may reopen it (back to draft).
    TRANSITIONS = {
        AssessmentStatus.DRAFT: {AssessmentStatus.SUBMITTED},
        AssessmentStatus.SUBMITTED: {AssessmentStatus.DRAFT},
    }
    TRANSITION_ERROR = _("检查表状态不能从“%(from)s”变为“%(to)s”。")

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="quarterly_assessments",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), choices=[(q, f"Q{q}") for q in range(1, 5)]
    )
    site_check_score = models.DecimalField(
        _("现场检查得分"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    mystery_visit_score = models.DecimalField(
        _("神秘访客得分"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    note = models.TextField(_("说明"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    bsc_total = models.DecimalField(
        _("集团BSC结果"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    bsc_note = models.CharField(_("BSC结果说明"), max_length=300, blank=True)
    bsc_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("BSC结果录入人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    bsc_at = models.DateTimeField(_("BSC结果录入时间"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("6+2季度检查")
        verbose_name_plural = _("6+2季度检查")
        permissions = [
            ("reopen_quarterlyassessment", _("可退回已提交的6+2季度检查表")),
            ("record_bsc_quarterlyassessment", _("可录入第四季度集团BSC结果")),
        ]
        ordering = ["-year", "-quarter", "project"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "quarter"], name="assessment_unique_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="assessment_quarter_1_4"
            ),
            models.CheckConstraint(
                condition=models.Q(bsc_total__isnull=True) | models.Q(quarter=4),
                name="assessment_bsc_q4_only",
            ),
        ]

    def __str__(self):
        return f"{self.project} {self.year}Q{self.quarter}"

    def get_absolute_url(self):
        return reverse("feedback:assessment_checklist", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status == AssessmentStatus.SUBMITTED
