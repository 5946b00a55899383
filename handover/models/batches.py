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
    DESIGN_SURVEY = "design_survey", _("前期设计质量摸底")
    FIRST_MOCK = "first_mock", _("第一次模拟验收")
    RISK_MEETING = "risk_meeting", _("项目风险预控会议")
    SECOND_MOCK = "second_mock", _("第二次模拟验收")
    PREVIEW_PREP = "preview_prep", _("提前看房准备会议")
    RISK_SCREENING = "risk_screening", _("风险排查")
    FINISHING = "finishing", _("细部和收尾处理")
    PREVIEW_EVENT = "preview_event", _("提前看房活动")


# (kind, offset before the delivery date, responsible role codes, what it covers).
# Month offsets are calendar months: relativedelta clamps to the end of a shorter month.
MILESTONE_PLAN: list[tuple[str, relativedelta, list[str], str]] = [
    (
        MilestoneKind.DESIGN_SURVEY,
        relativedelta(months=5),
        ["engineering", "cs_lead"],
        "摸底常见设计问题",
    ),
    (MilestoneKind.FIRST_MOCK, relativedelta(days=100), ["engineering", "cs_lead"], "逐户验收"),
    (
        MilestoneKind.RISK_MEETING,
        relativedelta(months=3),
        ["centre_head", "cs_lead"],
        "项目风险预控",
    ),
    (
        MilestoneKind.SECOND_MOCK,
        relativedelta(days=70),
        ["engineering", "cs_lead"],
        "复核第一次验收问题的整改",
    ),
    (
        MilestoneKind.PREVIEW_PREP,
        relativedelta(months=2),
        ["cs_lead", "centre_head"],
        "提前看房准备",
    ),
    (
        MilestoneKind.RISK_SCREENING,
        relativedelta(days=50),
        ["centre_head", "cs_lead", "engineering"],
        "证照、合同、设计与施工质量、投诉、服务需求",
    ),
    (MilestoneKind.FINISHING, relativedelta(days=40), ["engineering"], "细部和收尾"),
    (
        MilestoneKind.PREVIEW_EVENT,
        relativedelta(months=1),
        ["cs_lead", "front_desk", "engineering"],
        "业主发现问题分类并分派",
    ),
]


def milestone_due(kind: str, delivery_date: datetime.date) -> datetime.date:
    for k, offset, _roles, _scope in MILESTONE_PLAN:
        if k == kind:
            return delivery_date - offset
    raise KeyError(kind)


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
    kind = models.CharField(_("节点"), max_length=30, choices=MilestoneKind.choices)
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
        return f"{self.batch.name} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("handover:batch_detail", args=[self.batch_id])

    @property
    def is_open(self):
        return self.status != MilestoneStatus.DONE


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
