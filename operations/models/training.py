"""Training sessions and their attendance (R-CORE-8)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models.scoping import ProjectScopedQuerySet

from .base import USER

# --- R-CORE-8 training --------------------------------------------------------------------


class TrainingSession(models.Model):
    class Kind(models.TextChoices):
        OPERATION_SKILLS = "operation_skills", _("操作技能")
        SERVICE_FLOW = "service_flow", _("服务流程")

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="training_sessions",
    )
    date = models.DateField(_("培训日期"), db_index=True)
    topic = models.CharField(_("培训主题"), max_length=100)
    kind = models.CharField(_("培训类型"), max_length=20, choices=Kind.choices)
    trainer = models.ForeignKey(
        USER,
        verbose_name=_("培训讲师"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainings_given",
    )
    trainer_name = models.CharField(
        _("外部讲师"), max_length=50, blank=True, help_text=_("讲师不是系统用户时填写。")
    )
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1, default=1)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    content = models.TextField(_("培训内容"), blank=True)
    attendees = models.ManyToManyField(
        USER,
        verbose_name=_("参训人员"),
        through="TrainingAttendance",
        related_name="trainings",
        blank=True,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        db_table = "salesite_trainingsession"
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["-date", "pk"]

    def __str__(self):
        return f"{self.date} {self.topic}"

    def get_absolute_url(self):
        return reverse("ops:training_detail", args=[self.pk])

    @property
    def trainer_display(self) -> str:
        return str(self.trainer) if self.trainer_id else self.trainer_name

    def clean(self):
        if not self.trainer_id and not self.trainer_name:
            raise ValidationError(_("请选择培训讲师或填写外部讲师。"))


class TrainingAttendance(models.Model):
    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("培训"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    user = models.ForeignKey(
        USER, verbose_name=_("员工"), on_delete=models.CASCADE, related_name="training_attendance"
    )
    attended = models.BooleanField(_("已出勤"), default=True)
    score = models.PositiveSmallIntegerField(
        _("考核成绩"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    passed = models.BooleanField(_("考核通过"), null=True, blank=True)
    result = models.CharField(_("培训结果/评语"), max_length=200, blank=True)

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "session__project"

    class Meta:
        db_table = "salesite_trainingattendance"
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        ordering = ["session", "user__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                name="trainingattendance_unique",
                violation_error_message=_("该员工已在参训名单中。"),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100),
                name="trainingattendance_score_max",
            ),
        ]

    def __str__(self):
        return f"{self.session} · {self.user}"

    @property
    def project(self):
        return self.session.project
