"""Communication records (R-COM-2): a log, minutes, an internal review or a service report,
with its participants of both sides and, for minutes, the distribution list and receipts."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communication.periods import local_date
from salesite.models.scoping import ProjectScopedQuerySet


class CommunicationRecord(models.Model):
    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="communication_records",
    )
    level = models.ForeignKey(
        "communication.CommunicationLevel",
        verbose_name=_("层级"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    held_at = models.DateTimeField(_("时间"))
    # The local (Asia/Shanghai) date of held_at, kept so compliance groups on an index.
    held_on = models.DateField(_("日期"), editable=False)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    department = models.ForeignKey(
        "salesite.Department",
        verbose_name=_("部门"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("部门讲评/例会时填写。"),
    )
    participants = models.ManyToManyField(
        "salesite.ProjectMembership",
        verbose_name=_("参加人员"),
        blank=True,
        related_name="communication_records",
    )
    other_participants = models.CharField(_("其他参加人员"), max_length=300, blank=True)
    topics = models.TextField(_("沟通事项"), blank=True)
    decisions = models.TextField(_("决定事项"), blank=True)
    summary = models.TextField(_("工作小结"), blank=True)
    feedback = models.TextField(_("反馈信息"), blank=True)
    next_plan = models.TextField(_("下月计划"), blank=True)
    agenda = models.ManyToManyField(
        "communication.Problem",
        verbose_name=_("议程中的遗留问题"),
        blank=True,
        related_name="discussed_in",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Optimistic lock: an edit based on an older version is refused, never silently lost.
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("沟通记录")
        verbose_name_plural = _("沟通记录")
        ordering = ["-held_at", "-pk"]
        indexes = [
            models.Index(fields=["project", "level", "held_on"], name="comrec_proj_level_day"),
            models.Index(fields=["held_on"], name="comrec_held_on"),
            # The record list's order: its first page without sorting every record.
            models.Index(fields=["held_at", "id"], name="comrec_held_at"),
        ]

    def __str__(self):
        return f"{self.project} · {self.level} · {self.held_on}"

    def save(self, *args, **kwargs):
        if self.held_at:
            self.held_on = local_date(self.held_at)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("communication:record_detail", args=[self.pk])


class MinutesRecipient(models.Model):
    """One person on the distribution list of minutes, and when they confirmed receipt."""

    project_lookup = "record__project"

    record = models.ForeignKey(
        CommunicationRecord,
        verbose_name=_("沟通记录"),
        on_delete=models.CASCADE,
        related_name="recipients",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="minutes_received",
    )
    sent_at = models.DateTimeField(_("分发时间"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("确认收到时间"), null=True, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("纪要分发")
        verbose_name_plural = _("纪要分发")
        ordering = ["record", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["record", "user"], name="minutes_recipient_unique")
        ]

    def __str__(self):
        return f"{self.record} → {self.user}"

    @property
    def project(self):
        return self.record.project
