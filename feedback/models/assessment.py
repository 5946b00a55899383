"""The quarterly 6+2 assessment (R-FB-10): the A1 perception indicators entered per project and
quarter from site checks and mystery visits. A2 and A3 are computed from the records
(``feedback.selectors.assessment_ranking``)."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
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


class QuarterlyAssessment(ProjectOwned):
    """A1 of one project for one quarter: the site-check score and the mystery-visit score
    (0–100 each); A1 is their mean (or the one entered)."""

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
        verbose_name = _("6+2季度考核（感知指标A1）")
        verbose_name_plural = _("6+2季度考核（感知指标A1）")
        ordering = ["-year", "-quarter", "project"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "quarter"], name="assessment_unique_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="assessment_quarter_1_4"
            ),
        ]

    def __str__(self):
        return f"{self.project} {self.year}Q{self.quarter}"

    @property
    def a1(self):
        values = [v for v in (self.site_check_score, self.mystery_visit_score) if v is not None]
        return sum(values) / len(values) if values else None
