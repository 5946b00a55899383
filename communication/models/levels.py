"""Communication levels (R-COM-1, R-COM-4, R-COM-5): who meets whom, how often, what comes
out of it, and where an unsolved problem goes next. Defaults come from a data migration and
are edited in admin."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from communication.periods import Period
from salesite.models import MarketingPhase

# The seed's communication mechanism runs while the sales site is open to customers: from the
# public display through the opening to sell-out (not while preparing, nor after it closes).
DEFAULT_PHASES = [
    MarketingPhase.DISPLAYING.value,
    MarketingPhase.OPENED.value,
    MarketingPhase.SOLD_OUT.value,
]


def default_phases() -> list[str]:
    return list(DEFAULT_PHASES)


class LevelQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class CommunicationLevel(models.Model):
    class Kind(models.TextChoices):
        LIAISON = "liaison", _("与地产方沟通")
        INTERNAL = "internal", _("内部讲评/例会")
        REPORT = "report", _("服务周志/月志")

    class Output(models.TextChoices):
        LOG = "log", _("沟通日志")
        MINUTES = "minutes", _("会议纪要")
        REPORT = "report", _("周志/月志")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    property_role = models.ForeignKey(
        "salesite.Role",
        verbose_name=_("物业方负责角色"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("负责组织和记录；提醒和逾期通知发给本项目该角色的人员。"),
    )
    developer_role = models.ForeignKey(
        "salesite.Role",
        verbose_name=_("地产方对接角色"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorder_roles = models.ManyToManyField(
        "salesite.Role",
        verbose_name=_("可填写的角色"),
        blank=True,
        related_name="+",
        help_text=_("本项目中担任这些角色的人员可以新建和修改本层级的记录。"),
    )
    period = models.CharField(_("周期"), max_length=10, choices=Period.choices)
    min_count = models.PositiveSmallIntegerField(_("每周期至少次数"), default=1)
    output = models.CharField(_("输出"), max_length=20, choices=Output.choices)
    rank = models.PositiveSmallIntegerField(
        _("级别"),
        default=10,
        help_text=_("同一类别内数字越大级别越高；问题只能升级到级别更高的层级。"),
    )
    escalates_to = models.ForeignKey(
        "self",
        verbose_name=_("默认上报层级"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("留空则上报到同类别中的下一级。"),
    )
    has_next_plan = models.BooleanField(_("需填写下月计划"), default=False)
    reminder_time = models.TimeField(_("提醒时间"), default=datetime.time(17, 0))
    reminder_weekday = models.PositiveSmallIntegerField(_("周提醒日（1=周一…7=周日）"), default=5)
    reminder_monthday = models.PositiveSmallIntegerField(
        _("月/季提醒日（季度为最后一个月的该日）"), default=25
    )
    participants_note = models.CharField(_("参加人员"), max_length=200, blank=True)
    output_note = models.CharField(_("输出要求"), max_length=200, blank=True)
    phases = models.JSONField(
        _("适用营销阶段"),
        default=default_phases,
        help_text=_(
            "项目处于这些营销阶段时才要求本层级的记录、发送提醒和标记逾期；"
            "默认为对外展示、开盘和售罄。"
        ),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    objects = LevelQuerySet.as_manager()

    class Meta:
        verbose_name = _("沟通层级")
        verbose_name_plural = _("沟通层级")
        ordering = ["kind", "rank", "code"]

    def __str__(self):
        return str(self.name)

    def applies_to(self, project) -> bool:
        """Whether the level's records are required of ``project`` in its current phase."""
        return project.marketing_phase in (self.phases or ())

    @property
    def uses_minutes(self) -> bool:
        return self.output == self.Output.MINUTES

    @property
    def is_report(self) -> bool:
        return self.kind == self.Kind.REPORT

    @property
    def takes_problems(self) -> bool:
        return self.kind != self.Kind.REPORT
