"""Pre-delivery preview findings (R-HO-1 提前看房活动: owners' findings sorted and assigned)
and the before/after role of handover photos (R-HO-2 defect photos).

A finding is one problem an owner pointed out at the T−1 month preview event, recorded per
unit with a category, the responsible unit, an assignee and a deadline, and tracked to closure
(open → in progress → fixed → closed). Its photos are attachments of the finding; each photo
of a finding or of a mock-inspection defect may carry a ``PhotoTag`` saying whether it shows
the problem (before) or the fix (after). An untagged photo is a "before" photo.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesite import workflow
from salesite.models.scoping import ProjectScopedQuerySet
from salesite.models.workflow import StatusHistory


class FindingCategory(models.TextChoices):
    DESIGN = "design", _("设计")
    CONSTRUCTION = "construction", _("工程")
    FINISH = "finish", _("装修")
    COMMON_AREA = "common_area", _("公共部位")
    LANDSCAPE = "landscape", _("景观")
    OTHER = "other", _("其他")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    IN_PROGRESS = "in_progress", _("整改中")
    FIXED = "fixed", _("已整改")
    CLOSED = "closed", _("已验证关闭")


OPEN_STATUSES = (FindingStatus.OPEN, FindingStatus.IN_PROGRESS)


class PhotoRole(models.TextChoices):
    BEFORE = "before", _("整改前")
    AFTER = "after", _("整改后")


class PreviewFinding(models.Model):
    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    batch = models.ForeignKey(
        "handover.DeliveryBatch",
        verbose_name=_("交付批次"),
        on_delete=models.CASCADE,
        related_name="preview_findings",
    )
    milestone = models.ForeignKey(
        "handover.Milestone",
        verbose_name=_("提前看房活动"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="preview_findings",
    )
    unit = models.ForeignKey(
        "salesite.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        "salesite.Customer",
        verbose_name=_("业主"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.CharField(
        _("类别"), max_length=20, choices=FindingCategory.choices, db_index=True
    )
    location = models.CharField(_("部位"), max_length=60)
    description = models.CharField(_("问题描述"), max_length=300)
    responsible_unit = models.CharField(_("责任单位"), max_length=60)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("跟进人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deadline = models.DateField(_("整改期限"), db_index=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=FindingStatus.choices,
        default=FindingStatus.OPEN,
        db_index=True,
    )
    found_on = models.DateField(_("发现日期"))
    fixed_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    closed_on = models.DateField(_("关闭日期"), null=True, blank=True)
    closure_note = models.CharField(_("关闭说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    overdue_notified_for = models.DateField(_("已提醒逾期的期限"), null=True, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    TRANSITIONS = {
        FindingStatus.OPEN: {FindingStatus.IN_PROGRESS, FindingStatus.FIXED},
        FindingStatus.IN_PROGRESS: {FindingStatus.FIXED},
        FindingStatus.FIXED: {FindingStatus.CLOSED, FindingStatus.IN_PROGRESS},
    }
    WORKFLOW_HISTORY = "handover.PreviewFindingHistory"
    TRANSITION_ERROR = _("看房问题状态不能从“%(from)s”变为“%(to)s”。")

    class Meta:
        verbose_name = _("提前看房问题")
        verbose_name_plural = _("提前看房问题")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return f"{self.unit} · {self.location} {self.description[:20]}"

    def get_absolute_url(self):
        return reverse("handover:finding_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.localdate()

    def allowed_next(self):
        return [FindingStatus(s) for s in workflow.allowed_next(self)]


class PreviewFindingHistory(StatusHistory):
    """One state change of a preview finding (assigned, fixed, closed, reopened)."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    finding = models.ForeignKey(
        PreviewFinding,
        verbose_name=_("提前看房问题"),
        on_delete=models.CASCADE,
        related_name="history",
    )

    objects = ProjectScopedQuerySet.as_manager()

    class Meta(StatusHistory.Meta):
        verbose_name = _("看房问题状态记录")
        verbose_name_plural = _("看房问题状态记录")

    @property
    def to_status_label(self) -> str:
        return dict(FindingStatus.choices).get(self.to_status, self.to_status)


class PhotoTag(models.Model):
    """The role of a photo of a preview finding or a mock-inspection defect (before/after)."""

    attachment = models.OneToOneField(
        "salesite.Attachment",
        verbose_name=_("附件"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="handover_tag",
    )
    role = models.CharField(_("照片类型"), max_length=10, choices=PhotoRole.choices)

    class Meta:
        verbose_name = _("照片类型")
        verbose_name_plural = _("照片类型")

    def __str__(self):
        return self.get_role_display()
