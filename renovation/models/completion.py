"""Completion application and inspection with re-inspection (R-REN-7)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models.workflow import ProjectOwned

from .applications import RenovationApplication


def _user_fk(label):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


class CompletionInspection(ProjectOwned):
    """One inspection round (竣工验收表) on the date agreed with the owner: engineering and
    security inspect; problems are recorded with the rectification asked for."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("待验收")
        PASSED = "passed", _("验收合格")
        FAILED = "failed", _("不合格，需整改")

    # A failed round is final: the re-inspection is a new round.
    TRANSITIONS = {State.SCHEDULED: {State.PASSED, State.FAILED}}
    STATUS_FIELD = "state"
    TRANSITION_ERROR = _("该次验收已登记结果。")

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        RenovationApplication,
        verbose_name=_("装修申请"),
        on_delete=models.CASCADE,
        related_name="inspections",
    )
    round = models.PositiveSmallIntegerField(_("验收轮次"), default=1)
    agreed_date = models.DateField(_("约定验收日期"), db_index=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.SCHEDULED, db_index=True
    )
    engineering_ok = models.BooleanField(_("工程部验收合格"), null=True, blank=True)
    security_ok = models.BooleanField(_("保安部验收合格"), null=True, blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    rectification = models.TextField(_("整改措施和方法"), blank=True)
    inspected_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    inspected_by = _user_fk(_("验收登记人"))
    scheduled_by = _user_fk(_("预约人"))
    scheduled_at = models.DateTimeField(_("预约时间"))

    class Meta:
        verbose_name = _("竣工验收")
        verbose_name_plural = _("竣工验收")
        ordering = ["application", "round"]
        permissions = [("inspect_completion", _("可登记竣工验收结果（工程部/保安部）"))]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "round"], name="ren_inspection_round_unique"
            )
        ]

    def __str__(self):
        return f"{self.application} #{self.round} {self.agreed_date:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("renovation:application_detail", args=[self.application_id])
