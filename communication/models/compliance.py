"""Overdue marks (R-COM-6): a period of a level that ended without its minimum number of
records on a project. One row per (project, level, period start), written by a job."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from salesite.models.scoping import ProjectScopedQuerySet


class ComplianceBreach(models.Model):
    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="communication_breaches",
    )
    level = models.ForeignKey(
        "communication.CommunicationLevel",
        verbose_name=_("层级"),
        on_delete=models.CASCADE,
        related_name="breaches",
    )
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    required = models.PositiveSmallIntegerField(_("应有次数"))
    actual = models.PositiveSmallIntegerField(_("实有次数"))
    created_at = models.DateTimeField(_("标记时间"), auto_now_add=True)
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("沟通逾期")
        verbose_name_plural = _("沟通逾期")
        ordering = ["-period_start", "project", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "level", "period_start"], name="combreach_unique_period"
            )
        ]

    def __str__(self):
        return f"{self.project} · {self.level} · {self.period_start}"
