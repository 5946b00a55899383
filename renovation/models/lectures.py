"""Renovation lectures and consultation for newly delivered owners (R-REN-9)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models.workflow import ProjectOwned


class RenovationLecture(ProjectOwned):
    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="renovation_lectures",
    )
    held_on = models.DateField(_("日期"), db_index=True)
    starts_at = models.TimeField(_("开始时间"), null=True, blank=True)
    topic = models.CharField(_("主题"), max_length=100)
    speaker = models.CharField(_("主讲人"), max_length=50)
    location = models.CharField(_("地点"), max_length=100, blank=True)
    note = models.TextField(_("内容摘要/咨询问题"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("装修讲座")
        verbose_name_plural = _("装修讲座")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.topic}"

    def get_absolute_url(self):
        return reverse("renovation:lecture_detail", args=[self.pk])


class LectureAttendee(ProjectOwned):
    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    lecture = models.ForeignKey(
        RenovationLecture,
        verbose_name=_("讲座"),
        on_delete=models.CASCADE,
        related_name="attendees",
    )
    unit = models.ForeignKey(
        "salesite.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey(
        "salesite.Customer",
        verbose_name=_("业主"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("参加人"), max_length=50)
    added_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("讲座参加业主")
        verbose_name_plural = _("讲座参加业主")
        ordering = ["lecture", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["lecture", "unit", "name"], name="ren_attendee_unique")
        ]

    def __str__(self):
        return f"{self.name} {self.unit}"
