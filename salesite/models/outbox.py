"""Delivery infrastructure: the outbox of outbound messages and the leases of scheduled jobs.

Every email and SMS is first a row here, written in the same transaction as the action that
causes it, so a broker outage cannot lose it; a worker sends it after commit and the beat
sweep sends whatever is still pending (salesite/outbox.py). A job lease lets only one run of
a scheduled job work at a time (salesite/jobs.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundMessage(models.Model):
    """One email or SMS to one address, claimed before the gateway is called."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("邮件")
        SMS = "sms", _("短信")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("失败（已停止重试）")

    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("收件地址"), max_length=254)
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The caller's key (e.g. "feedback:greeting:holiday:国庆节:2026:17"), or a random one for a
    # message that may be sent more than once: one row per (channel, recipient, key).
    dedupe_key = models.CharField(_("去重键"), max_length=200)
    # An inbox message mailed by this row: its email_sent_at is set when the mail is sent.
    notification = models.ForeignKey(
        "salesite.Notification",
        verbose_name=_("站内通知"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"))
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    last_error = models.TextField(_("最后错误"), blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("待发消息")
        verbose_name_plural = _("待发消息（发件箱）")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "recipient", "dedupe_key"], name="outbox_unique_dedupe"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.get_channel_display()} {self.recipient}: {(self.subject or self.body)[:30]}"


class JobLease(models.Model):
    """Who runs a scheduled job now, and until when the lease holds without being renewed."""

    job_name = models.CharField(_("任务名"), max_length=100, primary_key=True)
    holder = models.CharField(_("持有者"), max_length=100, blank=True)
    acquired_at = models.DateTimeField(_("取得时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"))

    class Meta:
        verbose_name = _("定时任务租约")
        verbose_name_plural = _("定时任务租约")

    def __str__(self):
        return self.job_name
