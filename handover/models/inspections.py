"""Mock inspections before delivery (R-HO-2): per-unit records with defects and photos; the
second inspection verifies each defect of the first."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models.options import option_label
from salesite.models.scoping import ProjectScopedQuerySet


class InspectionRound(models.IntegerChoices):
    FIRST = 1, _("第一次模拟验收")
    SECOND = 2, _("第二次模拟验收")


class DefectCategory(models.TextChoices):
    """The default categories (the list itself is data: ``InspectionDefectCategoryOption``)."""

    CIVIL = "civil", _("土建")
    FINISH = "finish", _("装饰装修")
    PLUMBING = "plumbing", _("给排水")
    ELECTRICAL = "electrical", _("电气")
    DOORS_WINDOWS = "doors_windows", _("门窗")
    OTHER = "other", _("其他")


class Verification(models.TextChoices):
    FIXED = "fixed", _("已整改合格")
    NOT_FIXED = "not_fixed", _("未整改/不合格")


class MockInspection(models.Model):
    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    batch = models.ForeignKey(
        "handover.DeliveryBatch",
        verbose_name=_("交付批次"),
        on_delete=models.CASCADE,
        related_name="inspections",
    )
    unit = models.ForeignKey(
        "salesite.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+"
    )
    round = models.PositiveSmallIntegerField(_("轮次"), choices=InspectionRound.choices)
    inspected_on = models.DateField(_("验收日期"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("验收人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("模拟验收")
        verbose_name_plural = _("模拟验收")
        ordering = ["batch", "round", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "unit", "round"], name="mockinspection_unique_round"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_round_display()}"

    def get_absolute_url(self):
        return reverse("handover:inspection_detail", args=[self.pk])


class InspectionDefect(models.Model):
    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    inspection = models.ForeignKey(
        MockInspection, verbose_name=_("模拟验收"), on_delete=models.CASCADE, related_name="defects"
    )
    location = models.CharField(_("部位"), max_length=60)
    # The code of an InspectionDefectCategoryOption row.
    category = models.CharField(_("类别"), max_length=30)
    description = models.CharField(_("问题描述"), max_length=300)
    responsible_unit = models.CharField(_("责任单位"), max_length=60)
    deadline = models.DateField(_("整改期限"))
    verified_in = models.ForeignKey(
        MockInspection,
        verbose_name=_("复验于"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="verified_defects",
    )
    verification = models.CharField(
        _("复验结果"), max_length=20, choices=Verification.choices, blank=True
    )
    verification_note = models.CharField(_("复验说明"), max_length=200, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("模拟验收问题")
        verbose_name_plural = _("模拟验收问题")
        ordering = ["inspection", "pk"]

    def __str__(self):
        return f"{self.location} {self.description[:20]}"

    def get_absolute_url(self):
        return reverse("handover:inspection_detail", args=[self.inspection_id])

    def get_category_display(self) -> str:
        from .plans import InspectionDefectCategoryOption

        return option_label(self, "category", InspectionDefectCategoryOption)
