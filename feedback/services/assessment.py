"""Writes of the quarterly 6+2 assessment (R-FB-10)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from ..exceptions import DomainError
from ..models import (
    QuarterlyAssessment,
)

# --- quarterly 6+2 assessment (R-FB-10) -----------------------------------------------------


@transaction.atomic
def assessment_record_a1(
    *,
    project,
    year: int,
    quarter: int,
    site_check_score: Decimal | None,
    mystery_visit_score: Decimal | None,
    note: str = "",
    user=None,
) -> QuarterlyAssessment:
    """Enter (or correct) the A1 perception scores of a project for a quarter (R-FB-10)."""
    if not 1 <= quarter <= 4:
        raise DomainError(_("季度须为 1–4。"))
    if site_check_score is None and mystery_visit_score is None:
        raise DomainError(_("请至少填写现场检查或神秘访客得分。"))
    for value in (site_check_score, mystery_visit_score):
        if value is not None and not 0 <= value <= 100:
            raise DomainError(_("得分须在 0–100 之间。"))
    row = (
        QuarterlyAssessment.objects.select_for_update()
        .filter(project=project, year=year, quarter=quarter)
        .first()
    ) or QuarterlyAssessment(project=project, year=year, quarter=quarter)
    row.site_check_score = site_check_score
    row.mystery_visit_score = mystery_visit_score
    row.note = note
    row.entered_by = user
    row.save()
    return row
