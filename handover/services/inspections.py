"""Writes for mock inspections (R-HO-2)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.exceptions import DomainError, InvalidTransition

from ..models import (
    InspectionDefect,
    InspectionRound,
    MockInspection,
    PhotoRole,
    Verification,
)
from ..selectors import first_round_defects
from .previews import photo_add


@transaction.atomic
def inspection_start(*, batch, unit, round: int, user, inspected_on=None) -> MockInspection:
    if unit.project_id != batch.project_id or not batch.units.filter(pk=unit.pk).exists():
        raise DomainError(_("该房屋不在本交付批次中。"))
    if MockInspection.objects.filter(batch=batch, unit=unit, round=round).exists():
        raise DomainError(_("该房屋本轮模拟验收已登记。"))
    if round == InspectionRound.SECOND:
        first = MockInspection.objects.filter(
            batch=batch, unit=unit, round=InspectionRound.FIRST
        ).first()
        if first is None or first.completed_at is None:
            raise DomainError(_("须先完成该房屋的第一次模拟验收。"))
    return MockInspection.objects.create(
        project_id=batch.project_id,
        batch=batch,
        unit=unit,
        round=round,
        inspected_on=inspected_on or timezone.localdate(),
        inspector=user,
    )


@transaction.atomic
def defect_add(
    *,
    inspection: MockInspection,
    user,
    location: str,
    category: str,
    description: str,
    responsible_unit: str,
    deadline: datetime.date,
    photo=None,
) -> InspectionDefect:
    inspection = MockInspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.completed_at:
        raise InvalidTransition(_("该模拟验收已完成，不能再登记问题。"))
    if deadline < inspection.inspected_on:
        raise DomainError(_("整改期限不能早于验收日期。"))
    defect = InspectionDefect.objects.create(
        project_id=inspection.project_id,
        inspection=inspection,
        location=location,
        category=category,
        description=description,
        responsible_unit=responsible_unit,
        deadline=deadline,
    )
    if photo is not None:
        photo_add(owner=defect, uploaded=photo, user=user, role=PhotoRole.BEFORE)
    return defect


@transaction.atomic
def defect_verify(
    *,
    second: MockInspection,
    defect: InspectionDefect,
    result: str,
    user,
    note: str = "",
    after_photos=(),
) -> InspectionDefect:
    """The second inspection records, for one defect of the first, whether it was fixed, with
    photos of the fix (tagged "after")."""
    second = MockInspection.objects.get(pk=second.pk)
    if second.round != InspectionRound.SECOND:
        raise DomainError(_("只有第二次模拟验收可以复验问题。"))
    if second.completed_at:
        raise InvalidTransition(_("该模拟验收已完成。"))
    defect = InspectionDefect.objects.select_for_update().get(pk=defect.pk)
    if not first_round_defects(second).filter(pk=defect.pk).exists():
        raise DomainError(_("该问题不属于本房屋的第一次模拟验收。"))
    if result not in Verification.values:
        raise DomainError(_("复验结果无效。"))
    defect.verified_in = second
    defect.verification = result
    defect.verification_note = note
    defect.save(update_fields=["verified_in", "verification", "verification_note"])
    for photo in after_photos or ():
        photo_add(owner=defect, uploaded=photo, user=user, role=PhotoRole.AFTER)
    return defect


@transaction.atomic
def defect_photo_add(*, defect: InspectionDefect, uploaded, user, role: str) -> object:
    """Another photo of a defect (before or after the fix) while its inspections are open."""
    if role not in PhotoRole.values:
        raise DomainError(_("照片类型无效。"))
    return photo_add(owner=defect, uploaded=uploaded, user=user, role=role)


@transaction.atomic
def inspection_complete(*, inspection: MockInspection, user, now=None) -> MockInspection:
    inspection = MockInspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.completed_at:
        raise InvalidTransition(_("该模拟验收已完成。"))
    if inspection.round == InspectionRound.SECOND:
        pending = first_round_defects(inspection).filter(verification="").count()
        if pending:
            raise DomainError(
                _("第一次模拟验收还有 %(n)s 个问题未复验，不能完成。") % {"n": pending}
            )
    inspection.completed_at = now or timezone.now()
    inspection.save(update_fields=["completed_at"])
    return inspection
