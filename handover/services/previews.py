"""Writes for pre-delivery preview findings (R-HO-1 提前看房活动) and the before/after photos
of findings and mock-inspection defects (R-HO-2)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.attachments import attachment_add
from salesite.exceptions import DomainError, InvalidTransition
from salesite.workflow import transition

from ..models import (
    FindingStatus,
    MilestoneKind,
    PhotoRole,
    PhotoTag,
    PreviewFinding,
)
from ..models.previews import OPEN_STATUSES

EDITABLE_FIELDS = ("category", "location", "description", "responsible_unit", "deadline")


def photo_add(*, owner, uploaded, user, role: str = PhotoRole.BEFORE):
    """A photo of a finding or a defect, checked like every attachment, tagged with its role."""
    description = _("整改后照片") if role == PhotoRole.AFTER else _("问题照片")
    attachment = attachment_add(owner=owner, uploaded=uploaded, user=user, description=description)
    PhotoTag.objects.create(attachment=attachment, role=role)
    return attachment


def _owner_of(unit):
    """The customer of the unit's active purchase (the owner who came to the preview)."""
    purchase = unit.purchases.filter(is_active=True).select_related("customer").first()
    return purchase.customer if purchase else None


@transaction.atomic
def findings_add(
    *,
    batch,
    unit,
    user,
    items: list[dict],
    found_on: datetime.date | None = None,
    customer=None,
) -> list[PreviewFinding]:
    """Record the findings an owner made on one unit at the preview event, several at once;
    each item: category, location, description, responsible_unit, deadline, assignee
    (optional) and photos (optional, a list of uploads)."""
    found_on = found_on or timezone.localdate()
    if unit.project_id != batch.project_id or not batch.units.filter(pk=unit.pk).exists():
        raise DomainError(_("该房屋不在本交付批次中。"))
    if not items:
        raise DomainError(_("请至少填写一条问题。"))
    milestone = batch.milestones.filter(kind=MilestoneKind.PREVIEW_EVENT).first()
    customer = customer or _owner_of(unit)
    created = []
    for item in items:
        if item["deadline"] < found_on:
            raise DomainError(_("整改期限不能早于发现日期。"))
        assignee = item.get("assignee")
        finding = PreviewFinding.objects.create(
            project_id=batch.project_id,
            batch=batch,
            milestone=milestone,
            unit=unit,
            customer=customer,
            category=item["category"],
            location=item["location"],
            description=item["description"],
            responsible_unit=item["responsible_unit"],
            deadline=item["deadline"],
            assignee=assignee,
            found_on=found_on,
            created_by=user,
        )
        if assignee is not None:
            transition(finding, FindingStatus.IN_PROGRESS, by=user, note=_("登记时分派"))
        for photo in item.get("photos") or ():
            photo_add(owner=finding, uploaded=photo, user=user, role=PhotoRole.BEFORE)
        created.append(finding)
    return created


def _locked(finding) -> PreviewFinding:
    return PreviewFinding.objects.select_for_update().get(pk=finding.pk)


@transaction.atomic
def finding_update(*, finding, user, photos=(), **fields) -> PreviewFinding:
    """Correct a finding that is not closed; more problem photos may be added."""
    finding = _locked(finding)
    if finding.status == FindingStatus.CLOSED:
        raise InvalidTransition(_("已关闭的问题不能修改。"))
    if fields.get("deadline") and fields["deadline"] < finding.found_on:
        raise DomainError(_("整改期限不能早于发现日期。"))
    changed = []
    for name in EDITABLE_FIELDS:
        if name in fields and getattr(finding, name) != fields[name]:
            setattr(finding, name, fields[name])
            changed.append(name)
    if "deadline" in changed:
        finding.overdue_notified_for = None
        changed.append("overdue_notified_for")
    if changed:
        finding.save(update_fields=changed)
    for photo in photos or ():
        photo_add(owner=finding, uploaded=photo, user=user, role=PhotoRole.BEFORE)
    return finding


@transaction.atomic
def finding_assign(*, finding, user, assignee, deadline=None, note: str = "") -> PreviewFinding:
    """Give the finding to a member of staff (it goes from open to in progress); a finding
    already in progress may be handed over to another assignee or get a new deadline."""
    finding = _locked(finding)
    if finding.status not in OPEN_STATUSES:
        raise InvalidTransition(_("只有待处理或整改中的问题可以分派。"))
    if assignee is None:
        raise DomainError(_("请选择跟进人。"))
    finding.assignee = assignee
    fields = ["assignee"]
    if deadline is not None:
        if deadline < finding.found_on:
            raise DomainError(_("整改期限不能早于发现日期。"))
        if deadline != finding.deadline:
            finding.deadline, finding.overdue_notified_for = deadline, None
            fields += ["deadline", "overdue_notified_for"]
    if finding.status == FindingStatus.OPEN:
        transition(finding, FindingStatus.IN_PROGRESS, by=user, note=note, fields=fields)
    else:
        finding.save(update_fields=fields)
    return finding


@transaction.atomic
def finding_mark_fixed(
    *, finding, user, photos=(), note: str = "", today: datetime.date | None = None
) -> PreviewFinding:
    """The fix is done: at least one photo after the fix is required."""
    finding = _locked(finding)
    photos = list(photos or ())
    if not photos:
        raise DomainError(_("标记已整改须上传整改后照片。"))
    finding.fixed_on = today or timezone.localdate()
    transition(finding, FindingStatus.FIXED, by=user, note=note, fields=["fixed_on"])
    for photo in photos:
        photo_add(owner=finding, uploaded=photo, user=user, role=PhotoRole.AFTER)
    return finding


@transaction.atomic
def finding_close(
    *, finding, user, note: str, today: datetime.date | None = None
) -> PreviewFinding:
    """Verified on site (with the owner where possible) and closed, with a closure note."""
    finding = _locked(finding)
    if not note.strip():
        raise DomainError(_("请填写关闭说明。"))
    finding.closed_on = today or timezone.localdate()
    finding.closure_note = note.strip()[:300]
    transition(
        finding, FindingStatus.CLOSED, by=user, note=note, fields=["closed_on", "closure_note"]
    )
    return finding


@transaction.atomic
def finding_reopen(*, finding, user, note: str) -> PreviewFinding:
    """The verification failed: back to in progress, the fix date cleared."""
    finding = _locked(finding)
    if not note.strip():
        raise DomainError(_("请填写退回原因。"))
    finding.fixed_on = None
    transition(finding, FindingStatus.IN_PROGRESS, by=user, note=note, fields=["fixed_on"])
    return finding


def findings_notify_overdue(*, today: datetime.date | None = None) -> int:
    """Tell the assignee (and the project's customer-service lead) of each open finding past
    its deadline, once per deadline; returns the number of findings told."""
    from salesite.models import Notification
    from salesite.notifications import notify_each_once

    today = today or timezone.localdate()
    late = (
        PreviewFinding.objects.filter(status__in=OPEN_STATUSES, deadline__lt=today)
        .exclude(overdue_notified_for=F("deadline"))
        .select_related("project", "unit__building", "assignee")
        .order_by("pk")
    )
    return notify_each_once(
        late,
        roles=["cs_lead"],
        extra=lambda f: [f.assignee] if f.assignee_id and f.assignee.is_active else [],
        message=lambda f: {
            "title": _("提前看房问题逾期：%(unit)s %(location)s（期限 %(date)s）")
            % {
                "unit": f"{f.unit.building.name}-{f.unit.number}",
                "location": f.location,
                "date": f.deadline,
            },
            "body": f.description,
            "url": f.get_absolute_url(),
        },
        key=lambda f: f"handover:finding:{f.pk}:overdue:{f.deadline}",
        level=Notification.Level.OVERDUE,
        mark=lambda f: {"overdue_notified_for": f.deadline},
    )["due"]
