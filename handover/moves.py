"""Writes for move-in (R-HO-6), fee settlement and item release (R-HO-7)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.exceptions import DomainError
from salesite.models import ProjectMembership, Purchase, Tenant, Unit

from .models import CarrierKind, ItemRelease, MoveIn, OccupantKind, ReleaseReason, UnitFeeStatus

MOVE_IN_DEPARTMENTS = ["security_lead", "security", "engineering", "cashier", "cs_lead"]


def release_limit() -> int:
    """More releases than this by one unit within 30 days are flagged."""
    return getattr(settings, "HANDOVER_RELEASE_FLAG_LIMIT", 3)


@transaction.atomic
def fee_status_record(*, unit: Unit, outstanding: Decimal, user, today=None, note=""):
    """The cashier records what the unit still owes (0 = all fees settled)."""
    if outstanding < 0:
        raise DomainError(_("欠费金额不能为负数。"))
    status, _created = UnitFeeStatus.objects.update_or_create(
        unit=unit,
        defaults={
            "project_id": unit.project_id,
            "outstanding": outstanding,
            "checked_on": today or timezone.localdate(),
            "recorded_by": user,
            "note": note,
        },
    )
    return status


def _owner(unit):
    purchase = (
        Purchase.objects.filter(unit=unit, is_active=True)
        .select_related("customer")
        .order_by("-signed_on", "-pk")
        .first()
    )
    return purchase.customer if purchase else None


@transaction.atomic
def movein_register(
    *,
    unit: Unit,
    user,
    occupant_kind: str,
    move_in_date: datetime.date,
    identity_checked: bool,
    tenant: Tenant | None = None,
    congratulated: bool = False,
    service_info_given: bool = False,
) -> MoveIn:
    """Register a move-in; a tenant needs the owner's commitment letter and the lease."""
    from salesite.notifications import notify_many

    if not identity_checked:
        raise DomainError(_("请先确认入住人身份。"))
    owner = _owner(unit)
    if occupant_kind == OccupantKind.TENANT:
        if tenant is None or tenant.unit_id != unit.pk:
            raise DomainError(_("请选择该房屋登记的租户。"))
        if not (tenant.owner_commitment_received and tenant.lease_received):
            raise DomainError(_("租户入住须提供业主承诺书和租赁合同。"))
    elif owner is None:
        raise DomainError(_("该房屋没有业主记录。"))
    move_in = MoveIn.objects.create(
        project_id=unit.project_id,
        unit=unit,
        occupant_kind=occupant_kind,
        customer=owner,
        tenant=tenant if occupant_kind == OccupantKind.TENANT else None,
        identity_checked=True,
        congratulated=congratulated,
        service_info_given=service_info_given,
        move_in_date=move_in_date,
        created_by=user,
        departments_notified_at=timezone.now(),
    )
    users = [
        m.user
        for m in ProjectMembership.objects.filter(
            project_id=unit.project_id,
            role__code__in=MOVE_IN_DEPARTMENTS,
            is_active=True,
            user__isnull=False,
        ).select_related("user")
    ]
    notify_many(
        recipients=users,
        title=_("入住知会单：%(unit)s 于 %(date)s 入住") % {"unit": unit, "date": move_in_date},
        body=_("入住人：%(kind)s。收银员请确认开始计费日期。")
        % {"kind": OccupantKind(occupant_kind).label},
        url=move_in.get_absolute_url(),
        project=unit.project,
        dedupe_key=f"handover:movein:{move_in.pk}",
    )
    return move_in


@transaction.atomic
def movein_set_billing_start(*, move_in: MoveIn, billing_start: datetime.date, user) -> MoveIn:
    """The cashier marks the start of billing (permission checked by the view)."""
    move_in = MoveIn.objects.select_for_update().get(pk=move_in.pk)
    move_in.billing_start = billing_start
    move_in.billing_marked_by = user
    move_in.save(update_fields=["billing_start", "billing_marked_by"])
    return move_in


@transaction.atomic
def release_create(
    *,
    unit: Unit,
    user,
    carrier_kind: str,
    carrier_name: str,
    items: list[dict],
    reason: str,
    carrier_phone: str = "",
    owner_reachable: bool | None = None,
    confirmed_at: datetime.datetime | None = None,
    confirmation_answer: str = "",
    owner_agreed: bool = False,
    now: datetime.datetime | None = None,
) -> ItemRelease:
    """Issue an item release slip, or refuse it (DomainError, nothing written)."""
    now = now or timezone.now()
    if not items:
        raise DomainError(_("请填写放行物品及数量。"))
    if reason == ReleaseReason.MOVING_OUT:
        status = UnitFeeStatus.objects.filter(unit=unit).first()
        if status is None or not status.settled:
            raise DomainError(_("搬家迁出须结清水、电、气及物业管理等全部费用，暂不放行。"))
    if carrier_kind != CarrierKind.OWNER:
        if not owner_reachable:
            raise DomainError(_("联系不上业主，暂不放行。"))
        if confirmed_at is None or not confirmation_answer.strip():
            raise DomainError(_("非业主本人携带物品，须电话向业主核实并记录时间和意见。"))
        if not owner_agreed:
            raise DomainError(_("业主不同意放行。"))
    # Lock the unit's row so two desks issuing at once count each other's slips.
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    recent = ItemRelease.objects.filter(
        unit=unit, released_at__gte=now - datetime.timedelta(days=30)
    ).count()
    return ItemRelease.objects.create(
        project_id=unit.project_id,
        unit=unit,
        carrier_kind=carrier_kind,
        carrier_name=carrier_name,
        carrier_phone=carrier_phone,
        items=items,
        reason=reason,
        owner_reachable=owner_reachable if carrier_kind != CarrierKind.OWNER else None,
        confirmed_at=confirmed_at if carrier_kind != CarrierKind.OWNER else None,
        confirmation_answer=confirmation_answer if carrier_kind != CarrierKind.OWNER else "",
        flagged=recent + 1 > release_limit(),
        released_at=now,
        handled_by=user,
    )
