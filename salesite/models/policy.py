"""Service policies (issue #20): the rule values that were constants in the code, as rows that
admins own. One row per property company (the company a project's ``property_company`` points
to); a row that also names a project overrides the company's row for that project. The
resolver is ``salesite.policy.policy_for``; the SPEC values are the defaults."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# The SPEC figures. A data migration carries its own copy (migrations freeze what they write).
DEFAULTS = {
    "dispatch_minutes": 10,
    "answer_hours": 24,
    "review_working_days": 1,
    "refund_wait_months": 3,
    "prepaid_months": 6,
    "warranty_notice_months": 2,
    "warranty_response_days": 15,
    "milestone_reminder_days": 7,
}
FIELDS = tuple(DEFAULTS)
POSITIVE = _("须为正整数（至少为 1）。")


def _rule(verbose_name, help_text, *, key, maximum):
    return models.PositiveSmallIntegerField(
        verbose_name,
        default=DEFAULTS[key],
        validators=[
            MinValueValidator(1, message=POSITIVE),
            MaxValueValidator(maximum, message=_("不能大于 %(limit_value)s。")),
        ],
        help_text=help_text,
    )


class ServicePolicy(models.Model):
    company = models.ForeignKey(
        "salesite.Company",
        verbose_name=_("物业公司"),
        on_delete=models.CASCADE,
        related_name="service_policies",
        limit_choices_to={"kind": "property_subsidiary"},
        help_text=_("规则适用于该物业下属公司服务的所有项目。"),
    )
    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目（可选）"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_policies",
        help_text=_("留空为公司规则；选择项目则该行规则整体取代公司规则，仅用于该项目。"),
    )
    dispatch_minutes = _rule(
        _("转派时限（分钟）"),
        _("需求/建议未当场处理、报修登记后须在此时限内转派（SPEC R-FB-2/R-FB-4，默认 10 分钟）。"),
        key="dispatch_minutes",
        maximum=24 * 60,
    )
    answer_hours = _rule(
        _("答复时限（小时）"),
        _(
            "需求/建议未当场处理的，须在此时限内答复客户，另有承诺时间的以承诺为准"
            "（SPEC R-FB-2，默认 24 小时即 1 天）。"
        ),
        key="answer_hours",
        maximum=24 * 30,
    )
    review_working_days = _rule(
        _("装修审核时限（工作日）"),
        _(
            "装修申请提交后须在此数量的工作日内审核完毕，按工作日历计算（SPEC R-REN-2，默认 1 个工作日）。"
        ),
        key="review_working_days",
        maximum=30,
    )
    refund_wait_months = _rule(
        _("押金退还等待期（月）"),
        _("竣工验收通过满此月数后方可申请退还装修押金（SPEC R-REN-8，默认 3 个月）。"),
        key="refund_wait_months",
        maximum=36,
    )
    prepaid_months = _rule(
        _("交房预收费用月数"),
        _("交房时自交房日起预收的物业费月数（SPEC R-HO-4 第 5 步，默认 6 个月）。"),
        key="prepaid_months",
        maximum=36,
    )
    warranty_notice_months = _rule(
        _("保修到期提前公示（月）"),
        _("保修项目到期前此月数通知业主并开始收集问题（SPEC R-FB-7，默认 2 个月）。"),
        key="warranty_notice_months",
        maximum=12,
    )
    warranty_response_days = _rule(
        _("保修问题答复期限（天）"),
        _("收集的保修问题转交责任单位后，责任单位须在此天数内答复（默认 15 天）。"),
        key="warranty_response_days",
        maximum=365,
    )
    milestone_reminder_days = _rule(
        _("交付前计划提前提醒（天）"),
        _("交付前计划的节点到期前此天数提醒负责角色（SPEC R-HO-1/R-JOB-2，默认 7 天）。"),
        key="milestone_reminder_days",
        maximum=90,
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("服务规则")
        verbose_name_plural = _("服务规则")
        ordering = ["company", "project"]
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=models.Q(project__isnull=True),
                name="servicepolicy_one_per_company",
                violation_error_message=_("该公司已有公司规则。"),
            ),
            models.UniqueConstraint(
                fields=["project"],
                name="servicepolicy_one_per_project",
                violation_error_message=_("该项目已有项目规则。"),
            ),
        ]

    def __str__(self):
        if self.project_id:
            return str(_("%(project)s 的服务规则")) % {"project": self.project}
        return str(_("%(company)s 的服务规则")) % {"company": self.company}

    @property
    def values(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in FIELDS}

    def clean(self):
        super().clean()
        if (
            self.project_id
            and self.company_id
            and self.project.property_company_id != self.company_id
        ):
            raise ValidationError(
                {
                    "project": _("项目不属于所选物业公司（项目的物业下属公司为 %(c)s）。")
                    % {"c": self.project.property_company}
                }
            )
