"""Shared infrastructure used by every app: attachments (R-X-4), the in-app inbox and SMS log
(R-JOB notifications), scheduled-job runs, and owner-register imports (R-X-6)."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .scoping import ProjectScopedQuerySet


def attachment_path(instance, filename):
    # Random names: the original name is kept in the row, never used on disk.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{instance.project_id}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    """A file attached to any project-owned record; served only through a checking view."""

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("所属记录类型"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("所属记录"))
    owner = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    mime_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小(字节)"))
    description = models.CharField(_("说明"), max_length=200, blank=True)
    # A scan of an ID card or another document with personal data (R-X-5): only roles with
    # personal-data access on the project download it; the others see that it exists.
    personal = models.BooleanField(_("含个人证件信息"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")


class Notification(models.Model):
    """One message in a user's in-app inbox; optionally mailed by a Celery task."""

    class Level(models.TextChoices):
        INFO = "info", _("通知")
        REMINDER = "reminder", _("提醒")
        OVERDUE = "overdue", _("逾期")
        ESCALATION = "escalation", _("升级")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    level = models.CharField(_("类别"), max_length=20, choices=Level.choices, default=Level.INFO)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # Makes a job's notification idempotent: one row per (recipient, dedupe_key).
    dedupe_key = models.CharField(_("去重键"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_unique_dedupe",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title


class SMSMessage(models.Model):
    """Every SMS the gateway was asked to send; the default backend only records it here."""

    class Status(models.TextChoices):
        RECORDED = "recorded", _("已记录（未外发）")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("失败")

    phone = models.CharField(_("手机"), max_length=20)
    body = models.TextField(_("内容"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices)
    backend = models.CharField(_("发送通道"), max_length=100)
    error = models.TextField(_("错误"), blank=True)
    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    dedupe_key = models.CharField(_("去重键"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("短信")
        verbose_name_plural = _("短信")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["phone", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="sms_unique_dedupe",
            )
        ]

    def __str__(self):
        return f"{self.phone}: {self.body[:20]}"


class JobRun(models.Model):
    """One run of a scheduled job: when, how long, what it did, and the error if any."""

    class Status(models.TextChoices):
        RUNNING = "running", _("运行中")
        SUCCESS = "success", _("成功")
        FAILED = "failed", _("失败")
        # Another run of the same job held its lease: this run did nothing.
        SKIPPED = "skipped", _("跳过（另一运行进行中）")

    job_name = models.CharField(_("任务名"), max_length=100, db_index=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    counts = models.JSONField(_("计数"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("定时任务运行记录")
        verbose_name_plural = _("定时任务运行记录")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.job_name} @ {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        return (self.finished_at - self.started_at) if self.finished_at else None


def import_path(instance, filename):
    # Random names under the private media root; the original name is kept in the row.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"imports/{instance.project_id}/{uuid.uuid4().hex}.{ext}"


class ImportBatch(models.Model):
    """One owner-register import: the stored file, its checksum, the job's progress, the
    outcome and the row errors. The upload creates it (queued); a Celery task validates and
    applies it (salesite.imports.process_batch)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        VALIDATING = "validating", _("校验中")
        APPLYING = "applying", _("导入中")
        IMPORTED = "imported", _("已导入")
        REJECTED = "rejected", _("有错误，未导入")
        FAILED = "failed", _("处理失败，未导入")

    FINISHED = (Status.IMPORTED, Status.REJECTED, Status.FAILED)

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="import_batches",
    )
    file = models.FileField(_("文件"), upload_to=import_path, max_length=255, blank=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("大小(字节)"), default=0)
    sha256 = models.CharField(_("文件校验值"), max_length=64)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0)
    created_counts = models.JSONField(_("新增"), default=dict, blank=True)
    updated_counts = models.JSONField(_("更新"), default=dict, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    attempts = models.PositiveSmallIntegerField(_("处理次数"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始处理"), null=True, blank=True)
    finished_at = models.DateTimeField(_("处理完成"), null=True, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("业主清册导入")
        verbose_name_plural = _("业主清册导入")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.project} · {self.file_name}"

    def get_absolute_url(self):
        return reverse("salesite:import_batch", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def duration(self):
        return (
            (self.finished_at - self.started_at) if self.finished_at and self.started_at else None
        )

    @property
    def created_total(self) -> int:
        return sum(self.created_counts.values())

    @property
    def updated_total(self) -> int:
        return sum(self.updated_counts.values())

    def result_rows(self) -> list[tuple[str, int, int]]:
        """(what, created, updated) for the batch page."""
        labels = {
            "buildings": _("楼栋"),
            "units": _("房屋"),
            "customers": _("客户"),
            "purchases": _("购房记录"),
        }
        return [
            (label, self.created_counts.get(key, 0), self.updated_counts.get(key, 0))
            for key, label in labels.items()
        ]


class FormToken(models.Model):
    """The one-time token of a create form, claimed in the transaction that creates the record.

    The token is unique: a second submission of the same form (a double click, a resend after a
    timeout) cannot claim it again; it blocks until the first has committed and then answers
    with the first one's result (``result_url``). See ``salesite.middleware.OneTimeFormMiddleware``.
    Rows older than a day are deleted by the daily ``form_tokens_purge`` job."""

    token = models.CharField(_("表单令牌"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("用户")
    )
    result_url = models.CharField(_("提交结果"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("表单提交令牌")
        verbose_name_plural = _("表单提交令牌")

    def __str__(self):
        return self.token
