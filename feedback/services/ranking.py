"""Writes of the contractor ranking (issue #16 item 4): the centre head's decision on a
ranked contractor (keep on probation / eliminate), the record of a new contractor, and the
notice of an elimination proposal to the centre heads and the company's managers."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.contractor_services import contractor_set_status
from salesite.exceptions import DomainError
from salesite.models import Company, Contractor, Notification, Project
from salesite.notifications import notify_many
from salesite.selectors import users_holding

from ..models.assessment import quarter_of
from ..models.ranking import ContractorIntroduction, RankingDecision, RankingDecisionKind
from ..models.repair_quality import RepairQualitySetting

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


# Who is told of an elimination proposal: the centre heads (物管中心/处负责人, who record the
# decision) of the company's projects the contractor serves, and the company's managers.
ELIMINATION_HEAD_ROLES = ("centre_head",)
ELIMINATION_MANAGER_ROLES = ("subsidiary_deputy", "subsidiary_gm")


def elimination_periods(today: datetime.date, window_days: int) -> list[tuple[int, int | None]]:
    """The periods whose ranking is final on ``today``: closed, and the first-time fix window
    of their last repairs over (``window_days`` after the end). The last such quarter; in the
    first quarter after a year's window is over, that year too."""
    year, quarter = quarter_of(today - datetime.timedelta(days=window_days))
    periods: list[tuple[int, int | None]] = [(year, quarter - 1) if quarter > 1 else (year - 1, 4)]
    if quarter == 1:
        periods.append((year - 1, None))
    return periods


def _period_label(year: int, quarter: int | None) -> str:
    if quarter:
        return _("%(y)s年第%(q)s季度") % {"y": year, "q": quarter}
    return _("%(y)s年度") % {"y": year}


def _elimination_recipients(company, contractor) -> list:
    company_projects = set(
        Project.objects.filter(property_company=company).values_list("pk", flat=True)
    )
    served = set(contractor.projects.values_list("pk", flat=True)) & company_projects
    heads = users_holding(ELIMINATION_HEAD_ROLES, served or company_projects)
    return [*heads, *users_holding(ELIMINATION_MANAGER_ROLES, company_projects)]


@transaction.atomic
def elimination_proposals_notify(*, today: datetime.date | None = None, now=None) -> dict:
    """Tell the centre heads and the company's managers of each company-wide ranking's
    proposal for elimination (末位淘汰), once per contractor and period (the notification's
    dedupe key; the emails go through the outbox after commit). A proposal already decided
    on (a ``RankingDecision`` of that contractor and period) is not told again."""
    from ..selectors.ranking import contractor_forced_ranking

    now = now or timezone.now()
    today = today or timezone.localdate(now)
    periods = elimination_periods(today, RepairQualitySetting.window_days())
    counts = {"proposals": 0, "notified": 0}
    companies = Company.objects.filter(contractors__isnull=False).distinct().order_by("pk")
    for company in companies:
        for year, quarter in periods:
            result = contractor_forced_ranking(company, year=year, quarter=quarter, now=now)
            proposal = result["proposal"]
            if proposal is None:
                continue
            contractor = proposal["contractor"]
            if RankingDecision.objects.filter(
                company=company, contractor=contractor, year=year, quarter=quarter
            ).exists():
                continue
            counts["proposals"] += 1
            period = _period_label(year, quarter)
            ranked = sum(1 for row in result["rows"] if row["rank"] is not None)
            query = urlencode({"scope": f"c{company.pk}", "year": year, "quarter": quarter or 0})
            created = notify_many(
                recipients=_elimination_recipients(company, contractor),
                title=_("末位淘汰提议：%(c)s（%(p)s）") % {"c": contractor.name, "p": period},
                body=_(
                    "%(company)s %(p)s维修单位强制排序：“%(c)s”综合得分 %(total)s，"
                    "第 %(rank)s 名（共 %(n)s 名），提议末位淘汰。"
                    "请中心负责人在排名页面记录决定（保留考察期或淘汰）及理由。"
                )
                % {
                    "company": company.name,
                    "p": period,
                    "c": contractor.name,
                    "total": proposal["total"],
                    "rank": proposal["rank"],
                    "n": ranked,
                },
                url=f"{reverse('feedback:ranking')}?{query}",
                level=Notification.Level.REMINDER,
                dedupe_key=(
                    f"feedback:elimination:{company.pk}:{year}:{quarter or 0}:{contractor.pk}"
                ),
            )
            counts["notified"] += len(created)
    return counts
