"""Demo: a recent mock inspection with defects, so that the quarter's defect report
(feedback R-FB-11) shows mock-inspection defects. Idempotent."""

from __future__ import annotations

import datetime

from .models import MockInspection
from .services import inspections


def recent_mock_defects(batch, engineer, today):
    """A first mock inspection three days ago on the batch's fourth unit, with two defects."""
    unit = batch.units.order_by("number")[3:4].first()
    if unit is None or MockInspection.objects.filter(batch=batch, unit=unit).exists():
        return
    first = inspections.inspection_start(
        batch=batch, unit=unit, round=1, user=engineer, inspected_on=today - datetime.timedelta(3)
    )
    for location, category, description in [
        ("客厅", "civil", "墙面空鼓约0.5㎡"),
        ("主卧", "doors_windows", "窗扇关闭不严"),
    ]:
        inspections.defect_add(
            inspection=first,
            user=engineer,
            location=location,
            category=category,
            description=description,
            responsible_unit="总包单位",
            deadline=today + datetime.timedelta(days=14),
        )
