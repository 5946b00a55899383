"""Warranty ledger and expiry notices (R-FB-7), club care: greetings and events (R-FB-8)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models.scoping import ProjectScopedQuerySet
from salesite.models.workflow import ProjectOwned


class WarrantyItem(ProjectOwned):
    """One line of the project's warranty ledger (工程保修期限台帐): a part or system, the unit
    responsible for it and its warranty period. Two months before the end the owners are
    notified and a collection window for their reports opens until the end date."""

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="warranty_items",
    )
    building = models.ForeignKey(
        "salesite.Building",
        verbose_name=_("楼栋（空为全项目）"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="warranty_items",
    )
    name = models.CharField(_("部位/系统"), max_length=100)
    responsible_unit = models.CharField(_("责任单位"), max_length=100)
    responsible_contact = models.CharField(_("责任单位联系人/电话"), max_length=100, blank=True)
    starts_on = models.DateField(_("保修开始"))
    ends_on = models.DateField(_("保修到期"), db_index=True)
    notice_sent_on = models.DateField(_("到期公示日期"), null=True, blank=True)
    collection_until = models.DateField(_("问题收集截止"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # The service policy values this item uses: the notice lead and the units' answer time.
    rule_values = models.JSONField(
        _("所用规则值"), default=dict, blank=True, help_text=_("登记时适用的服务规则取值")
    )

    class Meta:
        verbose_name = _("工程保修期限台帐")
        verbose_name_plural = _("工程保修期限台帐")
        ordering = ["ends_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="warranty_ends_after_start",
                violation_error_message=_("保修到期日不能早于开始日。"),
            )
        ]

    def __str__(self):
        return f"{self.name}（{self.ends_on}）"

    def get_absolute_url(self):
        return reverse("feedback:warranty_detail", args=[self.pk])


class WarrantyNotice(ProjectOwned):
    """One owner notified of one item's coming expiry; unique so a notice goes out once."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(
        WarrantyItem, verbose_name=_("保修项目"), on_delete=models.CASCADE, related_name="notices"
    )
    customer = models.ForeignKey(
        "salesite.Customer",
        verbose_name=_("业主"),
        on_delete=models.CASCADE,
        related_name="warranty_notices",
    )
    sent_on = models.DateField(_("通知日期"))
    by_email = models.BooleanField(_("已发邮件"), default=False)

    class Meta:
        verbose_name = _("保修到期通知")
        verbose_name_plural = _("保修到期通知")
        ordering = ["-sent_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "customer"], name="warrantynotice_unique")
        ]

    def __str__(self):
        return f"{self.item_id} → {self.customer_id}"


class WarrantyNoticeChannel(ProjectOwned):
    """A warranty-expiry notice staff gave by hand (R-FB-7) beside the automatic SMS and
    email: the posting on the notice board (公告栏张贴) or the phone calls to the owners
    (电话通知), with who did it and when. One row per item and channel: recording a channel
    twice is refused, except that a phone round that reached nobody is replaced by the next."""

    class Kind(models.TextChoices):
        NOTICE_BOARD = "notice_board", _("公告栏张贴")
        PHONE = "phone", _("电话通知")

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(
        WarrantyItem,
        verbose_name=_("保修项目"),
        on_delete=models.CASCADE,
        related_name="notice_channels",
    )
    channel = models.CharField(_("通知方式"), max_length=20, choices=Kind.choices)
    done_at = models.DateTimeField(_("完成时间"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("执行人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Only for a phone round: were the owners reached (null for the notice board).
    reached = models.BooleanField(_("已接通"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now=True)

    class Meta:
        verbose_name = _("保修到期通知记录（公告栏/电话）")
        verbose_name_plural = _("保修到期通知记录（公告栏/电话）")
        ordering = ["item", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "channel"],
                name="warrantynoticechannel_unique",
                violation_error_message=_("该保修项目已记录过此通知方式。"),
            )
        ]

    def __str__(self):
        return f"{self.item_id} {self.get_channel_display()}"

    @property
    def counts_as_done(self) -> bool:
        return self.channel != self.Kind.PHONE or bool(self.reached)


class WarrantyReport(ProjectOwned):
    """A problem an owner reported during the collection window, sent on to the responsible
    unit with a deadline for its answer."""

    class Status(models.TextChoices):
        COLLECTED = "collected", _("已收集")
        SENT = "sent", _("已转责任单位")
        RESOLVED = "resolved", _("已处理")

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(
        WarrantyItem, verbose_name=_("保修项目"), on_delete=models.CASCADE, related_name="reports"
    )
    customer = models.ForeignKey(
        "salesite.Customer",
        verbose_name=_("业主"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="warranty_reports",
    )
    unit = models.ForeignKey(
        "salesite.Unit",
        verbose_name=_("房号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.TextField(_("问题描述"))
    reported_on = models.DateField(_("反映日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.COLLECTED, db_index=True
    )
    sent_on = models.DateField(_("转交日期"), null=True, blank=True)
    response_due = models.DateField(_("责任单位答复期限"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("保修问题反映")
        verbose_name_plural = _("保修问题反映")
        ordering = ["item", "reported_on", "pk"]
        indexes = [models.Index(fields=["item", "status"])]

    def __str__(self):
        return f"{self.item_id}: {self.description[:30]}"


class Holiday(models.Model):
    """A holiday on which club members are greeted. A row without a year is greeted every
    year on its date (set in admin); the festivals of the official calendar are loaded per
    year (source=official, on the first day of the official holiday) by
    ``load_official_calendar``. A manual row of a festival wins over the official one."""

    class Source(models.TextChoices):
        OFFICIAL = "official", _("国务院放假安排（自动导入）")
        MANUAL = "manual", _("手工录入")

    name = models.CharField(_("节日"), max_length=50)
    month = models.PositiveSmallIntegerField(_("月"))
    day = models.PositiveSmallIntegerField(_("日"))
    greeting = models.CharField(_("祝福语"), max_length=200)
    is_active = models.BooleanField(_("启用"), default=True)
    year = models.PositiveSmallIntegerField(
        _("年份"), null=True, blank=True, help_text=_("空为每年")
    )
    source = models.CharField(
        _("来源"),
        max_length=10,
        choices=Source.choices,
        default=Source.MANUAL,
        help_text=_("手工录入的节日优先：导入官方日历时不会覆盖或删除。"),
    )

    class Meta:
        verbose_name = _("节日问候")
        verbose_name_plural = _("节日问候")
        ordering = ["month", "day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12, day__gte=1, day__lte=31),
                name="holiday_valid_date",
            )
        ]

    def __str__(self):
        if self.year:
            return f"{self.name} {self.year}/{self.month}/{self.day}"
        return f"{self.name} {self.month}/{self.day}"


class Greeting(ProjectOwned):
    """A birthday or holiday greeting sent to a club member; ``key`` ("birthday:2026",
    "holiday:3:2026") makes it once per customer per year and holiday."""

    class Kind(models.TextChoices):
        BIRTHDAY = "birthday", _("生日祝福")
        HOLIDAY = "holiday", _("节日问候")

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    customer = models.ForeignKey(
        "salesite.Customer",
        verbose_name=_("会员"),
        on_delete=models.CASCADE,
        related_name="greetings",
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("标识"), max_length=40)
    sent_on = models.DateField(_("发送日期"))

    class Meta:
        verbose_name = _("会员问候记录")
        verbose_name_plural = _("会员问候记录")
        ordering = ["-sent_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["customer", "key"], name="greeting_unique")]

    def __str__(self):
        return f"{self.customer_id} {self.key}"


class ClubEvent(ProjectOwned):
    """A customer club event (R-FB-8) with its attendees."""

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="club_events",
    )
    title = models.CharField(_("活动名称"), max_length=100)
    starts_at = models.DateTimeField(_("活动时间"), db_index=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    description = models.TextField(_("内容"), blank=True)
    capacity = models.PositiveIntegerField(_("名额"), null=True, blank=True)

    class Meta:
        verbose_name = _("客户俱乐部活动")
        verbose_name_plural = _("客户俱乐部活动")
        ordering = ["-starts_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("feedback:club_event_detail", args=[self.pk])


class ClubEventAttendee(models.Model):
    event = models.ForeignKey(
        ClubEvent, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="attendees"
    )
    customer = models.ForeignKey(
        "salesite.Customer",
        verbose_name=_("会员"),
        on_delete=models.CASCADE,
        related_name="club_events",
    )
    attended = models.BooleanField(_("已到场"), default=False)
    registered_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    objects = ProjectScopedQuerySet.as_manager()
    project_lookup = "event__project"

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        ordering = ["event", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "customer"], name="clubattendee_unique")
        ]

    def __str__(self):
        return f"{self.event_id} {self.customer_id}"
