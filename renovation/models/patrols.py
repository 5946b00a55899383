"""Daily patrols of active renovations and the missed-patrol flags (R-REN-6, R-JOB-4)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models.workflow import ProjectOwned

from .applications import RenovationApplication


class PatrolKind(models.TextChoices):
    """Who patrols: the customer assistant (front desk), engineering and security."""

    FRONT_DESK = "front_desk", _("客户助理巡查")
    ENGINEERING = "engineering", _("工程部巡查")
    SECURITY = "security", _("保安部巡查")


# The permission that lets a user record a patrol of each kind.
PATROL_PERMS = {
    PatrolKind.FRONT_DESK: "renovation.patrol_front_desk",
    PatrolKind.ENGINEERING: "renovation.patrol_engineering",
    PatrolKind.SECURITY: "renovation.patrol_security",
}


class PatrolRecord(ProjectOwned):
    class Result(models.TextChoices):
        OK = "ok", _("正常")
        VIOLATION = "violation", _("发现违章")

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        RenovationApplication,
        verbose_name=_("装修申请"),
        on_delete=models.CASCADE,
        related_name="patrols",
    )
    date = models.DateField(_("巡查日期"), db_index=True)
    kind = models.CharField(_("巡查类别"), max_length=12, choices=PatrolKind.choices)
    result = models.CharField(_("巡查结果"), max_length=10, choices=Result.choices)
    findings = models.TextField(_("巡查情况"), blank=True)
    patrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("巡查人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    patrolled_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("装修巡查记录")
        verbose_name_plural = _("装修巡查记录")
        ordering = ["-date", "application", "kind"]
        permissions = [
            ("patrol_front_desk", _("可登记客户助理装修巡查")),
            ("patrol_engineering", _("可登记工程部装修巡查")),
            ("patrol_security", _("可登记保安部装修巡查")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "date", "kind"], name="ren_patrol_unique_per_day"
            )
        ]
        indexes = [models.Index(fields=["project", "date"])]

    def __str__(self):
        return f"{self.application} {self.date:%Y-%m-%d} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("renovation:patrol_detail", args=[self.pk])


class MissedPatrol(ProjectOwned):
    """A patrol that was not recorded on its day; flagged by the next morning's job."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        RenovationApplication,
        verbose_name=_("装修申请"),
        on_delete=models.CASCADE,
        related_name="missed_patrols",
    )
    date = models.DateField(_("漏巡日期"), db_index=True)
    kind = models.CharField(_("巡查类别"), max_length=12, choices=PatrolKind.choices)
    flagged_at = models.DateTimeField(_("标记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("漏巡记录")
        verbose_name_plural = _("漏巡记录")
        ordering = ["-date", "application", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "date", "kind"], name="ren_missed_patrol_unique"
            )
        ]

    def __str__(self):
        return f"{self.application} {self.date:%Y-%m-%d} {self.get_kind_display()}"
