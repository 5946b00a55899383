"""Forced ranking with elimination of the repair contractors (强制排序，末位淘汰; issue #16
item 4): the weights an admin sets, the centre head's decision on the bottom contractor
(keep on probation / eliminate, with a reason) and the record of a newly introduced
contractor (全年引进1-2支新的维修单位). The ranking itself is computed from the cases, the
callbacks and the register (``feedback.selectors.ranking``); nothing of it is stored."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from salesite.models.contractors import CompanyScopedQuerySet

# The parts of the total, in display order: (key, weight field).
RANKING_PARTS = (
    ("satisfaction", "w_satisfaction"),
    ("on_time", "w_on_time"),
    ("first_fix", "w_first_fix"),
    ("complaints", "w_complaints"),
    ("competition", "w_competition"),
    ("evaluation", "w_evaluation"),
)
DEFAULT_WEIGHTS = {
    "w_satisfaction": 30,
    "w_on_time": 20,
    "w_first_fix": 20,
    "w_complaints": 10,
    "w_competition": 10,
    "w_evaluation": 10,
}


def _weight(label, key):
    return models.PositiveSmallIntegerField(
        label, default=DEFAULT_WEIGHTS[key], validators=[MaxValueValidator(100)]
    )


class RankingWeights(models.Model):
    """The one row of ranking weights (admins edit it in admin; absent: the defaults). The six
    weights are percentages and must add up to 100."""

    w_satisfaction = _weight(_("回访施工单位满意度权重(%)"), "w_satisfaction")
    w_on_time = _weight(_("及时率权重(%)"), "w_on_time")
    w_first_fix = _weight(_("一次成功率权重(%)"), "w_first_fix")
    w_complaints = _weight(_("投诉权重(%)"), "w_complaints")
    w_competition = _weight(_("技术比武权重(%)"), "w_competition")
    w_evaluation = _weight(_("负责人评估权重(%)"), "w_evaluation")
    complaint_penalty = models.PositiveSmallIntegerField(
        _("每件投诉扣分"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("投诉得分 = 100 − 每件扣分 × 投诉件数，最低 0 分。"),
    )
    min_repairs = models.PositiveSmallIntegerField(
        _("末位淘汰最少维修单数"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("期间内关闭的维修少于此数的单位不提议淘汰。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("维修单位排名权重")
        verbose_name_plural = _("维修单位排名权重")

    def __str__(self):
        return str(_("维修单位排名权重"))

    def clean(self):
        total = sum(getattr(self, field) or 0 for _key, field in RANKING_PARTS)
        if total != 100:
            raise ValidationError(_("各项权重之和须为 100（当前为 %(n)s）。") % {"n": total})

    def save(self, *args, **kwargs):
        self.pk = 1  # a single row
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "RankingWeights":
        return cls.objects.filter(pk=1).first() or cls()

    def weights(self) -> dict[str, int]:
        return {key: getattr(self, field) for key, field in RANKING_PARTS}


class RankingDecisionKind(models.TextChoices):
    KEEP_ON_PROBATION = "keep_on_probation", _("保留（转考察期）")
    ELIMINATE = "eliminate", _("淘汰")


QUARTER_CHOICES = [(q, _("第%(q)s季度") % {"q": q}) for q in (1, 2, 3, 4)]


class RankingDecision(models.Model):
    """The centre head's decision on a contractor of a ranking (the bottom one is proposed
    for elimination): keep it on probation or eliminate it, with the reason. Recording it
    moves the contractor's status (with its status history)."""

    company = models.ForeignKey(
        "salesite.Company",
        verbose_name=_("物业公司"),
        on_delete=models.PROTECT,
        related_name="ranking_decisions",
    )
    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("排名项目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ranking_decisions",
        help_text=_("留空为全公司排名"),
    )
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("季度"), choices=QUARTER_CHOICES, null=True, blank=True, help_text=_("留空为全年")
    )
    contractor = models.ForeignKey(
        "salesite.Contractor",
        verbose_name=_("维修单位"),
        on_delete=models.PROTECT,
        related_name="ranking_decisions",
    )
    decision = models.CharField(_("决定"), max_length=20, choices=RankingDecisionKind.choices)
    reason = models.TextField(_("理由"))
    rank = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)
    total = models.DecimalField(
        _("综合得分"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), db_index=True)

    objects = CompanyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("末位淘汰决定")
        verbose_name_plural = _("末位淘汰决定")
        ordering = ["-decided_at", "-pk"]

    def __str__(self):
        return f"{self.contractor} · {self.period_label} · {self.get_decision_display()}"

    @property
    def period_label(self) -> str:
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)


class ContractorIntroduction(models.Model):
    """A new contractor taken on (引进新的维修单位), with what it replaces and why."""

    company = models.ForeignKey(
        "salesite.Company",
        verbose_name=_("物业公司"),
        on_delete=models.PROTECT,
        related_name="contractor_introductions",
    )
    contractor = models.ForeignKey(
        "salesite.Contractor",
        verbose_name=_("引进单位"),
        on_delete=models.PROTECT,
        related_name="introductions",
    )
    replaces = models.ForeignKey(
        "salesite.Contractor",
        verbose_name=_("替代单位"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by_introductions",
    )
    introduced_on = models.DateField(_("引进日期"))
    reason = models.TextField(_("引进理由"))
    introduced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = CompanyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("新维修单位引进记录")
        verbose_name_plural = _("新维修单位引进记录")
        ordering = ["-introduced_on", "-pk"]

    def __str__(self):
        return f"{self.introduced_on} {self.contractor}"
