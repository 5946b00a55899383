"""The repair card (维修“卡片”管理, issue #16 item 6), the repair team of a case and the
contractor a complaint is about (counted by the contractor ranking).

When a repair is dispatched the owner receives an SMS naming the repair unit (with its on-site
technical lead), the supervisor (维修监理) and the customer ambassador with their phones —
once per distinct (case, contractor, supervisor, ambassador): the outbox's dedupe key makes a
re-save send nothing, and a change of any of the three sends the card again. The outbox row
is part of the caller's transaction and is sent by a worker after commit."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.exceptions import DomainError
from salesite.notifications import send_sms

from ..models import OPEN_STATUSES, Case, CaseEvent, CaseKind, CaseStatus
from ..selectors import ambassador_for


def check_repair_team(case: Case, contractor, repair_supervisor) -> None:
    """A repair goes only to an active or probation contractor of the case's project, and to
    a supervisor who is a member of the project."""
    from salesite.models import Contractor

    dispatchable = Contractor.objects.dispatchable(case.project)
    if contractor is not None and not dispatchable.filter(pk=contractor.pk).exists():
        raise DomainError(_("只能派给本项目合作中或考察期的登记维修单位。"))
    if (
        repair_supervisor is not None
        and not repair_supervisor.memberships.filter(
            project_id=case.project_id, is_active=True
        ).exists()
    ):
        raise DomainError(_("维修监理须为本项目的工作人员。"))


def apply_repair_team(case: Case, contractor, repair_supervisor) -> list[str]:
    """Set the team on the (locked) case; returns the fields to save. The text fields keep
    the names, so reports over them go on working."""
    from salesite.contractor_selectors import contractor_has_training

    case.contractor = contractor
    case.repair_supervisor = repair_supervisor
    case.contractor_untrained = contractor is not None and not contractor_has_training(contractor)
    if contractor is not None:
        case.repair_contractor = contractor.name[:100]
    if repair_supervisor is not None:
        case.supervisor = str(repair_supervisor)[:50]
    return [
        "contractor",
        "repair_supervisor",
        "contractor_untrained",
        "repair_contractor",
        "supervisor",
    ]


def _person(name: str, phone: str) -> str:
    if not name:
        return _("待安排")
    return f"{name} {phone}".strip()


def repair_card_text(case: Case, ambassador) -> str:
    contractor = case.contractor
    if contractor is not None:
        unit = _("%(name)s（现场负责人 %(lead)s）") % {
            "name": contractor.name,
            "lead": _person(contractor.tech_lead_name, contractor.tech_lead_phone),
        }
    else:
        unit = case.repair_contractor or _("待安排")
    supervisor = case.repair_supervisor
    return _(
        "您的报修 %(n)s 已派单。维修单位：%(unit)s；维修监理：%(sup)s；客户大使：%(amb)s。"
        "如有问题请联系以上人员。"
    ) % {
        "n": case.number,
        "unit": unit,
        "sup": _person(str(supervisor), supervisor.phone)
        if supervisor
        else (case.supervisor or _("待安排")),
        "amb": _person(str(ambassador), ambassador.phone) if ambassador else _("待安排"),
    }


def repair_card_send(case: Case):
    """Send the card of a dispatched, open repair to the owner (once per team). Returns the
    outbox row, or None when nothing was sent (not due, no phone, already sent)."""
    if case.kind != CaseKind.REPAIR or case.dispatched_at is None:
        return None
    if case.status not in OPEN_STATUSES:
        return None
    phone = case.contact_phone or (case.customer.phone if case.customer_id else "")
    if not phone:
        return None
    ambassador = ambassador_for(
        project_id=case.project_id, building_id=case.building_id, area=case.area
    )
    key = f"feedback:case:{case.pk}:card:{case.contractor_id or 0}:{case.repair_supervisor_id or 0}:{ambassador.pk if ambassador else 0}"
    return send_sms(
        phone=phone, body=repair_card_text(case, ambassador), project=case.project, dedupe_key=key
    )


@transaction.atomic
def case_repair_team_change(
    *,
    case: Case,
    contractor,
    repair_supervisor=None,
    user=None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    """Change the contractor or the supervisor of a dispatched, open repair; the owner gets
    the card again when the team differs."""
    now = now or timezone.now()
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("project", "customer")
        .get(pk=case.pk)
    )
    if case.kind != CaseKind.REPAIR or case.dispatched_at is None:
        raise DomainError(_("只有已派单的报修可以变更维修单位。"))
    if case.status == CaseStatus.CLOSED:
        raise DomainError(_("已关闭的报修不能变更维修单位。"))
    check_repair_team(case, contractor, repair_supervisor)
    if contractor == case.contractor and repair_supervisor == case.repair_supervisor:
        return case
    case.save(update_fields=apply_repair_team(case, contractor, repair_supervisor))
    CaseEvent.objects.create(
        case=case,
        from_status=case.status,
        to_status=case.status,
        by=user,
        at=now,
        note=(
            _("变更维修单位/监理：%(c)s / %(s)s")
            % {"c": case.repair_contractor, "s": case.supervisor}
        )
        + (f" · {note.strip()}" if note.strip() else ""),
    )
    repair_card_send(case)
    return case


def repair_cards_refresh(*, project_id: int) -> int:
    """After a change of the project's ambassadors: the card again to every owner of an open,
    dispatched repair whose ambassador changed (the others' keys are already sent)."""
    cases = Case.objects.filter(
        project_id=project_id,
        kind=CaseKind.REPAIR,
        dispatched_at__isnull=False,
        status__in=OPEN_STATUSES,
    ).select_related("project", "customer", "contractor", "repair_supervisor")
    return sum(1 for case in cases if repair_card_send(case) is not None)


def check_complaint_contractor(project, contractor) -> None:
    """A complaint is attributed only to a contractor registered by the project's property
    company for the project, active or on probation."""
    from salesite.models import Contractor

    if contractor.company_id != project.property_company_id:
        raise DomainError(
            _("维修单位“%(c)s”不属于本项目的物业公司，不能作为被投诉单位。")
            % {"c": contractor.name}
        )
    if not Contractor.objects.dispatchable(project).filter(pk=contractor.pk).exists():
        raise DomainError(_("只能选择本项目合作中或考察期的登记维修单位。"))


@transaction.atomic
def case_complaint_contractor_set(
    *,
    case: Case,
    contractor,
    user=None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    """Attribute a complaint to a registered contractor (被投诉维修单位), or clear it; the
    ranking counts the complaint against that contractor. Only a contractor of the case's
    project and property company, active or on probation, is accepted (the one already set
    may be kept). The change is a case event and in the audit trail."""
    now = now or timezone.now()
    case = Case.objects.select_for_update(of=("self",)).select_related("project").get(pk=case.pk)
    if case.kind != CaseKind.COMPLAINT:
        raise DomainError(_("只有投诉事项可以指定被投诉维修单位。"))
    if contractor is not None and contractor.pk != case.contractor_id:
        check_complaint_contractor(case.project, contractor)
    if (contractor.pk if contractor else None) == case.contractor_id:
        return case
    before = case.contractor.name if case.contractor_id else _("无")
    case.contractor = contractor
    case.save(update_fields=["contractor"])
    CaseEvent.objects.create(
        case=case,
        from_status=case.status,
        to_status=case.status,
        by=user,
        at=now,
        note=(
            _("被投诉维修单位：%(before)s → %(after)s")
            % {"before": before, "after": contractor.name if contractor else _("无")}
        )
        + (f" · {note.strip()}" if note.strip() else ""),
    )
    return case
