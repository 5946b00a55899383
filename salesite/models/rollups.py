"""Daily rollups of dashboard figures (issue #17 item 3).

``DailyFigure`` keeps, for a closed local day, a project's total of one key of a metric (the
communication records of a level, the deadline breaches detected…); ``DailyFigureDay`` says
that a metric was fully computed for a day. The dashboard reads the marked days from here and
counts the other days (today, a day not computed yet, a day a late edit invalidated) live, so
its figures are always those of the live computation (salesite.rollups)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyFigure(models.Model):
    metric = models.CharField(_("指标"), max_length=50)
    key = models.CharField(_("分项"), max_length=50)
    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("日期"))
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=4)

    class Meta:
        verbose_name = _("每日汇总数")
        verbose_name_plural = _("每日汇总数")
        ordering = ["-day", "metric", "key", "project"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "day", "project", "key"], name="daily_figure_unique"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.metric}:{self.key} = {self.value}"


class DailyFigureDay(models.Model):
    """A metric computed for a whole day: its rows (none when nothing happened) are complete."""

    metric = models.CharField(_("指标"), max_length=50)
    day = models.DateField(_("日期"))
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("已汇总日期")
        verbose_name_plural = _("已汇总日期")
        ordering = ["-day", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "day"], name="daily_figure_day_unique")
        ]

    def __str__(self):
        return f"{self.day} {self.metric}"


class FigureVersion(models.Model):
    """A random token replaced whenever data behind the dashboard figures changes: ``p:<id>``
    for one project's rows, ``*`` for rows whose project a write did not say
    (salesite.figure_versions). A computed dashboard is reused while the tokens of its
    projects are unchanged."""

    scope = models.CharField(_("范围"), max_length=30, primary_key=True)
    token = models.BigIntegerField(_("版本"))
    changed_at = models.DateTimeField(_("变更时间"))

    class Meta:
        verbose_name = _("看板数据版本")
        verbose_name_plural = _("看板数据版本")
        ordering = ["scope"]

    def __str__(self):
        return f"{self.scope} {self.token}"
