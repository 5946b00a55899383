"""Who may log in to the owner portal, and the traces of each login attempt.

An owner is not a ``User``: the person is the core ``Customer``/``Tenant`` record(s) with a
mobile number. ``OwnerAccess`` holds what staff decide about that number (portal disabled, e.g.
a lost phone) and when it last logged in. ``LoginCode`` is one SMS code (only its HMAC is
kept); ``LoginGuard`` is the per-number row that serialises code requests and holds the lock
after too many wrong codes.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OwnerAccess(models.Model):
    mobile = models.CharField(_("手机"), max_length=20, unique=True)
    is_disabled = models.BooleanField(_("已停用业主端"), default=False)
    disabled_reason = models.CharField(_("停用原因"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("停用/启用时间"), null=True, blank=True)
    last_login_at = models.DateTimeField(_("最近登录时间"), null=True, blank=True)
    last_login_ip = models.GenericIPAddressField(_("最近登录IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("业主端访问")
        verbose_name_plural = _("业主端访问")
        ordering = ["mobile"]

    def __str__(self):
        return self.mobile


class LoginCode(models.Model):
    """One SMS code asked for a number (also for unknown numbers, which are never sent one)."""

    mobile = models.CharField(_("手机"), max_length=20)
    code_hash = models.CharField(_("验证码摘要"), max_length=64)
    created_at = models.DateTimeField(_("创建时间"))
    expires_at = models.DateTimeField(_("失效时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    ip = models.GenericIPAddressField(_("请求IP"), null=True, blank=True)
    sent = models.BooleanField(_("已发送短信"), default=False)

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = _("登录验证码")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["mobile", "created_at"]),
            models.Index(fields=["ip", "created_at"]),
        ]

    def __str__(self):
        return f"{self.mobile} {self.created_at:%Y-%m-%d %H:%M:%S}"


class LoginGuard(models.Model):
    """Per number: wrong codes in a row and the lock they caused (5 wrong → 15 minutes)."""

    mobile = models.CharField(_("手机"), max_length=20, unique=True)
    failures = models.PositiveSmallIntegerField(_("连续错误次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("登录保护")
        verbose_name_plural = _("登录保护")
        ordering = ["-updated_at"]

    def __str__(self):
        return self.mobile
