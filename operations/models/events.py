"""Marketing events, their preparation checklist and history (R-CORE-9)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models import StatusHistory
from salesite.models.scoping import ProjectScopedQuerySet

from .base import USER

# --- R-CORE-9 marketing events ------------------------------------------------------------


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    PREPARED = "prepared", _("已准备")
    HELD = "held", _("已举办")
    CLOSED = "closed", _("已关闭")


# The event workflow (salesite.workflow): a closed event is final.
EVENT_TRANSITIONS = {
    EventStatus.PLANNED: {EventStatus.PREPARED},
    EventStatus.PREPARED: {EventStatus.HELD, EventStatus.PLANNED},
    EventStatus.HELD: {EventStatus.CLOSED},
}


class MarketingEvent(models.Model):
    TRANSITIONS = EVENT_TRANSITIONS
    WORKFLOW_HISTORY = "operations.EventHistory"
    TRANSITION_ERROR = _("活动状态不能从“%(from)s”变为“%(to)s”。")

    class Kind(models.TextChoices):
        MARKETING = "marketing", _("营销活动")
        INVESTMENT = "investment", _("招商会")
        CLUB = "club", _("客户俱乐部活动")

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="marketing_events",
    )
    kind = models.CharField(_("活动类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("活动名称"), max_length=100)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100)
    description = models.TextField(_("活动说明与配合要求"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=EventStatus.choices, default=EventStatus.PLANNED
    )
    staff = models.ManyToManyField(
        USER, verbose_name=_("配合人员"), blank=True, related_name="marketing_events"
    )
    expected_visitors = models.PositiveIntegerField(_("预计来访人数"), null=True, blank=True)
    visitor_count = models.PositiveIntegerField(_("实际来访人数"), null=True, blank=True)
    evaluation = models.TextField(_("后评估"), blank=True)
    rating = models.PositiveSmallIntegerField(
        _("评分(1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    created_by = models.ForeignKey(
        USER,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    closed_by = models.ForeignKey(
        USER,
        verbose_name=_("关闭人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        db_table = "salesite_marketingevent"
        verbose_name = _("营销活动")
        verbose_name_plural = _("营销活动")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="marketingevent_rating_range",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("ops:event_detail", args=[self.pk])

    @property
    def has_evaluation(self) -> bool:
        return bool(self.evaluation.strip()) and self.rating is not None

    def clean(self):
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("结束时间不能早于开始时间。")})


class EventChecklistItem(models.Model):
    class Kind(models.TextChoices):
        NOTICE = "notice", _("活动通知")
        MATERIALS = "materials", _("物料准备")
        DECORATION = "decoration", _("现场布置")
        BRIEFING = "briefing", _("人员交底")
        OTHER = "other", _("其他")

    event = models.ForeignKey(
        MarketingEvent,
        verbose_name=_("营销活动"),
        on_delete=models.CASCADE,
        related_name="checklist",
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    text = models.CharField(_("准备事项"), max_length=200)
    done = models.BooleanField(_("已完成"), default=False)
    done_by = models.ForeignKey(
        USER,
        verbose_name=_("完成人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "event__project"

    class Meta:
        db_table = "salesite_eventchecklistitem"
        verbose_name = _("活动准备事项")
        verbose_name_plural = _("活动准备事项")
        ordering = ["event", "order", "pk"]

    def __str__(self):
        return self.text

    @property
    def project(self):
        return self.event.project


class EventHistory(StatusHistory):
    event = models.ForeignKey(
        MarketingEvent,
        verbose_name=_("营销活动"),
        on_delete=models.CASCADE,
        related_name="history",
    )
    from_status = models.CharField(_("原状态"), max_length=20, choices=EventStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=EventStatus.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "event__project"

    class Meta:
        db_table = "salesite_eventhistory"
        verbose_name = _("活动状态记录")
        verbose_name_plural = _("活动状态记录")
        ordering = ["event", "at", "pk"]

    def __str__(self):
        return f"{self.event}: {self.from_status} → {self.to_status}"
