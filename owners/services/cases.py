"""Writes of the owner portal's 报事报修 (issue 14): an owner's request, complaint or repair
becomes a feedback case (channel 业主端) through feedback's own ``case_create``, so every
deadline starts at submission; its photos pass the same checks as staff attachments. The
owner's answers (confirmation, rating) are feedback services too; here only the switch that
shares a unit's repairs with its tenants."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback import services as feedback_services
from feedback.models import Case, CaseKind, Channel, ComplaintCategory
from salesite.attachments import attachment_add, validate_upload
from salesite.exceptions import DomainError
from salesite.models import Purchase

from ..models import UnitSharing
from ..selectors import Owner

OWNER_KINDS = (CaseKind.REPAIR, CaseKind.REQUEST, CaseKind.COMPLAINT)
MAX_PHOTOS = 6


def validate_photo(uploaded) -> str:
    """The staff attachment checks (type by extension and content, size), images only."""
    mime = validate_upload(uploaded)
    if not mime.startswith("image/"):
        raise ValidationError(_("只能上传照片（JPG、PNG、GIF、WEBP）。"), code="file_type")
    return mime


def _subject(kind: str, location: str, content: str) -> str:
    first_line = content.strip().splitlines()[0] if content.strip() else ""
    text = f"{location}：{first_line}" if location else first_line
    return (text[:60] + "…") if len(text) > 60 else (text or CaseKind(kind).label)


@transaction.atomic
def owner_case_submit(
    *,
    owner: Owner,
    unit_id: int,
    kind: str,
    content: str,
    location: str = "",
    preferred_visit_at: datetime.datetime | None = None,
    photos=(),
    now: datetime.datetime | None = None,
) -> Case:
    """Submit a case for one of the owner's units; another's unit is a 404."""
    now = now or timezone.now()
    if kind not in OWNER_KINDS:
        raise DomainError(_("请选择报修、需求/建议或投诉。"))
    if not content.strip():
        raise DomainError(_("请描述您的问题。"))
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS})
    for photo in photos:
        validate_photo(photo)
    purchase = (
        Purchase.objects.filter(
            unit_id=unit_id,
            customer_id__in=owner.customer_ids,
            is_active=True,
            unit_id__in=sorted(owner.owned_unit_ids),
        )
        .select_related("customer", "unit__project", "unit__building")
        .order_by("pk")
        .first()
    )
    if purchase is None:
        raise Http404  # not one of the owner's units
    unit = purchase.unit
    case = feedback_services.case_create(
        project=unit.project,
        kind=kind,
        channel=Channel.OWNER,
        complaint_category=ComplaintCategory.OTHER if kind == CaseKind.COMPLAINT else "",
        subject=_subject(kind, location.strip(), content),
        content=content.strip(),
        customer=purchase.customer,
        contact_phone=owner.mobile,
        unit=unit,
        location=location,
        preferred_visit_at=preferred_visit_at,
        now=now,
    )
    for photo in photos:
        attachment_add(owner=case, uploaded=photo, user=None, description=_("业主上传"))
    return case


@transaction.atomic
def set_repair_sharing(*, owner: Owner, unit_id: int, share: bool) -> UnitSharing:
    """An owner turns sharing of the unit's repairs with its registered tenants on or off."""
    if unit_id not in owner.owned_unit_ids:
        raise Http404
    customer_id = (
        Purchase.objects.filter(unit_id=unit_id, customer_id__in=owner.customer_ids, is_active=True)
        .values_list("customer_id", flat=True)
        .first()
    )
    sharing, _created = UnitSharing.objects.select_for_update().get_or_create(unit_id=unit_id)
    sharing.share_repairs = share
    sharing.changed_by_id = customer_id
    sharing.changed_at = timezone.now()
    sharing.save(update_fields=["share_repairs", "changed_by", "changed_at"])
    return sharing
