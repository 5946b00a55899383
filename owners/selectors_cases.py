"""Reads of the owner portal's 报事报修 pages: the cases an owner may see, always through the
owner (another owner's case is a 404), the timeline and the repair card of one case.

An owner sees the cases registered for their own customer records (submitted on the portal or
taken at the desk). A registered tenant sees the repairs of the unit they rent only when an
owner of the unit turned sharing on (``UnitSharing.share_repairs``), and only those of the
unit's current owners: never another kind of case, the owner's data or fees."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext as _

from feedback.models import Case, CaseEvent, CaseKind, CaseStatus
from salesite.models import Attachment, Purchase

from .models import UnitSharing
from .selectors import Owner, owned


def shared_unit_ids(owner: Owner) -> list[int]:
    """The rented units whose owner shares the repairs with the tenants (one query)."""
    if not owner.tenant_unit_ids:
        return []
    return sorted(
        UnitSharing.objects.filter(
            unit_id__in=sorted(owner.tenant_unit_ids), share_repairs=True
        ).values_list("unit_id", flat=True)
    )


def owner_cases(owner: Owner, *, shared: list[int] | None = None):
    """Every case the owner may open (newest first)."""
    shared = shared_unit_ids(owner) if shared is None else shared
    condition = Q(customer_id__in=owner.customer_ids)
    if shared:
        current_owner = Purchase.objects.filter(
            unit_id=OuterRef("unit_id"), customer_id=OuterRef("customer_id"), is_active=True
        )
        condition |= Q(unit_id__in=shared, kind=CaseKind.REPAIR) & Q(Exists(current_owner))
    return (
        Case.objects.filter(condition)
        .select_related("project", "building", "unit")
        .order_by("-received_at", "-pk")
    )


def get_case_or_404(owner: Owner, pk: int) -> Case:
    case = (
        owner_cases(owner)
        .select_related("assignee", "project__service_centre", "contractor", "repair_supervisor")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404  # another owner's case, a tenant's without sharing, or none
    return case


def is_tenant_view(owner: Owner, case: Case) -> bool:
    """The owner reads the case as a tenant (shared repairs): no owner actions or data."""
    return case.customer_id not in owner.customer_ids


def submit_units(owner: Owner):
    """The units an owner may submit a case for: their own (a tenant submits through the
    owner or the front desk)."""
    return owned(owner).select_related("project", "building").order_by("project__name", "number")


def unit_sharing(owner: Owner, unit_id: int) -> bool | None:
    """The unit's tenant-sharing switch for its owner; None for a tenant (no switch)."""
    if unit_id not in owner.owned_unit_ids:
        return None
    return UnitSharing.objects.filter(unit_id=unit_id, share_repairs=True).exists()


def case_photos(case: Case):
    """The case's images (the owner's uploads and staff's photos), never a personal scan."""
    from django.contrib.contenttypes.models import ContentType

    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(Case),
        object_id=case.pk,
        personal=False,
        mime_type__startswith="image/",
    ).order_by("uploaded_at", "pk")


def get_photo_or_404(case: Case, photo_pk: int) -> Attachment:
    photo = case_photos(case).filter(pk=photo_pk).first()
    if photo is None:
        raise Http404
    return photo


# --- timeline -----------------------------------------------------------------------------


@dataclass
class Step:
    label: str
    done_at: datetime.datetime | None = None
    due: datetime.datetime | None = None  # the promised time
    note: str = ""

    @property
    def done(self) -> bool:
        return self.done_at is not None


def timeline(case: Case) -> list[Step]:
    """Submitted, dispatched, on the way, repaired, replied, closed, with the promised times
    (one query for the time the work started)."""
    started = (
        CaseEvent.objects.filter(case=case, to_status=CaseStatus.IN_PROGRESS)
        .exclude(from_status=CaseStatus.IN_PROGRESS)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    is_repair = case.kind == CaseKind.REPAIR
    steps = [
        Step(_("已提交"), case.received_at),
        Step(
            _("已派单"),
            case.dispatched_at,
            due=case.dispatch_due,
            note=case.responsible_person if case.dispatched_at else "",
        ),
        Step(
            _("师傅上门中") if is_repair else _("处理中"),
            started,
            due=case.preferred_visit_at if is_repair else None,
        ),
    ]
    if is_repair:
        steps.append(Step(_("已修好"), case.rectification_done_at))
    steps += [
        Step(_("已答复"), case.replied_at, due=case.answer_due),
        Step(_("已关闭"), case.closed_at),
    ]
    return steps


# --- the repair card ----------------------------------------------------------------------


@dataclass
class RepairCard:
    contractor: str
    supervisor: str
    responsible: str
    handler: object | None  # the staff member the case was dispatched to
    ambassador: object | None
    # The registered contractor's on-site lead and the supervisor's phone (issue #16).
    contractor_lead: str = ""
    contractor_lead_service_phone: str = ""
    supervisor_service_phone: str = ""

    @property
    def handler_service_phone(self) -> str:
        return getattr(self.handler, "phone", "") or ""

    @property
    def ambassador_service_phone(self) -> str:
        return getattr(self.ambassador, "phone", "") or ""


def repair_card(case: Case) -> RepairCard:
    from feedback.selectors import ambassador_for

    contractor = case.contractor
    supervisor = case.repair_supervisor
    return RepairCard(
        contractor=contractor.name if contractor else case.repair_contractor,
        supervisor=str(supervisor) if supervisor else case.supervisor,
        responsible=case.responsible_person,
        handler=case.assignee,
        ambassador=ambassador_for(
            project_id=case.project_id, building_id=case.building_id, area=case.area
        ),
        contractor_lead=contractor.tech_lead_name if contractor else "",
        contractor_lead_service_phone=contractor.tech_lead_phone if contractor else "",
        supervisor_service_phone=(supervisor.phone or "") if supervisor else "",
    )
