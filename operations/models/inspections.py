"""HQ quality inspections: checklists, scores and rectification items (R-CORE-11)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models import StatusHistory
from salesite.models.scoping import ProjectScopedQuerySet

from .base import USER

# --- R-CORE-11 HQ inspections -------------------------------------------------------------


class InspectionChecklist(models.Model):
    name = models.CharField(_("检查表名称"), max_length=100, unique=True)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        db_table = "salesite_inspectionchecklist"
        verbose_name = _("品质检查表")
        verbose_name_plural = _("品质检查表")
        ordering = ["name"]

    def __str__(self):
        return self.name


class InspectionItem(models.Model):
    class Category(models.TextChoices):
        APPEARANCE = "appearance", _("形象展示")
        POSTS = "posts", _("岗位管理")
        STANDARDS = "standards", _("服务标准")
        RECORDS = "records", _("记录资料")

    checklist = models.ForeignKey(
        InspectionChecklist,
        verbose_name=_("检查表"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    category = models.CharField(_("检查类别"), max_length=20, choices=Category.choices)
    text = models.CharField(_("检查内容与标准"), max_length=300)
    max_score = models.PositiveSmallIntegerField(
        _("满分"), default=5, validators=[MinValueValidator(1)]
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        db_table = "salesite_inspectionitem"
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["checklist", "order", "pk"]

    def __str__(self):
        return self.text


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("检查中")
    COMPLETED = "completed", _("已完成")


# Scoring closes once (salesite.workflow): a completed inspection is final.
INSPECTION_TRANSITIONS = {InspectionStatus.DRAFT: {InspectionStatus.COMPLETED}}


class Inspection(models.Model):
    TRANSITIONS = INSPECTION_TRANSITIONS
    TRANSITION_ERROR = _("检查已完成。")

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="inspections",
    )
    checklist = models.ForeignKey(
        InspectionChecklist,
        verbose_name=_("检查表"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    date = models.DateField(_("检查日期"), db_index=True)
    inspector = models.ForeignKey(
        USER, verbose_name=_("检查人"), on_delete=models.PROTECT, related_name="inspections"
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=InspectionStatus.choices,
        default=InspectionStatus.DRAFT,
    )
    total_score = models.PositiveIntegerField(_("得分"), default=0)
    max_total = models.PositiveIntegerField(_("满分"), default=0)
    summary = models.TextField(_("检查总结"), blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        db_table = "salesite_inspection"
        verbose_name = _("品质检查")
        verbose_name_plural = _("品质检查")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.project} {self.date} {self.checklist}"

    def get_absolute_url(self):
        return reverse("ops:inspection_detail", args=[self.pk])

    @property
    def percent(self):
        return round(100 * self.total_score / self.max_total) if self.max_total else None


class InspectionScore(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("品质检查"), on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(
        InspectionItem, verbose_name=_("检查项"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    note = models.CharField(_("扣分说明"), max_length=300, blank=True)

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "inspection__project"

    class Meta:
        db_table = "salesite_inspectionscore"
        verbose_name = _("检查评分")
        verbose_name_plural = _("检查评分")
        ordering = ["inspection", "item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspectionscore_unique")
        ]

    def __str__(self):
        return f"{self.item}: {self.score}"

    @property
    def project(self):
        return self.inspection.project

    @property
    def failed(self) -> bool:
        return self.score is not None and self.score < self.item.max_score

    def clean(self):
        if self.score is not None and self.item_id and self.score > self.item.max_score:
            raise ValidationError(
                {"score": _("得分不能超过满分 %(max)s。") % {"max": self.item.max_score}}
            )


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    DONE = "done", _("已整改待验证")
    VERIFIED = "verified", _("已验证")


# The rectification workflow (salesite.workflow): verified is final; a fix HQ does not accept
# goes back to open.
RECTIFICATION_TRANSITIONS = {
    RectificationStatus.OPEN: {RectificationStatus.DONE},
    RectificationStatus.DONE: {RectificationStatus.VERIFIED, RectificationStatus.OPEN},
}


class RectificationQuerySet(ProjectScopedQuerySet):
    def overdue(self, today):
        return self.exclude(status=RectificationStatus.VERIFIED).filter(deadline__lt=today)


class RectificationItem(models.Model):
    TRANSITIONS = RECTIFICATION_TRANSITIONS
    WORKFLOW_HISTORY = "operations.RectificationHistory"
    TRANSITION_ERROR = _("整改项状态不能从“%(from)s”变为“%(to)s”。")

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="rectifications",
        editable=False,
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("品质检查"),
        on_delete=models.CASCADE,
        related_name="rectifications",
    )
    score = models.OneToOneField(
        InspectionScore,
        verbose_name=_("检查评分"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rectification",
    )
    description = models.TextField(_("整改内容"))
    owner = models.ForeignKey(
        USER,
        verbose_name=_("整改负责人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rectifications",
    )
    deadline = models.DateField(_("整改期限"), db_index=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
        db_index=True,
    )
    done_note = models.TextField(_("整改情况"), blank=True)
    done_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        USER,
        verbose_name=_("验证人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)
    verify_note = models.CharField(_("验证意见"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RectificationQuerySet.as_manager()

    class Meta:
        db_table = "salesite_rectificationitem"
        verbose_name = _("整改项")
        verbose_name_plural = _("整改项")
        ordering = ["deadline", "pk"]
        permissions = [("verify_rectificationitem", _("可验证整改项"))]

    def __str__(self):
        return self.label_of(self.description)

    @staticmethod
    def label_of(description: str) -> str:
        """What ``str()`` shows, from plain values (rows read with ``values_list``)."""
        return description[:40]

    def get_absolute_url(self):
        return reverse("ops:rectification_detail", args=[self.pk])

    def is_overdue(self, today) -> bool:
        return self.status != RectificationStatus.VERIFIED and self.deadline < today

    def save(self, *args, **kwargs):
        self.project_id = self.inspection.project_id
        super().save(*args, **kwargs)


class RectificationHistory(StatusHistory):
    """One state change of a rectification item: done (with the fix), verified, or sent back
    to open by HQ (with the reason)."""

    item = models.ForeignKey(
        RectificationItem,
        verbose_name=_("整改项"),
        on_delete=models.CASCADE,
        related_name="history",
    )
    from_status = models.CharField(
        _("原状态"), max_length=20, blank=True, choices=RectificationStatus.choices
    )
    to_status = models.CharField(_("新状态"), max_length=20, choices=RectificationStatus.choices)

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "item__project"

    class Meta(StatusHistory.Meta):
        verbose_name = _("整改状态记录")
        verbose_name_plural = _("整改状态记录")
        ordering = ["item", "at", "pk"]

    def __str__(self):
        return f"{self.item}: {self.from_status} → {self.to_status}"
