"""Construction progress notices, design-change notices and site open days (R-HO-3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models.options import option_label
from salesite.models.scoping import ProjectScopedQuerySet


class ProgressMilestone(models.TextChoices):
    """The codes of the ten default progress milestones (SPEC R-HO-3); the list itself is
    data: ``ProgressMilestoneOption``, seeded with these."""

    SHOWROOM_OPEN = "showroom_open", _("样板示范区开放")
    TOPPED_OUT = "topped_out", _("主体结构封顶")
    EXTERIOR_DONE = "exterior_done", _("外装修工程竣工")
    INTERIOR_MEP_DONE = "interior_mep_done", _("内装修及机电安装工程竣工")
    MUNICIPAL_DONE = "municipal_done", _("市政配套竣工")
    LANDSCAPE_DONE = "landscape_done", _("外围园林竣工")
    COMPLETION_ACCEPTED = "completion_accepted", _("整体竣工验收通过")
    PROPERTY_TAKEOVER = "property_takeover", _("物业接管验收通过")
    UTILITIES_CONNECTED = "utilities_connected", _("各项市政管线接驳贯通")
    HANDOVER_SHOWROOM = "handover_showroom", _("收楼样板区开放")


class NoticeKind(models.TextChoices):
    PROGRESS = "progress", _("工程进展通报")
    DESIGN_CHANGE = "design_change", _("设计变更通报")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SENT = "sent", _("已发送")


class ProgressNotice(models.Model):
    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=NoticeKind.choices)
    # The code of a ProgressMilestoneOption row.
    milestone = models.CharField(_("工程节点"), max_length=30, blank=True)
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("内容"))
    by_sms = models.BooleanField(_("短信"), default=True)
    by_email = models.BooleanField(_("邮件"), default=True)
    in_newsletter = models.BooleanField(_("刊登于社区报"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT
    )
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发送人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient_count = models.PositiveIntegerField(_("接收人数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ProjectScopedQuerySet.as_manager()

    # A draft is sent once; a sent notice is final.
    TRANSITIONS = {NoticeStatus.DRAFT: {NoticeStatus.SENT}}

    class Meta:
        verbose_name = _("工程进展通报")
        verbose_name_plural = _("工程进展通报")
        ordering = ["-created_at"]
        permissions = [("send_progressnotice", _("可发送工程进展通报"))]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="progress") | ~models.Q(milestone=""),
                name="notice_progress_has_milestone",
            )
        ]
        indexes = [models.Index(fields=["project", "kind", "status"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("handover:notice_detail", args=[self.pk])

    def get_milestone_display(self) -> str:
        from .plans import ProgressMilestoneOption

        return option_label(self, "milestone", ProgressMilestoneOption)


class NoticeRecipient(models.Model):
    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    notice = models.ForeignKey(
        ProgressNotice, verbose_name=_("通报"), on_delete=models.CASCADE, related_name="recipients"
    )
    customer = models.ForeignKey(
        "salesite.Customer", verbose_name=_("业主"), on_delete=models.CASCADE, related_name="+"
    )
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    sms_sent = models.BooleanField(_("已发短信"), default=False)
    email_sent_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("通报接收人")
        verbose_name_plural = _("通报接收人")
        ordering = ["notice", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "customer"], name="noticerecipient_unique")
        ]

    def __str__(self):
        return f"{self.notice} → {self.customer_id}"


class SiteOpenDay(models.Model):
    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("主题"), max_length=100)
    held_on = models.DateField(_("开放日期"))
    description = models.TextField(_("安排"), blank=True)
    invited_at = models.DateTimeField(_("邀请发送时间"), null=True, blank=True)
    summary = models.TextField(_("意见汇总"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("工地开放日")
        verbose_name_plural = _("工地开放日")
        ordering = ["-held_on"]

    def __str__(self):
        return f"{self.title} {self.held_on}"

    def get_absolute_url(self):
        return reverse("handover:openday_detail", args=[self.pk])


class Rsvp(models.TextChoices):
    YES = "yes", _("参加")
    NO = "no", _("不参加")


RSVP_MAX_PEOPLE = 10


class OpenDayInvitation(models.Model):
    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    open_day = models.ForeignKey(
        SiteOpenDay,
        verbose_name=_("工地开放日"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    customer = models.ForeignKey(
        "salesite.Customer", verbose_name=_("业主"), on_delete=models.CASCADE, related_name="+"
    )
    attended = models.BooleanField(_("已到场"), default=False)
    opinion = models.TextField(_("意见"), blank=True)
    # The owner's reply on the owner portal (before the day); ``attended`` stays the staff's
    # record of who actually came.
    rsvp = models.CharField(_("业主回复"), max_length=3, choices=Rsvp.choices, blank=True)
    rsvp_people = models.PositiveSmallIntegerField(_("报名人数"), null=True, blank=True)
    rsvp_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("开放日邀请")
        verbose_name_plural = _("开放日邀请")
        ordering = ["open_day", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["open_day", "customer"], name="invitation_unique"),
            models.CheckConstraint(
                condition=(models.Q(rsvp="yes") & models.Q(rsvp_people__gte=1))
                | (~models.Q(rsvp="yes") & models.Q(rsvp_people__isnull=True)),
                name="invitation_rsvp_people",
            ),
        ]

    def __str__(self):
        return f"{self.open_day} · {self.customer_id}"

    def get_absolute_url(self):
        return reverse("handover:openday_detail", args=[self.open_day_id])
