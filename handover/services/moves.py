"""Writes for move-in (R-HO-6), fee settlement and item release (R-HO-7)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback import services as feedback_services
from salesite.exceptions import DomainError
from salesite.models import Customer, Purchase, Tenant, Unit
from salesite.models.projects import IdType, validate_cn_id_card
from salesite.selectors import users_holding

from ..models import (
    CarrierKind,
    ConfirmedWith,
    ItemRelease,
    MoveIn,
    MoveInTenantInfo,
    OccupantKind,
    ReleaseReason,
    UnitFeeStatus,
)

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
    notify_many(
        recipients=users_holding(MOVE_IN_DEPARTMENTS, [unit.project_id]),
        title=_("入住知会单：%(unit)s 于 %(date)s 入住") % {"unit": unit, "date": move_in_date},
        body=_("入住人：%(kind)s。收银员请确认开始计费日期。")
        % {"kind": OccupantKind(occupant_kind).label},
        url=move_in.get_absolute_url(),
        project=unit.project,
        dedupe_key=f"handover:movein:{move_in.pk}",
    )
    # 6+2 step 恭迎乔迁 (R-FB-9): the owner congratulated (flowers, card) and told the service
    # channels (hotline: where to complain).
    if congratulated:
        feedback_services.tick_step(
            customer=owner,
            action_code="congratulations",
            on=move_in_date,
            source="handover:movein",
            by=user,
            channel="face",
        )
    if service_info_given:
        feedback_services.tick_step(
            customer=owner,
            action_code="complaint_guidance",
            on=move_in_date,
            source="handover:movein",
            by=user,
            channel="face",
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


def _required(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message)
    return value


@transaction.atomic
def movein_tenant_info_record(
    *,
    move_in: MoveIn,
    user,
    name: str,
    phone: str,
    id_type: str,
    id_number: str,
    lease_start: datetime.date,
    lease_end: datetime.date,
    emergency_contact: str,
    emergency_phone: str,
    occupants: int,
    vehicle_plate: str = "",
    now: datetime.datetime | None = None,
) -> MoveInTenantInfo:
    """租户信息登记表: create or update the unit's Tenant and the move-in's tenant form."""
    move_in = MoveIn.objects.select_for_update().get(pk=move_in.pk)
    if move_in.occupant_kind != OccupantKind.TENANT:
        raise DomainError(_("业主入住无需填写租户信息登记表。"))
    name = _required(name, _("请填写租户姓名。"))
    phone = _required(phone, _("请填写租户手机。"))
    id_number = _required(id_number, _("请填写租户证件号码。")).upper()
    emergency_contact = _required(emergency_contact, _("请填写紧急联系人。"))
    emergency_phone = _required(emergency_phone, _("请填写紧急联系电话。"))
    if id_type == IdType.ID_CARD:
        try:
            validate_cn_id_card(id_number)
        except ValidationError as exc:
            raise DomainError(exc.messages[0]) from exc
    if lease_start is None or lease_end is None:
        raise DomainError(_("请填写租期起止日期。"))
    if lease_end < lease_start:
        raise DomainError(_("租期结束不能早于开始。"))
    if not occupants or occupants < 1:
        raise DomainError(_("居住人数至少为 1 人。"))
    if move_in.tenant_id:
        tenant = Tenant.objects.select_for_update().get(pk=move_in.tenant_id)
    else:
        tenant = Tenant(unit_id=move_in.unit_id)
    tenant.name = name
    tenant.phone = phone
    tenant.id_type = id_type
    tenant.id_number = id_number
    tenant.lease_start = lease_start
    tenant.lease_end = lease_end
    tenant.save()
    if move_in.tenant_id != tenant.pk:
        move_in.tenant = tenant
        move_in.save(update_fields=["tenant"])
    info, _created = MoveInTenantInfo.objects.update_or_create(
        move_in=move_in,
        defaults={
            "project_id": move_in.project_id,
            "tenant": tenant,
            "emergency_contact": emergency_contact,
            "emergency_phone": emergency_phone,
            "occupants": occupants,
            "vehicle_plate": (vehicle_plate or "").strip().upper(),
            "recorded_by": user,
            "recorded_at": now or timezone.now(),
        },
    )
    return info


@transaction.atomic
def movein_owner_file_update(
    *,
    move_in: MoveIn,
    user,
    phone: str,
    emergency_contact: str,
    emergency_phone: str,
    note: str = "",
    now: datetime.datetime | None = None,
) -> MoveIn:
    """入住更新档案: the owner's contact phone and emergency contact confirmed and saved."""
    move_in = MoveIn.objects.select_for_update().get(pk=move_in.pk)
    if move_in.customer_id is None:
        raise DomainError(_("该入住没有业主记录，无法更新业主档案。"))
    phone = _required(phone, _("请填写业主联系电话。"))
    emergency_contact = _required(emergency_contact, _("请填写紧急联系人。"))
    emergency_phone = _required(emergency_phone, _("业主档案须填写紧急联系手机。"))
    customer = Customer.objects.select_for_update().get(pk=move_in.customer_id)
    customer.phone = phone
    customer.emergency_contact = emergency_contact
    customer.emergency_phone = emergency_phone
    customer.save(update_fields=["phone", "emergency_contact", "emergency_phone", "updated_at"])
    move_in.owner_file_updated_at = now or timezone.now()
    move_in.owner_file_updated_by = user
    move_in.owner_file_note = note
    move_in.save(
        update_fields=["owner_file_updated_at", "owner_file_updated_by", "owner_file_note"]
    )
    return move_in


def needs_company_head(unit: Unit, carrier_kind: str) -> bool:
    """Company staff carrying items out of a unit registered to a company: ask the company head."""
    if carrier_kind != CarrierKind.COMPANY_STAFF:
        return False
    owner = _owner(unit)
    return owner is not None and owner.id_type == IdType.BUSINESS


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
    company_head_name: str = "",
    company_head_phone: str = "",
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
    confirmed_with = ""
    if carrier_kind != CarrierKind.OWNER and needs_company_head(unit, carrier_kind):
        confirmed_with = ConfirmedWith.COMPANY_HEAD
        if not owner_reachable:
            raise DomainError(_("联系不上该公司负责人，暂不放行。"))
        if not company_head_name.strip() or not company_head_phone.strip():
            raise DomainError(_("公司职员携带物品，须记录所核实的公司负责人姓名和电话。"))
        if confirmed_at is None or not confirmation_answer.strip():
            raise DomainError(_("公司职员携带物品，须电话向该公司负责人核实并记录时间和意见。"))
        if not owner_agreed:
            raise DomainError(_("公司负责人不同意放行。"))
    elif carrier_kind != CarrierKind.OWNER:
        confirmed_with = ConfirmedWith.OWNER
        company_head_name = company_head_phone = ""
        if not owner_reachable:
            raise DomainError(_("联系不上业主，暂不放行。"))
        if confirmed_at is None or not confirmation_answer.strip():
            raise DomainError(_("非业主本人携带物品，须电话向业主核实并记录时间和意见。"))
        if not owner_agreed:
            raise DomainError(_("业主不同意放行。"))
    else:
        company_head_name = company_head_phone = ""
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
        confirmed_with=confirmed_with,
        company_head_name=company_head_name.strip(),
        company_head_phone=company_head_phone.strip(),
        flagged=recent + 1 > release_limit(),
        released_at=now,
        handled_by=user,
    )
