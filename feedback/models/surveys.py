"""Callback surveys answered by the owner through an SMS link (issue 14): one link per send,
tied to one callback task, usable once, valid for SURVEY_LINK_DAYS days; only the SHA-256 of its
token is stored (the token itself is in the SMS and nowhere else)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesite.models.scoping import ProjectScopedQuerySet

SURVEY_LINK_DAYS = 14


def hash_token(token: str) -> str:
    """The stored form of a link token: its SHA-256 in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


class SurveyLinkState(models.TextChoices):
    SENT = "sent", _("已发送，待填写")
    USED = "used", _("已填写")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已作废")


class SurveyLink(models.Model):
    """One questionnaire link sent by SMS for one callback task. Answering uses it up; sending
    a new link for the task revokes the older open ones."""

    task = models.ForeignKey(
        "feedback.CallbackTask",
        verbose_name=_("回访任务"),
        on_delete=models.CASCADE,
        related_name="survey_links",
    )
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    sent_to = models.CharField(_("发送手机"), max_length=20)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发送人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("填写时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "task__project"

    class Meta:
        verbose_name = _("问卷链接")
        verbose_name_plural = _("问卷链接")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # At most one link of a task can still be answered: a reissue revokes the others.
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(used_at__isnull=True, revoked_at__isnull=True),
                name="surveylink_one_open_per_task",
            )
        ]

    def __str__(self):
        return f"{self.task_id} · {self.created_at:%Y-%m-%d %H:%M}"

    def state(self, now=None) -> str:
        if self.used_at:
            return SurveyLinkState.USED
        if self.revoked_at:
            return SurveyLinkState.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return SurveyLinkState.EXPIRED
        return SurveyLinkState.SENT

    @property
    def state_label(self) -> str:
        return SurveyLinkState(self.state()).label
