"""Writes of the contractor ranking (issue #16 item 4): the centre head's decision on a
ranked contractor (keep on probation / eliminate) and the record of a new contractor."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.contractor_services import contractor_set_status
from salesite.exceptions import DomainError
from salesite.models import Contractor

from ..models.ranking import ContractorIntroduction, RankingDecision, RankingDecisionKind

STATUS_FOR = {
    RankingDecisionKind.KEEP_ON_PROBATION: "probation",
    RankingDecisionKind.ELIMINATE: "eliminated",
}


def _check_scope(company, project, contractor) -> None:
    if contractor.company_id != company.pk:
        raise DomainError(_("该维修单位不属于所选物业公司。"))
    if project is not None and not contractor.projects.filter(pk=project.pk).exists():
        raise DomainError(_("该维修单位不服务于所选项目。"))


@transaction.atomic
def ranking_decide(
    *, company, project, year, quarter, contractor, decision, reason, user, rank=None, total=None
) -> RankingDecision:
    """Record the decision and move the contractor's status through the register's status
    service (with its history): eliminate → eliminated, keep → probation (unchanged when it
    already is)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写决定理由。"))
    if decision not in STATUS_FOR:
        raise DomainError(_("请选择决定。"))
    contractor = Contractor.objects.select_for_update().get(pk=contractor.pk)
    _check_scope(company, project, contractor)
    period = f"{year}Q{quarter}" if quarter else str(year)
    row = RankingDecision.objects.create(
        company=company,
        project=project,
        year=year,
        quarter=quarter or None,
        contractor=contractor,
        decision=decision,
        reason=reason,
        rank=rank,
        total=total,
        decided_by=user,
        decided_at=timezone.now(),
    )
    target = STATUS_FOR[decision]
    if contractor.status != target:
        note = _("%(period)s 排名决定：%(reason)s") % {"period": period, "reason": reason}
        contractor_set_status(contractor=contractor, to=target, user=user, note=note)
    return row


@transaction.atomic
def contractor_introduce(
    *, company, contractor, introduced_on, reason, user, replaces=None
) -> ContractorIntroduction:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写引进理由。"))
    if contractor.company_id != company.pk:
        raise DomainError(_("该维修单位不属于所选物业公司。"))
    if replaces is not None and (replaces.company_id != company.pk or replaces == contractor):
        raise DomainError(_("替代单位须为本公司的其他维修单位。"))
    return ContractorIntroduction.objects.create(
        company=company,
        contractor=contractor,
        replaces=replaces,
        introduced_on=introduced_on,
        reason=reason,
        introduced_by=user,
    )
