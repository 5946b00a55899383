"""Delivery batches and their pre-delivery plan (R-HO-1)."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models.scoping import ProjectScopedQuerySet
from salesite.models.workflow import StatusHistory


class MilestoneKind(models.TextChoices):
    """The codes of the default plan's steps (the plan itself is data: ``MilestonePlan``)."""

    DESIGN_SURVEY = "design_survey", _("前期设计质量摸底")
    FIRST_MOCK = "first_mock", _("第一次模拟验收")
    RISK_MEETING = "risk_meeting", _("项目风险预控会议")
    SECOND_MOCK = "second_mock", _("第二次模拟验收")
    PREVIEW_PREP = "preview_prep", _("提前看房准备会议")
    RISK_SCREENING = "risk_screening", _("风险排查")
    FINISHING = "finishing", _("细部和收尾处理")
    PREVIEW_EVENT = "preview_event", _("提前看房活动")


class MilestoneStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    OVERDUE = "overdue", _("已逾期")
    DONE = "done", _("已完成")


class DeliveryBatch(models.Model):
    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="delivery_batches",
    )
    name = models.CharField(_("批次名称"), max_length=60)
    planned_delivery_date = models.DateField(_("计划交付日期"), db_index=True)
    units = models.ManyToManyField(
        "salesite.Unit", verbose_name=_("房屋"), related_name="delivery_batches", blank=True
    )
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    plan = models.ForeignKey(
        "handover.MilestonePlan",
        verbose_name=_("节点计划"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("创建批次时复制其节点的计划。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("交付批次")
        verbose_name_plural = _("交付批次")
        ordering = ["-planned_delivery_date", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="batch_unique_name")
        ]

    def __str__(self):
        return f"{self.project} · {self.name}"

    def get_absolute_url(self):
        return reverse("handover:batch_detail", args=[self.pk])


class Milestone(models.Model):
    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    batch = models.ForeignKey(
        DeliveryBatch,
        verbose_name=_("交付批次"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    # Copied from the plan step when the batch is created: later edits of the plan do not
    # change this batch (``kind`` is the step's code, ``name`` its label).
    kind = models.CharField(_("节点代码"), max_length=30)
    name = models.CharField(_("节点"), max_length=60, blank=True)
    offset_months = models.PositiveSmallIntegerField(_("交付前（月）"), default=0)
    offset_days = models.PositiveSmallIntegerField(_("交付前（天）"), default=0)
    mock_round = models.PositiveSmallIntegerField(_("须完成的模拟验收轮次"), null=True, blank=True)
    scope_note = models.CharField(_("工作内容"), max_length=200, blank=True)
    due_date = models.DateField(_("完成期限"), db_index=True)
    responsible_roles = models.ManyToManyField(
        "salesite.Role", verbose_name=_("责任部门"), related_name="+", blank=True
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.OPEN,
        db_index=True,
    )
    result_note = models.TextField(_("结果说明"), blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("完成确认人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reminded_for = models.DateField(_("已提醒的期限"), null=True, blank=True)
    overdue_marked_at = models.DateTimeField(_("标记逾期时间"), null=True, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    # Completed from the batch page; marked overdue by the nightly job; reopened when the
    # delivery date moves. A completed milestone stays completed.
    TRANSITIONS = {
        MilestoneStatus.OPEN: {MilestoneStatus.DONE, MilestoneStatus.OVERDUE},
        MilestoneStatus.OVERDUE: {MilestoneStatus.DONE, MilestoneStatus.OPEN},
    }
    WORKFLOW_HISTORY = "handover.MilestoneHistory"

    class Meta:
        verbose_name = _("交付前计划节点")
        verbose_name_plural = _("交付前计划节点")
        ordering = ["batch", "due_date"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "kind"], name="milestone_unique_kind")
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return self.label_of(self.batch.name, self.name, self.kind)

    @staticmethod
    def label_of(batch_name: str, name: str, kind: str) -> str:
        """What ``str()`` shows, from plain values (rows read with ``values_list``)."""
        return f"{batch_name} · {name or kind}"

    def get_absolute_url(self):
        return reverse("handover:batch_detail", args=[self.batch_id])

    @property
    def is_open(self):
        return self.status != MilestoneStatus.DONE

    def get_kind_display(self) -> str:
        return self.name or self.kind

    def due_for(self, delivery_date: datetime.date) -> datetime.date:
        return delivery_date - relativedelta(months=self.offset_months, days=self.offset_days)


class MilestoneHistory(StatusHistory):
    """One state change of a milestone (completed, marked overdue, reopened)."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("交付前计划节点"),
        on_delete=models.CASCADE,
        related_name="history",
    )

    objects = ProjectScopedQuerySet.as_manager()

    class Meta(StatusHistory.Meta):
        verbose_name = _("节点状态记录")
        verbose_name_plural = _("节点状态记录")

    @property
    def to_status_label(self) -> str:
        """The new state's label (the field keeps no choices, so no get_…_display)."""
        return dict(MilestoneStatus.choices).get(self.to_status, self.to_status)
