"""Callback rules as rows (R-FB-6, issue #20): what starts a callback, how long after, by which
channel and role, with how many attempts. Admins edit them in Django admin; the generation job
reads them, so a new row creates its tasks on the next run."""

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.related_descriptors import (
    ForwardManyToOneDescriptor,
    ForwardOneToOneDescriptor,
)
from django.utils.translation import gettext_lazy as _


class RuleCode(models.TextChoices):
    """The codes of the rules the product ships with (rows of ``CallbackRule``); code that
    needs one particular rule (the case deadlines, the 6+2 steps) names it by its code."""

    SALES = "sales", _("销售服务回访（签约次月）")
    DELIVERY = "delivery", _("交付及集中整改回访（交房次月）")
    RESIDENCE_3M = "residence_3m", _("入住3个月回访（嘘寒问暖）")
    QUALITY_1Y = "quality_1y", _("入住1年质量回访（承担责任）")
    REPAIR = "repair", _("维修回访（关闭后24小时）")
    REPAIR_MAJOR = "repair_major", _("重点工程第二次回访（2个月内）")
    RECTIFICATION = "rectification", _("整改满意度回访（完成后1周）")
    COMPLAINT = "complaint", _("投诉处理回访（关闭后24小时）")
    PROPERTY_SERVICE = "property_service", _("物业服务回访（交房后6个月）")
    DESIGN = "design", _("设计回访（交房后9个月）")


class CallbackRule(models.Model):
    """One callback rule: its trigger, the offset after it, the channel, the role that makes
    the call and its retries. Tasks and questionnaires point at it by ``code``."""

    class Trigger(models.TextChoices):
        SIGNED_IN_MONTH = "signed_in_month", _("上月签约的客户（每月初）")
        HANDED_OVER_IN_MONTH = "handed_over_in_month", _("上月交房的客户（每月初）")
        AFTER_HANDOVER = "after_handover", _("交房后（按偏移）")
        ONE_YEAR_AFTER_HANDOVER = "one_year_after_handover", _("交房满一年（保修期内）")
        REPAIR_CLOSED = "repair_closed", _("维修关闭")
        MAJOR_REPAIR_CLOSED = "major_repair_closed", _("重点工程维修关闭")
        RECTIFICATION_DONE = "rectification_done", _("整改完成")
        COMPLAINT_CLOSED = "complaint_closed", _("投诉关闭")

    class Unit(models.TextChoices):
        HOURS = "hours", _("小时")
        DAYS = "days", _("天")
        WEEKS = "weeks", _("周")
        MONTHS = "months", _("月")

    class Channel(models.TextChoices):
        PHONE = "phone", _("电话访问")
        VISIT = "visit", _("面访")
        SMS_QUESTIONNAIRE = "sms_questionnaire", _("问卷（短信链接）")

    # Triggers that start from a case event (a time), the others from a date.
    CASE_TRIGGERS = frozenset(
        {
            Trigger.REPAIR_CLOSED,
            Trigger.MAJOR_REPAIR_CLOSED,
            Trigger.RECTIFICATION_DONE,
            Trigger.COMPLAINT_CLOSED,
        }
    )
    MONTHLY_TRIGGERS = frozenset({Trigger.SIGNED_IN_MONTH, Trigger.HANDED_OVER_IN_MONTH})

    code = models.SlugField(
        _("代码"),
        max_length=30,
        unique=True,
        help_text=_("回访任务以此代码关联规则；创建后请勿修改。"),
    )
    name = models.CharField(_("名称"), max_length=100)
    trigger = models.CharField(
        _("触发条件"),
        max_length=30,
        choices=Trigger.choices,
        help_text=_(
            "每月初类：上月签约/交房的客户，期限为当月1日加偏移；交房后：交房日加偏移；"
            "交房满一年：交房日加一年再加偏移；维修/投诉关闭、整改完成：该时刻加偏移。"
        ),
    )
    offset_value = models.PositiveIntegerField(
        _("偏移量"), default=0, help_text=_("触发后多久到期，例如 24（小时）、3（月）。")
    )
    offset_unit = models.CharField(
        _("偏移单位"),
        max_length=10,
        choices=Unit.choices,
        default=Unit.DAYS,
        help_text=_("按日期触发的规则（每月初、交房后）不能用小时。"),
    )
    channel = models.CharField(
        _("回访方式"),
        max_length=20,
        choices=Channel.choices,
        default=Channel.PHONE,
        help_text=_("电话访问、面访，或发送问卷链接短信由客户自行填写。"),
    )
    role = models.ForeignKey(
        "salesite.Role",
        verbose_name=_("回访角色"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="callback_rules",
        help_text=_(
            "客户大使：自动分配给负责该楼栋的客户大使；其他角色：不自动分配，由项目负责人指派。"
        ),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("最多回访次数"),
        default=3,
        help_text=_("未联系上时重试，达到此次数后任务结束。"),
    )
    is_active = models.BooleanField(
        _("启用"), default=True, help_text=_("停用后不再生成新的回访任务，已生成的不受影响。")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    help_text = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("回访规则")
        verbose_name_plural = _("回访规则")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    # A rule stands for its code: ``task.rule == "repair"`` and ``{RuleCode.X: …}.get(task.rule)``
    # keep working now that the rule is a row.
    def __eq__(self, other):
        if isinstance(other, str):
            return self.code == other
        return super().__eq__(other)

    def __hash__(self):
        return hash(self.code)

    def clean(self):
        super().clean()
        if self.offset_unit == self.Unit.HOURS and self.trigger not in self.CASE_TRIGGERS:
            raise ValidationError(
                {"offset_unit": _("按日期触发的规则不能以小时计，请用天、周或月。")}
            )
        if self.max_attempts < 1:
            raise ValidationError({"max_attempts": _("至少回访一次。")})

    @property
    def offset(self) -> relativedelta:
        """The offset as calendar arithmetic (months clamp to the month's end)."""
        return relativedelta(**{self.offset_unit: self.offset_value})

    @property
    def sends_sms_link(self) -> bool:
        """The customer answers the questionnaire through a link sent by SMS."""
        return self.channel == self.Channel.SMS_QUESTIONNAIRE

    @property
    def is_case_rule(self) -> bool:
        return self.trigger in self.CASE_TRIGGERS


def rule_due(code: str, at):
    """``at`` plus the offset of the active rule ``code``, or None when the rule is inactive or
    missing (its deadline is then not tracked)."""
    rule = CallbackRule.objects.filter(code=code, is_active=True).first()
    return at + rule.offset if rule else None


# --- the link from tasks and questionnaires to their rule -----------------------------------


class _AcceptsCode:
    """Assigning a rule's code (``CallbackTask(rule="repair")``) sets the key, as assigning
    the row does; the row is fetched when first read."""

    def __set__(self, instance, value):
        if isinstance(value, str):
            setattr(instance, self.field.attname, str(getattr(value, "value", value)))
            return
        super().__set__(instance, value)


class _RuleDescriptor(_AcceptsCode, ForwardManyToOneDescriptor):
    pass


class _RuleOneToOneDescriptor(_AcceptsCode, ForwardOneToOneDescriptor):
    pass


class RuleForeignKey(models.ForeignKey):
    """A foreign key to ``CallbackRule`` by its code that also accepts the code on assignment."""

    forward_related_accessor_class = _RuleDescriptor


class RuleOneToOneField(models.OneToOneField):
    forward_related_accessor_class = _RuleOneToOneDescriptor
