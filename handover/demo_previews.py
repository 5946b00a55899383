"""Demo data of preview findings (R-HO-1) and defect photos (R-HO-2): on the demo batch of
滨江壹号 and 云栖花园, owners' findings from the preview event in every state (open, in
progress, one overdue, fixed with a photo of the fix, closed), with photos; and a photo "after
the fix" on each mock-inspection defect the second inspection found fixed.

Run by ``handover.demo.seed_demo``; idempotent (a batch that has findings, a defect that has an
"after" photo, is skipped).
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from salesite.demo import demo_png
from salesite.models import Project, Purchase

from .models import (
    DeliveryBatch,
    InspectionDefect,
    PhotoRole,
    PhotoTag,
    PreviewFinding,
    Verification,
)
from .services import previews

# (unit index, category, location, description, responsible unit, days to fix, final state)
FINDINGS = [
    (0, "finish", "客厅", "客厅墙面有一条细裂缝", "装修单位", 10, "open"),
    (0, "construction", "主卧", "主卧窗户密封条脱落", "总包单位", 7, "in_progress"),
    (1, "finish", "入户门", "入户门面板有划痕", "门窗供应商", 7, "fixed"),
    (1, "design", "阳台", "阳台排水坡度不足，有积水", "设计院", 12, "closed"),
    (2, "common_area", "单元大堂", "单元大堂地砖空鼓", "总包单位", 1, "in_progress"),
    (3, "landscape", "楼前绿化", "楼前绿化带积水", "园林单位", 14, "open"),
]
COLOURS = [(178, 120, 96), (110, 130, 160), (150, 150, 120), (120, 160, 130)]


def _photo(name: str, rgb) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_png(rgb), content_type="image/png")


def seed_demo(today: datetime.date, batch_name: str, users) -> None:
    for code, days_ago in (("binjiang", 3), ("yunqi", 14)):
        project = Project.objects.filter(code=code).first()
        batch = project and DeliveryBatch.objects.filter(project=project, name=batch_name).first()
        if batch is None:
            continue
        _desk, _cashier, lead, engineer = users(code)
        with transaction.atomic():
            if not PreviewFinding.objects.filter(batch=batch).exists():
                _findings(batch, today, today - datetime.timedelta(days=days_ago), lead, engineer)
            _after_photos(batch, engineer)


def _findings(batch, today, found_on, lead, engineer):
    purchases = list(
        Purchase.objects.filter(unit__in=batch.units.all(), is_active=True)
        .select_related("unit", "customer")
        .order_by("unit__building__name", "unit__number")
    )
    if not purchases:
        return
    for i, (unit_i, category, location, description, party, days, state) in enumerate(FINDINGS):
        purchase = purchases[unit_i % len(purchases)]
        (finding,) = previews.findings_add(
            batch=batch,
            unit=purchase.unit,
            user=lead,
            found_on=found_on,
            customer=purchase.customer,
            items=[
                {
                    "category": category,
                    "location": location,
                    "description": description,
                    "responsible_unit": party,
                    "deadline": found_on + datetime.timedelta(days=days),
                    "photos": [_photo(f"看房问题-{location}.png", COLOURS[i % len(COLOURS)])],
                }
            ],
        )
        if state == "open" or engineer is None:
            continue
        previews.finding_assign(finding=finding, user=lead, assignee=engineer)
        if state == "in_progress":
            continue
        previews.finding_mark_fixed(
            finding=finding,
            user=engineer,
            photos=[_photo(f"整改后-{location}.png", (120, 170, 120))],
            note="已按要求整改。",
            today=min(today, found_on + datetime.timedelta(days=days)),
        )
        if state == "closed":
            previews.finding_close(
                finding=finding, user=lead, note="业主现场确认整改合格。", today=today
            )


def _after_photos(batch, engineer):
    """A photo of the fix on each defect of the batch the second inspection found fixed."""
    from django.contrib.contenttypes.models import ContentType

    fixed = InspectionDefect.objects.filter(
        inspection__batch=batch, verification=Verification.FIXED
    ).order_by("pk")
    tagged = set(
        PhotoTag.objects.filter(
            role=PhotoRole.AFTER,
            attachment__content_type=ContentType.objects.get_for_model(InspectionDefect),
            attachment__object_id__in=fixed.values("pk"),
        ).values_list("attachment__object_id", flat=True)
    )
    for defect in fixed:
        if defect.pk not in tagged:
            previews.photo_add(
                owner=defect,
                uploaded=_photo(f"整改后-{defect.location}.png", (120, 170, 120)),
                user=engineer,
                role=PhotoRole.AFTER,
            )
