"""Sales-site areas and service posts (R-CORE-3), shifts and the daily roster (R-CORE-5)."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models.scoping import ProjectScopedQuerySet

from .base import USER, GlobalOrProjectQuerySet

# --- R-CORE-3 areas and posts --------------------------------------------------------------


class SiteArea(models.Model):
    class Kind(models.TextChoices):
        PERIMETER = "perimeter", _("营销中心外围")
        CENTRE = "centre", _("营销中心")
        SHOW_UNIT = "show_unit", _("样板房")
        PARKING = "parking", _("停车场")
        VIEWING_PATH = "viewing_path", _("看房通道")
        OTHER = "other", _("其他")

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="site_areas",
    )
    name = models.CharField(_("区域名称"), max_length=50)
    kind = models.CharField(_("区域类型"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("说明"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        db_table = "salesite_sitearea"
        verbose_name = _("营销现场区域")
        verbose_name_plural = _("营销现场区域")
        ordering = ["project", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="sitearea_unique_name")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ops:area_detail", args=[self.pk])


class Shift(models.Model):
    """A shift definition; without a project it is shared by every project."""

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="shifts",
        null=True,
        blank=True,
        help_text=_("留空表示所有项目通用。"),
    )
    name = models.CharField(_("班次名称"), max_length=30)
    start = models.TimeField(_("开始时间"))
    end = models.TimeField(_("结束时间"))
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    objects = GlobalOrProjectQuerySet.as_manager()

    class Meta:
        db_table = "salesite_shift"
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        ordering = ["order", "start", "name"]

    def __str__(self):
        return f"{self.name} {self.start:%H:%M}-{self.end:%H:%M}"


class ServicePost(models.Model):
    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="service_posts",
        editable=False,
    )
    area = models.ForeignKey(
        SiteArea, verbose_name=_("所属区域"), on_delete=models.CASCADE, related_name="posts"
    )
    name = models.CharField(_("岗位名称"), max_length=50)
    headcount = models.PositiveSmallIntegerField(
        _("每班定员"), default=1, validators=[MinValueValidator(1)]
    )
    duties = models.TextField(_("岗位职责"), blank=True)
    work_standard = models.TextField(_("工作标准"), blank=True)
    shifts = models.ManyToManyField(
        Shift, verbose_name=_("值守班次"), blank=True, related_name="posts"
    )
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        db_table = "salesite_servicepost"
        verbose_name = _("服务岗位")
        verbose_name_plural = _("服务岗位")
        ordering = ["project", "area__order", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="servicepost_unique_name")
        ]

    def __str__(self):
        return f"{self.area.name}·{self.name}"

    def get_absolute_url(self):
        return reverse("ops:post_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.project_id = self.area.project_id
        super().save(*args, **kwargs)


class RosterEntry(models.Model):
    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="roster_entries",
        editable=False,
    )
    date = models.DateField(_("日期"), db_index=True)
    post = models.ForeignKey(
        ServicePost, verbose_name=_("岗位"), on_delete=models.CASCADE, related_name="roster"
    )
    shift = models.ForeignKey(
        Shift, verbose_name=_("班次"), on_delete=models.PROTECT, related_name="roster"
    )
    user = models.ForeignKey(
        USER, verbose_name=_("上岗人员"), on_delete=models.CASCADE, related_name="roster_entries"
    )
    note = models.CharField(_("备注"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        USER,
        verbose_name=_("排班人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        db_table = "salesite_rosterentry"
        verbose_name = _("排班")
        verbose_name_plural = _("排班")
        ordering = ["date", "post", "shift__start"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "post", "shift", "user"],
                name="rosterentry_unique",
                violation_error_message=_("该员工当天该班次已排在此岗位。"),
            )
        ]
        indexes = [models.Index(fields=["project", "date"])]

    def __str__(self):
        return f"{self.date} {self.post} {self.shift.name} {self.user}"

    def save(self, *args, **kwargs):
        self.project_id = self.post.project_id
        super().save(*args, **kwargs)
