"""Editable templates of the handover service (R-HO-1, R-HO-3): the pre-delivery milestone
plan (a plan per property company, or the global default) with its steps, and the list of
construction-progress milestones that must be notified to buyers.

A delivery batch copies its plan's steps into its own milestones when created: editing a plan
later changes new batches only, never the milestones of an existing batch.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from salesite.models.options import OptionRow

from .inspections import InspectionRound


class MilestonePlan(models.Model):
    name = models.CharField(_("计划名称"), max_length=60)
    company = models.ForeignKey(
        "salesite.Company",
        verbose_name=_("物业公司"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("留空为全局计划；项目的物业公司有默认计划时用该公司的，否则用全局默认计划。"),
    )
    is_default = models.BooleanField(
        _("默认计划"), default=False, help_text=_("新建交付批次时使用的计划（每个公司一个）。")
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("交付前节点计划")
        verbose_name_plural = _("交付前节点计划")
        ordering = ["company_id", "-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(is_default=True, company__isnull=False),
                name="milestoneplan_one_default_per_company",
            ),
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True, company__isnull=True),
                name="milestoneplan_one_global_default",
            ),
        ]

    def __str__(self):
        return self.name


class MilestonePlanStep(models.Model):
    """One milestone of a plan: due ``offset_months`` months and ``offset_days`` days before
    the delivery date (calendar months; a shorter month clamps to its last day)."""

    plan = models.ForeignKey(
        MilestonePlan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    code = models.SlugField(
        _("节点代码"), max_length=30, help_text=_("批次节点中保存的代码，同一计划内唯一。")
    )
    name = models.CharField(_("节点"), max_length=60)
    offset_months = models.PositiveSmallIntegerField(
        _("交付前（月）"), default=0, help_text=_("交付日期前几个月，与天数相加。")
    )
    offset_days = models.PositiveSmallIntegerField(_("交付前（天）"), default=0)
    responsible_roles = models.ManyToManyField(
        "salesite.Role", verbose_name=_("责任部门"), related_name="+", blank=True
    )
    scope_note = models.CharField(_("工作内容"), max_length=200, blank=True)
    mock_round = models.PositiveSmallIntegerField(
        _("须完成的模拟验收轮次"),
        choices=InspectionRound.choices,
        null=True,
        blank=True,
        help_text=_("设置后，批次每户都完成该轮模拟验收才能标记本节点完成。"),
    )

    class Meta:
        verbose_name = _("计划节点")
        verbose_name_plural = _("计划节点")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="planstep_unique_order"),
            models.UniqueConstraint(fields=["plan", "code"], name="planstep_unique_code"),
        ]

    def __str__(self):
        return f"{self.plan} · {self.name}"

    @property
    def offset(self) -> relativedelta:
        return relativedelta(months=self.offset_months, days=self.offset_days)

    def due_for(self, delivery_date: datetime.date) -> datetime.date:
        return delivery_date - self.offset


class ProgressMilestoneOption(OptionRow):
    """A construction-progress milestone every buyer must be told of (R-HO-3); the active
    rows are the checklist on the notices page and the choices of a progress notice."""

    class Meta(OptionRow.Meta):
        verbose_name = _("工程进展节点")
        verbose_name_plural = _("工程进展节点")


class InspectionDefectCategoryOption(OptionRow):
    """A category of mock-inspection defects (R-HO-2)."""

    class Meta(OptionRow.Meta):
        verbose_name = _("模拟验收问题类别")
        verbose_name_plural = _("模拟验收问题类别")
