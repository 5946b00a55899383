"""Writes of the contractor register (issue #16 items 1–3): register and edit a contractor,
its status, documents, pre-job trainings, quarterly lead evaluations, the skill competitions
with their published notice, and the daily licence-expiry reminder."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.exceptions import DomainError
from salesite.models import (
    CompetitionScore,
    Contractor,
    ContractorDocument,
    ContractorTraining,
    LeadEvaluation,
    Notification,
    SkillCompetition,
)
from salesite.notifications import notify_each_once, notify_many
from salesite.workflow import transition

# Who is told of an expiring licence and of a published competition notice.
EXPIRY_RECIPIENT_ROLES = ("engineering", "centre_head")
NOTICE_RECIPIENT_ROLES = ("engineering", "centre_head", "repair_team", "cs_lead")
REMIND_DAYS_AHEAD = 30

CONTRACTOR_FIELDS = (
    "name",
    "credit_code",
    "trade",
    "contact_name",
    "contact_phone",
    "tech_lead_name",
    "tech_lead_phone",
    "contract_start",
    "contract_end",
    "penalty_terms",
    "note",
)


def _validate(obj) -> None:
    """The model's own checks, refused as a domain error (shown on the form, not a 500)."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages)) from exc


def _check_projects(company, projects) -> None:
    if not projects:
        raise DomainError(_("请至少选择一个服务项目。"))
    others = [p.name for p in projects if p.property_company_id != company.pk]
    if others:
        raise DomainError(
            _("项目“%(p)s”不属于该物业公司。") % {"p": "、".join(others)},
        )


@transaction.atomic
def contractor_create(*, company, projects, user, **fields) -> Contractor:
    """Register a contractor; a new one starts on probation (考察期)."""
    _check_projects(company, projects)
    if Contractor.objects.filter(company=company, name=fields.get("name", "").strip()).exists():
        raise DomainError(_("该公司已登记同名维修单位。"))
    contractor = Contractor(company=company, **{k: fields[k] for k in CONTRACTOR_FIELDS})
    _validate(contractor)
    contractor.save()
    contractor.projects.set(projects)
    return contractor


@transaction.atomic
def contractor_update(*, contractor: Contractor, projects, user, **fields) -> Contractor:
    contractor = Contractor.objects.select_for_update().get(pk=contractor.pk)
    _check_projects(contractor.company, projects)
    for key in CONTRACTOR_FIELDS:
        setattr(contractor, key, fields[key])
    _validate(contractor)
    contractor.save()
    contractor.projects.set(projects)
    return contractor


@transaction.atomic
def contractor_set_status(*, contractor: Contractor, to: str, user, note: str = "") -> Contractor:
    """Active, on probation, eliminated (强制排序，末位淘汰): through the workflow engine."""
    contractor = Contractor.objects.select_for_update().get(pk=contractor.pk)
    if to == "eliminated" and not note.strip():
        raise DomainError(_("淘汰维修单位须说明原因。"))
    transition(contractor, to, by=user, note=note.strip())
    return contractor


def _check_project_of(contractor: Contractor, project) -> None:
    if not contractor.projects.filter(pk=project.pk).exists():
        raise DomainError(_("该维修单位不服务于所选项目。"))


@transaction.atomic
def document_save(*, contractor: Contractor, document: ContractorDocument | None = None, **fields):
    """Add or edit a licence/qualification; a new expiry date is reminded again."""
    _check_project_of(contractor, fields["project"])
    document = document or ContractorDocument(contractor=contractor)
    for key, value in fields.items():
        setattr(document, key, value)
    _validate(document)
    document.save()
    return document


@transaction.atomic
def training_create(*, contractor: Contractor, user, **fields) -> ContractorTraining:
    _check_project_of(contractor, fields["project"])
    training = ContractorTraining(contractor=contractor, recorded_by=user, **fields)
    if not any(
        (
            training.covers_service,
            training.covers_construction,
            training.covers_safety,
            training.covers_etiquette,
        )
    ):
        raise DomainError(_("请至少选择一项培训内容。"))
    _validate(training)
    training.save()
    return training


@transaction.atomic
def lead_evaluation_record(*, contractor: Contractor, user, **fields) -> LeadEvaluation:
    """Record a quarterly evaluation of the on-site technical lead; a failing lead is
    replaced (淘汰): the new lead is named here and becomes the contractor's lead."""
    contractor = Contractor.objects.select_for_update().get(pk=contractor.pk)
    _check_project_of(contractor, fields["project"])
    evaluation = LeadEvaluation(
        contractor=contractor, evaluated_by=user, lead_name=contractor.tech_lead_name, **fields
    )
    if not evaluation.passed:
        if not (evaluation.replaced_by_name.strip() and evaluation.replaced_by_phone.strip()):
            raise DomainError(_("评估不合格须淘汰该负责人：请填写更换后的负责人及电话。"))
    else:
        evaluation.replaced_by_name = evaluation.replaced_by_phone = ""
    if LeadEvaluation.objects.filter(
        contractor=contractor,
        project=evaluation.project,
        year=evaluation.year,
        quarter=evaluation.quarter,
    ).exists():
        raise DomainError(_("该单位本季度在该项目已评估。"))
    _validate(evaluation)
    evaluation.save()
    if not evaluation.passed:
        contractor.tech_lead_name = evaluation.replaced_by_name.strip()
        contractor.tech_lead_phone = evaluation.replaced_by_phone.strip()
        contractor.save(update_fields=["tech_lead_name", "tech_lead_phone"])
    return evaluation


@transaction.atomic
def competition_create(*, company, user, **fields) -> SkillCompetition:
    competition = SkillCompetition(company=company, **fields)
    _validate(competition)
    competition.save()
    return competition


@transaction.atomic
def competition_score_set(
    *, competition: SkillCompetition, contractor: Contractor, score, note: str = ""
) -> CompetitionScore:
    """Enter or correct a contractor's score (before the notice is published)."""
    competition = SkillCompetition.objects.select_for_update().get(pk=competition.pk)
    if competition.published_at:
        raise DomainError(_("成绩通知已下发，不能再修改成绩。"))
    if contractor.company_id != competition.company_id:
        raise DomainError(_("该维修单位不属于组织公司。"))
    row, _created = CompetitionScore.objects.update_or_create(
        competition=competition, contractor=contractor, defaults={"score": score, "note": note}
    )
    return row


@transaction.atomic
def competition_publish(*, competition: SkillCompetition, user, now=None) -> SkillCompetition:
    """Publish the results as a notice (以“通知”的方式下发): the notice text is fixed on the
    competition and sent to the inbox of the company's repair staff, once."""
    from salesite.contractor_selectors import competition_ranking
    from salesite.selectors import users_holding

    now = now or timezone.now()
    competition = SkillCompetition.objects.select_for_update().get(pk=competition.pk)
    if competition.published_at:
        raise DomainError(_("成绩通知已下发。"))
    ranking = competition_ranking(competition)
    if not ranking:
        raise DomainError(_("尚未录入成绩，不能下发通知。"))
    lines = [
        _("关于%(date)s“%(title)s”成绩的通知")
        % {"date": competition.held_on.strftime("%Y-%m-%d"), "title": competition.title},
        _("各维修单位：本次技术比武成绩如下，成绩将记入维修单位年度评估。"),
        *(
            _("第%(rank)s名 %(name)s %(score)s分")
            % {"rank": r.rank, "name": r.contractor.name, "score": r.score}
            for r in ranking
        ),
    ]
    competition.notice = "\n".join(lines)
    competition.published_at = now
    competition.published_by = user
    competition.save(update_fields=["notice", "published_at", "published_by"])
    project_ids = competition.company.served_projects.values_list("pk", flat=True)
    notify_many(
        recipients=users_holding(NOTICE_RECIPIENT_ROLES, project_ids),
        title=lines[0],
        body=competition.notice,
        url=competition.get_absolute_url(),
        level=Notification.Level.INFO,
        dedupe_key=f"salesite:competition:{competition.pk}:notice",
    )
    return competition


def contractor_documents_remind(*, today: datetime.date | None = None) -> dict:
    """Remind the project's engineering staff of every document of a contractor still on the
    register that expires within 30 days — once per document and expiry date (a renewed
    date is reminded again); a second run the same day sends nothing."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=REMIND_DAYS_AHEAD)
    due = (
        ContractorDocument.objects.filter(
            valid_until__gte=today,
            valid_until__lte=horizon,
            contractor__status__in=["active", "probation"],
        )
        .exclude(reminded_for__isnull=False, reminded_for=F("valid_until"))
        .select_related("contractor", "project")
        .order_by("valid_until", "pk")
    )
    return notify_each_once(
        due,
        roles=EXPIRY_RECIPIENT_ROLES,
        message=lambda d: {
            "title": _("证照即将到期：%(c)s · %(t)s") % {"c": d.contractor, "t": d.title},
            "body": _("有效期至 %(d)s（还有 %(n)s 天），请督促维修单位及时更新。")
            % {"d": d.valid_until.strftime("%Y-%m-%d"), "n": (d.valid_until - today).days},
            "url": d.get_absolute_url(),
        },
        key=lambda d: f"salesite:contractordoc:{d.pk}:expiry:{d.valid_until.isoformat()}",
        mark=lambda d: {"reminded_for": d.valid_until},
        level=Notification.Level.REMINDER,
    )
