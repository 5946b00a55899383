"""Reads of the owner portal, always through the owner: ``owned`` narrows any queryset to the
rows of the owner's own units (or own customer records), so a later page cannot reach another
owner's row — it is a 404 (``get_owned_or_404``). A tenant reaches only what is explicitly
shared with tenants (``tenants=True``), never the owner's data or fees.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from salesite.models import Customer, ProjectMembership, Purchase, Tenant, Unit


def _current_tenants(mobile: str):
    today = timezone.localdate()
    return Tenant.objects.filter(phone=mobile).filter(
        Q(lease_end__isnull=True) | Q(lease_end__gte=today)
    )


def has_persons(mobile: str) -> bool:
    """Does a customer or a current tenant have this mobile number? (one query)"""
    return Customer.objects.filter(phone=mobile).exists() or _current_tenants(mobile).exists()


@dataclass
class Owner:
    """The person behind an owner session: every customer and current tenant record with the
    mobile number, across projects, and the units they reach."""

    mobile: str
    customer_ids: list[int] = field(default_factory=list)
    tenant_ids: list[int] = field(default_factory=list)
    owned_unit_ids: set[int] = field(default_factory=set)  # active purchases
    tenant_unit_ids: set[int] = field(default_factory=set)  # current leases
    name: str = ""

    @property
    def unit_ids(self) -> set[int]:
        return self.owned_unit_ids | self.tenant_unit_ids


def load_owner(mobile: str) -> Owner | None:
    """The owner with this mobile, or None when nobody has it (three queries)."""
    customers = list(Customer.objects.filter(phone=mobile).values_list("pk", "name"))
    tenants = list(_current_tenants(mobile).values_list("pk", "unit_id", "name"))
    if not customers and not tenants:
        return None
    owned = set(
        Purchase.objects.filter(
            customer_id__in=[pk for pk, _name in customers], is_active=True
        ).values_list("unit_id", flat=True)
    )
    return Owner(
        mobile=mobile,
        customer_ids=[pk for pk, _name in customers],
        tenant_ids=[pk for pk, _unit, _name in tenants],
        owned_unit_ids=owned,
        tenant_unit_ids={unit for _pk, unit, _name in tenants} - owned,
        name=(customers[0][1] if customers else tenants[0][2]),
    )


def owned(
    owner: Owner,
    queryset=None,
    *,
    unit_field: str | None = "unit",
    customer_field: str | None = None,
    tenants: bool = False,
):
    """The rows of ``queryset`` (default: units) that belong to the owner: attached to one of
    their units through ``unit_field``, or to one of their customer records through
    ``customer_field``. ``tenants=True`` also lets a tenant reach the rows of the unit they
    rent (for records shared with tenants, e.g. the unit's repairs)."""
    if queryset is None:
        queryset, unit_field, customer_field = Unit.objects.all(), "pk", None
    unit_ids = owner.unit_ids if tenants else owner.owned_unit_ids
    condition = Q(pk__in=[])
    if unit_field:
        condition |= Q(**{f"{unit_field}__in": sorted(unit_ids)})
    if customer_field:
        condition |= Q(**{f"{customer_field}__in": owner.customer_ids})
    return queryset.filter(condition)


def get_owned_or_404(
    owner: Owner, queryset, *, unit_field="unit", customer_field=None, tenants=False, **lookup
):
    """One of the owner's rows; another owner's (or a missing) row is a 404."""
    try:
        return owned(
            owner, queryset, unit_field=unit_field, customer_field=customer_field, tenants=tenants
        ).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


# --- 我的房屋 ----------------------------------------------------------------------------------


@dataclass
class UnitCard:
    unit: Unit
    is_tenant: bool
    handover: object | None  # the unit's HandoverCase (owners only)
    ambassador: object | None  # the customer ambassador (User) following the building
    front_desk: list = field(default_factory=list)

    # The contacts' work phones, published to the owner as service lines (not personal data
    # of the owner; named *_service_phone like Project.service_phone).
    @property
    def ambassador_service_phone(self) -> str:
        return getattr(self.ambassador, "phone", "") or ""

    @property
    def centre_service_phone(self) -> str:
        return self.unit.project.service_centre.phone or ""

    @property
    def handover_state(self) -> str:
        """The unit's handover state as the owner reads it (a tenant is not shown it)."""
        from django.utils.translation import gettext as _

        if self.is_tenant:
            return ""
        if self.handover is not None:
            return self.handover.get_status_display()
        building = self.unit.building
        delivery = building.actual_delivery_date or building.planned_delivery_date
        if isinstance(delivery, datetime.date):
            return _("待交付（计划 %(date)s）") % {"date": delivery.isoformat()}
        return _("待交付")


def unit_cards(owner: Owner, *, unit_id: int | None = None) -> list[UnitCard]:
    """The owner's units with project, building, handover state and service contacts, in a
    fixed number of queries whatever the number of units."""
    from feedback.models import AmbassadorAssignment

    units = owned(owner, tenants=True).select_related(
        "building", "project", "project__service_centre", "handover"
    )
    if unit_id is not None:
        units = units.filter(pk=unit_id)
    units = list(units.order_by("project__name", "building__name", "number"))
    project_ids = {u.project_id for u in units}
    by_building, by_project = {}, {}
    for a in (
        AmbassadorAssignment.objects.filter(project_id__in=project_ids, is_active=True)
        .select_related("user")
        .order_by("pk")
    ):
        if a.building_id:
            by_building.setdefault(a.building_id, a.user)
        else:
            by_project.setdefault(a.project_id, a.user)
    desks: dict[int, list] = {}
    for m in (
        ProjectMembership.objects.filter(
            project_id__in=project_ids, role__code="front_desk", is_active=True
        )
        .select_related("user", "contact")
        .order_by("pk")
    ):
        desks.setdefault(m.project_id, []).append(m.person)
    cards = []
    for unit in units:
        is_tenant = unit.pk not in owner.owned_unit_ids
        handover = None
        if not is_tenant:
            handover = getattr(unit, "handover", None)
        cards.append(
            UnitCard(
                unit=unit,
                is_tenant=is_tenant,
                handover=handover,
                ambassador=by_building.get(unit.building_id) or by_project.get(unit.project_id),
                front_desk=desks.get(unit.project_id, []),
            )
        )
    return cards
