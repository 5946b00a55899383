"""The "6+2 service steps" (R-FB-9): a catalogue of standard actions and, per customer, the
date each was done; the +2 (四年之约) is recorded per project."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from salesite.models.workflow import ProjectOwned


class Step(models.TextChoices):
    HANDSHAKE = "handshake", _("温馨牵手")
    CONTRACT = "contract", _("喜结连理")
    CONTACT = "contact", _("亲密接触")
    MOVE_IN = "move_in", _("恭迎乔迁")
    CARE = "care", _("嘘寒问暖")
    RESPONSIBILITY = "responsibility", _("承担责任")
    ALONG = "along", _("+1 一路同行")
    FOUR_YEARS = "four_years", _("+2 四年之约")


class StepAnchor(models.TextChoices):
    """The customer's (or the project's) milestone an action falls due from."""

    NONE = "none", _("无固定期限（发生时记录）")
    REGISTRATION = "registration", _("客户登记（首次到访）")
    CONTRACT = "contract", _("签约")
    HANDOVER = "handover", _("交房")
    FIRST_DELIVERY = "first_delivery", _("项目首次交付")


class StepChannel(models.TextChoices):
    FACE = "face", _("面谈")
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    EMAIL = "email", _("邮件")
    WRITTEN = "written", _("书面")
    EVENT = "event", _("现场活动")
    SYSTEM = "system", _("系统")


class StepAction(models.Model):
    """One standard action of a step; ``code`` is what other apps pass to ``tick_step``.

    It falls due ``offset_months`` months and ``offset_days`` days after its ``anchor`` (a
    customer's registration, contract or handover, or the project's first delivery); the daily
    reminder tells the holders of ``responsible_role`` on the project."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    step = models.CharField(_("步骤"), max_length=20, choices=Step.choices)
    name = models.CharField(_("动作"), max_length=100)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    per_project = models.BooleanField(_("按项目记录"), default=False)
    anchor = models.CharField(
        _("起算节点"), max_length=20, choices=StepAnchor.choices, default=StepAnchor.NONE
    )
    offset_months = models.PositiveSmallIntegerField(_("起算后月数"), default=0)
    offset_days = models.PositiveSmallIntegerField(_("再加天数"), default=0)
    responsible_role = models.CharField(
        _("负责角色编码"),
        max_length=40,
        blank=True,
        help_text=_("到期提醒发给本项目持有该角色的人员，例如 customer_ambassador。"),
    )

    class Meta:
        verbose_name = _("6+2服务动作")
        verbose_name_plural = _("6+2服务动作")
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.get_step_display()} · {self.name}"


class CustomerStepRecord(ProjectOwned):
    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="step_records",
    )
    customer = models.ForeignKey(
        "salesite.Customer",
        verbose_name=_("客户"),
        on_delete=models.CASCADE,
        related_name="step_records",
    )
    action = models.ForeignKey(
        StepAction, verbose_name=_("动作"), on_delete=models.PROTECT, related_name="records"
    )
    done_on = models.DateField(_("完成日期"))
    channel = models.CharField(
        _("方式"), max_length=20, choices=StepChannel.choices, default=StepChannel.SYSTEM
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("系统自动记录时为空。"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=60, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("客户6+2服务记录")
        verbose_name_plural = _("客户6+2服务记录")
        ordering = ["done_on", "action__order"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "action"], name="steprecord_unique")
        ]

    def __str__(self):
        return f"{self.customer_id} {self.action_id} {self.done_on}"


class ProjectStepRecord(ProjectOwned):
    """A per-project action (+2 四年之约: facility renewal plan four years after delivery)."""

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="project_step_records",
    )
    action = models.ForeignKey(StepAction, verbose_name=_("动作"), on_delete=models.PROTECT)
    done_on = models.DateField(_("完成日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("项目6+2服务记录")
        verbose_name_plural = _("项目6+2服务记录")
        constraints = [
            models.UniqueConstraint(fields=["project", "action"], name="projectstep_unique")
        ]

    def __str__(self):
        return f"{self.project} {self.action}"
