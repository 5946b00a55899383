"""Handover days (issue #15): appointment slots, the check-in queue, the venue screen's secret
link, the rehearsal and the emergency plan of a delivery batch."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesite.models.scoping import ProjectScopedQuerySet


class HandoverDay(models.Model):
    """One day on which a batch hands units over; check-in opens once it is started."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    batch = models.ForeignKey(
        "handover.DeliveryBatch",
        verbose_name=_("交付批次"),
        on_delete=models.CASCADE,
        related_name="handover_days",
    )
    date = models.DateField(_("交付日"), db_index=True)
    desks = models.PositiveSmallIntegerField(_("办理台数"), default=3)
    started_at = models.DateTimeField(_("开始办理时间"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("开始办理人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("交付日")
        verbose_name_plural = _("交付日")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "date"], name="handoverday_unique_date")
        ]

    def __str__(self):
        return f"{self.batch.name} · {self.date}"

    def get_absolute_url(self):
        return reverse("handover:day_detail", args=[self.pk])


class HandoverSlot(models.Model):
    """A time slot of a handover day with the number of units it takes."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.ForeignKey(
        HandoverDay, verbose_name=_("交付日"), on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("可预约户数"))

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("预约时段")
        verbose_name_plural = _("预约时段")
        ordering = ["day", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["day", "starts_at"], name="handoverslot_unique_start"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="handoverslot_ends_after"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="handoverslot_capacity"),
        ]

    def __str__(self):
        return f"{self.day.date} {self.label}"

    @property
    def label(self) -> str:
        return f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def get_absolute_url(self):
        return reverse("handover:day_detail", args=[self.day_id])


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CANCELLED = "cancelled", _("已取消")
    NO_SHOW = "no_show", _("未到场")
    ARRIVED = "arrived", _("已签到")


class BookingChannel(models.TextChoices):
    PORTAL = "portal", _("业主自助")
    PHONE = "phone", _("电话预约")


class SlotBooking(models.Model):
    """A unit's booking of a slot; moving it changes the slot of the same row. A unit has at
    most one live booking per batch."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    batch = models.ForeignKey(
        "handover.DeliveryBatch",
        verbose_name=_("交付批次"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    slot = models.ForeignKey(
        HandoverSlot, verbose_name=_("预约时段"), on_delete=models.PROTECT, related_name="bookings"
    )
    unit = models.ForeignKey(
        "salesite.Unit", verbose_name=_("房屋"), on_delete=models.CASCADE, related_name="+"
    )
    customer = models.ForeignKey(
        "salesite.Customer",
        verbose_name=_("业主"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    channel = models.CharField(_("预约方式"), max_length=10, choices=BookingChannel.choices)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=BookingStatus.choices,
        default=BookingStatus.BOOKED,
        db_index=True,
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("预约时间"), auto_now_add=True)
    reminded_at = models.DateTimeField(_("已提醒时间"), null=True, blank=True)
    no_show_at = models.DateTimeField(_("标记未到场时间"), null=True, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    # The statuses that hold a place of the slot.
    LIVE = (BookingStatus.BOOKED, BookingStatus.ARRIVED)

    class Meta:
        verbose_name = _("交房预约")
        verbose_name_plural = _("交房预约")
        ordering = ["slot", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "unit"],
                condition=Q(status__in=["booked", "arrived"]),
                name="slotbooking_one_live_per_unit",
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.slot}"

    def get_absolute_url(self):
        return reverse("handover:day_detail", args=[self.slot.day_id])


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("等候中")
    CALLED = "called", _("已叫号")
    SERVING = "serving", _("办理中")
    DONE = "done", _("已办结")


class QueueTicket(models.Model):
    """A queue number issued at check-in, with every timestamp of the visit."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.ForeignKey(
        HandoverDay, verbose_name=_("交付日"), on_delete=models.CASCADE, related_name="tickets"
    )
    number = models.PositiveIntegerField(_("排队号"))
    unit = models.ForeignKey(
        "salesite.Unit", verbose_name=_("房屋"), on_delete=models.CASCADE, related_name="+"
    )
    booking = models.ForeignKey(
        SlotBooking,
        verbose_name=_("预约"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    case = models.ForeignKey(
        "handover.HandoverCase",
        verbose_name=_("房屋交接"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=TicketStatus.choices,
        default=TicketStatus.WAITING,
        db_index=True,
    )
    self_check_in = models.BooleanField(_("业主扫码签到"), default=False)
    desk = models.PositiveSmallIntegerField(_("办理台"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("到场时间"))
    called_at = models.DateTimeField(_("叫号时间"), null=True, blank=True)
    steps_started_at = models.DateTimeField(_("开始办理时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("排队号")
        verbose_name_plural = _("排队号")
        ordering = ["day", "number"]
        constraints = [
            models.UniqueConstraint(fields=["day", "number"], name="queueticket_unique_number"),
            models.UniqueConstraint(fields=["day", "unit"], name="queueticket_unique_unit"),
        ]

    def __str__(self):
        return f"{self.day} · {self.number:03d}"

    def get_absolute_url(self):
        return reverse("handover:day_queue", args=[self.day_id])

    @property
    def label(self) -> str:
        return f"{self.number:03d}"


class Rehearsal(models.Model):
    """交付演练: a rehearsal of the batch's handover; its problems are fixed before the days."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    batch = models.ForeignKey(
        "handover.DeliveryBatch",
        verbose_name=_("交付批次"),
        on_delete=models.CASCADE,
        related_name="rehearsals",
    )
    held_on = models.DateField(_("演练日期"))
    participants = models.TextField(_("参加人员"))
    note = models.TextField(_("演练情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("交付演练")
        verbose_name_plural = _("交付演练")
        ordering = ["-held_on"]

    def __str__(self):
        return f"{self.batch.name} · {self.held_on}"

    def get_absolute_url(self):
        return reverse("handover:batch_day_plan", args=[self.batch_id])


class RehearsalProblem(models.Model):
    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    rehearsal = models.ForeignKey(
        Rehearsal, verbose_name=_("交付演练"), on_delete=models.CASCADE, related_name="problems"
    )
    description = models.CharField(_("发现的问题"), max_length=200)
    responsible = models.CharField(_("整改责任人"), max_length=60)
    due_date = models.DateField(_("整改期限"))
    fixed_on = models.DateField(_("整改完成日期"), null=True, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("演练发现问题")
        verbose_name_plural = _("演练发现问题")
        ordering = ["due_date", "pk"]

    def __str__(self):
        return self.description


class EmergencyPlan(models.Model):
    """The batch's emergency plan (应急预案) and its checklist."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    batch = models.OneToOneField(
        "handover.DeliveryBatch",
        verbose_name=_("交付批次"),
        on_delete=models.CASCADE,
        related_name="emergency_plan",
    )
    content = models.TextField(_("预案内容"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")

    def __str__(self):
        return f"{self.batch.name} · {_('应急预案')}"

    def get_absolute_url(self):
        return reverse("handover:batch_day_plan", args=[self.batch_id])


class EmergencyCheckItem(models.Model):
    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    plan = models.ForeignKey(
        EmergencyPlan, verbose_name=_("应急预案"), on_delete=models.CASCADE, related_name="items"
    )
    text = models.CharField(_("检查项"), max_length=200)
    checked = models.BooleanField(_("已落实"), default=False)
    checked_at = models.DateTimeField(_("落实时间"), null=True, blank=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("应急预案检查项")
        verbose_name_plural = _("应急预案检查项")
        ordering = ["plan", "pk"]

    def __str__(self):
        return self.text


class VenueSettings(models.Model):
    """The batch's venue: the secret link of the TV screen (rotated by staff: the old link is a
    404 at once), the queue's wait warning, and which of its attachments the screen shows."""

    project = models.ForeignKey(
        "salesite.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+"
    )
    batch = models.OneToOneField(
        "handover.DeliveryBatch",
        verbose_name=_("交付批次"),
        on_delete=models.CASCADE,
        related_name="venue",
    )
    screen_token = models.CharField(_("现场公示链接密钥"), max_length=64, unique=True)
    wait_warning_minutes = models.PositiveSmallIntegerField(_("等候时间预警(分钟)"), default=30)
    public_attachments = models.ManyToManyField(
        "salesite.Attachment", verbose_name=_("现场公示文件"), related_name="+", blank=True
    )
    rotated_at = models.DateTimeField(_("链接更新时间"), auto_now=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("交付现场设置")
        verbose_name_plural = _("交付现场设置")

    def __str__(self):
        return f"{self.batch.name} · {_('现场')}"
