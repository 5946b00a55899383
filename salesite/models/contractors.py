"""The register of repair contractors (维修单位/施工单位, issue #16 items 1–3).

A contractor belongs to a property company and works on some of its projects; its licence and
qualification documents carry an expiry date (reminded 30 days ahead), its staff's pre-job
training (岗前培训) is recorded with the signed acknowledgement as an attachment, its on-site
technical lead (现场技术管理负责人) is evaluated every quarter, and the company's skill
competitions (技术比武) score it. Repair cases (feedback) and renovation applications pick
their contractor from this register.

Documents, trainings and lead evaluations are filed under one of the contractor's projects
(the project's archive), so that their pages and attachments follow the project access rules.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .workflow import ProjectOwned, StatusHistory


class ContractorStatus(models.TextChoices):
    ACTIVE = "active", _("合作中")
    PROBATION = "probation", _("考察期")
    ELIMINATED = "eliminated", _("已淘汰")


# An eliminated contractor may be taken on again, on probation first.
CONTRACTOR_TRANSITIONS = {
    ContractorStatus.ACTIVE: {ContractorStatus.PROBATION, ContractorStatus.ELIMINATED},
    ContractorStatus.PROBATION: {ContractorStatus.ACTIVE, ContractorStatus.ELIMINATED},
    ContractorStatus.ELIMINATED: {ContractorStatus.PROBATION},
}
# Who a repair may be dispatched to.
DISPATCHABLE_STATUSES = [ContractorStatus.ACTIVE, ContractorStatus.PROBATION]


class ContractorQuerySet(models.QuerySet):
    """Visibility through the contractor's projects (HQ sees every contractor)."""

    def _on_projects(self, ids):
        if ids is None:
            return self
        links = Contractor.projects.through.objects.filter(
            contractor_id=OuterRef("pk"), project_id__in=ids
        )
        return self.filter(Exists(links))

    def visible_to(self, user):
        from salesite.access import visible_project_ids

        return self._on_projects(visible_project_ids(user))

    def permitted(self, user, perm: str):
        from salesite.access import permitted_project_ids

        return self.visible_to(user)._on_projects(permitted_project_ids(user, perm))

    def for_project(self, project):
        return self._on_projects([project.pk])

    def dispatchable(self, project):
        """The contractors a repair of ``project`` may be dispatched to."""
        return self.for_project(project).filter(status__in=DISPATCHABLE_STATUSES)


class Contractor(models.Model):
    TRANSITIONS = CONTRACTOR_TRANSITIONS
    WORKFLOW_HISTORY = "salesite.ContractorStatusChange"
    TRANSITION_ERROR = _("维修单位不能从“%(from)s”变更为“%(to)s”。")

    company = models.ForeignKey(
        "salesite.Company",
        verbose_name=_("所属物业公司"),
        on_delete=models.PROTECT,
        related_name="contractors",
    )
    projects = models.ManyToManyField(
        "salesite.Project", verbose_name=_("服务项目"), related_name="contractors"
    )
    name = models.CharField(_("单位名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=30, blank=True)
    trade = models.CharField(_("专业"), max_length=50, blank=True, help_text=_("如：水电、土建"))
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    tech_lead_name = models.CharField(_("现场技术管理负责人"), max_length=50)
    tech_lead_phone = models.CharField(_("负责人电话"), max_length=20)
    contract_start = models.DateField(_("合同开始"), null=True, blank=True)
    contract_end = models.DateField(_("合同结束"), null=True, blank=True)
    penalty_terms = models.TextField(_("惩罚制度细项"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=ContractorStatus.choices,
        default=ContractorStatus.PROBATION,
        db_index=True,
    )
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ContractorQuerySet.as_manager()

    class Meta:
        verbose_name = _("维修单位")
        verbose_name_plural = _("维修单位")
        ordering = ["company", "name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="contractor_unique_name"),
            models.CheckConstraint(
                condition=models.Q(contract_end__isnull=True)
                | models.Q(contract_start__isnull=True)
                | models.Q(contract_end__gte=models.F("contract_start")),
                name="contractor_contract_period",
                violation_error_message=_("合同结束日期不能早于开始日期。"),
            ),
        ]

    def __str__(self):
        return self.name

    # A contractor's lines are business numbers, shown to colleagues in full (not R-X-5 data).
    @property
    def contact_line(self) -> str:
        return f"{self.contact_name or '—'} {self.contact_phone}".strip()

    @property
    def tech_lead_line(self) -> str:
        return f"{self.tech_lead_name} {self.tech_lead_phone}".strip()

    def get_absolute_url(self):
        return reverse("salesite:contractor_detail", args=[self.pk])

    def clean(self):
        if self.contract_start and self.contract_end and self.contract_end < self.contract_start:
            raise ValidationError({"contract_end": _("合同结束日期不能早于开始日期。")})


class ContractorStatusChange(StatusHistory):
    contractor = models.ForeignKey(
        Contractor,
        verbose_name=_("维修单位"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(_("原状态"), max_length=20, choices=ContractorStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=ContractorStatus.choices)

    class Meta:
        verbose_name = _("维修单位状态记录")
        verbose_name_plural = _("维修单位状态记录")
        ordering = ["at", "pk"]


class DocumentKind(models.TextChoices):
    LICENCE = "licence", _("营业执照")
    QUALIFICATION = "qualification", _("资质证书")
    SAFETY = "safety", _("安全生产许可证")
    OTHER = "other", _("其他证照")


class ContractorDocument(ProjectOwned):
    """A licence or qualification with its expiry date; the scan is an attachment."""

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("归档项目"),
        on_delete=models.PROTECT,
        related_name="contractor_documents",
    )
    contractor = models.ForeignKey(
        Contractor, verbose_name=_("维修单位"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("证照类型"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("名称"), max_length=100)
    number = models.CharField(_("证号"), max_length=60, blank=True)
    valid_until = models.DateField(_("有效期至"), db_index=True)
    # The expiry date the 30-day reminder was sent for (a renewed date is reminded again).
    reminded_for = models.DateField(_("已提醒的到期日"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("维修单位证照")
        verbose_name_plural = _("维修单位证照")
        ordering = ["valid_until", "pk"]

    def __str__(self):
        return f"{self.contractor} · {self.title}"

    def get_absolute_url(self):
        return reverse("salesite:contractor_document", args=[self.pk])


class ContractorTraining(ProjectOwned):
    """Pre-job training (岗前培训) of a contractor's technical and management staff; the
    signed acknowledgement (受训确认书) is an attachment of the record."""

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="contractor_trainings",
    )
    contractor = models.ForeignKey(
        Contractor, verbose_name=_("维修单位"), on_delete=models.CASCADE, related_name="trainings"
    )
    held_on = models.DateField(_("培训日期"))
    trainer = models.CharField(_("培训人"), max_length=50, blank=True)
    trainees = models.TextField(_("受训人员（姓名/岗位）"))
    trainee_count = models.PositiveSmallIntegerField(
        _("受训人数"), validators=[MinValueValidator(1)]
    )
    covers_service = models.BooleanField(_("服务意识"), default=True)
    covers_construction = models.BooleanField(_("文明施工"), default=True)
    covers_safety = models.BooleanField(_("安全"), default=True)
    covers_etiquette = models.BooleanField(_("礼仪"), default=True)
    acknowledgement_signed = models.BooleanField(_("已签署受训确认书"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("岗前培训")
        verbose_name_plural = _("岗前培训")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.contractor} · {self.held_on}"

    def get_absolute_url(self):
        return reverse("salesite:contractor_training", args=[self.pk])

    @property
    def topics(self) -> list[str]:
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in (
                "covers_service",
                "covers_construction",
                "covers_safety",
                "covers_etiquette",
            )
            if getattr(self, name)
        ]


class LeadEvaluation(ProjectOwned):
    """The quarterly professional evaluation of the contractor's on-site technical lead; a
    failing lead is replaced (the new lead is recorded here and on the contractor)."""

    project = models.ForeignKey(
        "salesite.Project",
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="lead_evaluations",
    )
    contractor = models.ForeignKey(
        Contractor,
        verbose_name=_("维修单位"),
        on_delete=models.CASCADE,
        related_name="lead_evaluations",
    )
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("季度"), choices=[(q, _("第%(q)s季度") % {"q": q}) for q in (1, 2, 3, 4)]
    )
    lead_name = models.CharField(_("被评估负责人"), max_length=50)
    score = models.DecimalField(
        _("评估得分"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    passed = models.BooleanField(_("合格"))
    replaced_by_name = models.CharField(_("更换后负责人"), max_length=50, blank=True)
    replaced_by_phone = models.CharField(_("更换后负责人电话"), max_length=20, blank=True)
    note = models.TextField(_("评估意见"), blank=True)
    evaluated_on = models.DateField(_("评估日期"))
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评估人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("技术负责人季度评估")
        verbose_name_plural = _("技术负责人季度评估")
        ordering = ["-year", "-quarter", "contractor"]
        constraints = [
            models.UniqueConstraint(
                fields=["contractor", "project", "year", "quarter"],
                name="lead_evaluation_once_a_quarter",
                violation_error_message=_("该单位本季度在该项目已评估。"),
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100),
                name="lead_evaluation_score_0_100",
                violation_error_message=_("得分须在 0–100 之间。"),
            ),
        ]

    def __str__(self):
        return f"{self.contractor} {self.year}Q{self.quarter}"


class CompanyScopedQuerySet(models.QuerySet):
    """Rows of a property company: seen by whoever sees one of the company's projects."""

    def _of_companies(self, ids):
        if ids is None:
            return self
        from salesite.models import Project

        companies = Project.objects.filter(pk__in=ids).values("property_company_id")
        return self.filter(company_id__in=companies)

    def visible_to(self, user):
        from salesite.access import visible_project_ids

        return self._of_companies(visible_project_ids(user))

    def permitted(self, user, perm: str):
        from salesite.access import permitted_project_ids

        return self.visible_to(user)._of_companies(permitted_project_ids(user, perm))


class SkillCompetition(models.Model):
    """A skill competition (技术比武) of a company's contractors; published as a notice."""

    company = models.ForeignKey(
        "salesite.Company",
        verbose_name=_("组织公司"),
        on_delete=models.PROTECT,
        related_name="skill_competitions",
    )
    title = models.CharField(_("名称"), max_length=100)
    held_on = models.DateField(_("比武日期"), db_index=True)
    venue = models.CharField(_("地点"), max_length=100, blank=True)
    subjects = models.TextField(_("比武科目"), blank=True)
    notice = models.TextField(_("通知正文"), blank=True, editable=False)
    published_at = models.DateTimeField(_("通知下发时间"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("下发人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = CompanyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("技术比武")
        verbose_name_plural = _("技术比武")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on} {self.title}"

    def get_absolute_url(self):
        return reverse("salesite:competition_detail", args=[self.pk])


class CompetitionScore(models.Model):
    competition = models.ForeignKey(
        SkillCompetition,
        verbose_name=_("技术比武"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    contractor = models.ForeignKey(
        Contractor,
        verbose_name=_("维修单位"),
        on_delete=models.CASCADE,
        related_name="competition_scores",
    )
    score = models.DecimalField(
        _("成绩"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("比武成绩")
        verbose_name_plural = _("比武成绩")
        ordering = ["competition", "-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "contractor"],
                name="competition_score_once",
                violation_error_message=_("该单位已有本次比武成绩。"),
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100),
                name="competition_score_0_100",
                violation_error_message=_("成绩须在 0–100 之间。"),
            ),
        ]

    def __str__(self):
        return f"{self.competition} · {self.contractor}: {self.score}"


__all__ = [
    "DISPATCHABLE_STATUSES",
    "CompetitionScore",
    "Contractor",
    "ContractorDocument",
    "ContractorStatus",
    "ContractorStatusChange",
    "ContractorTraining",
    "DocumentKind",
    "LeadEvaluation",
    "SkillCompetition",
]
