"""Writes of the quarterly 6+2 check (R-FB-10): open a project's checklist for a quarter, save
the inspector's scores, submit (locks it), reopen (a manager), and the fourth quarter's group
BSC result."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.audit_bulk import bulk_update_objects_audited
from salesite.workflow import transition

from ..exceptions import DomainError
from ..models import (
    AssessmentChecklistItem,
    AssessmentChecklistLine,
    AssessmentStatus,
    QuarterlyAssessment,
)
from ..selectors.checklists import checklist_proposals


def _locked(assessment) -> QuarterlyAssessment:
    return QuarterlyAssessment.objects.select_for_update().get(pk=assessment.pk)


@transaction.atomic
def assessment_open(*, project, year: int, quarter: int, user=None) -> QuarterlyAssessment:
    """The checklist of a project for a quarter, created on first use with a line per active
    catalogue item; a draft also gets the items added to the catalogue since (idempotent)."""
    if not 1 <= quarter <= 4:
        raise DomainError(_("季度须为 1–4。"))
    assessment, _created = QuarterlyAssessment.objects.get_or_create(
        project=project, year=year, quarter=quarter, defaults={"entered_by": user}
    )
    assessment = _locked(assessment)
    if assessment.status == AssessmentStatus.DRAFT:
        present = set(assessment.lines.values_list("item_id", flat=True))
        AssessmentChecklistLine.objects.bulk_create(
            AssessmentChecklistLine(
                assessment=assessment, item=item, indicator=item.indicator, points=item.points
            )
            for item in AssessmentChecklistItem.objects.filter(active=True).exclude(pk__in=present)
        )
    return assessment


@transaction.atomic
def assessment_save_lines(*, assessment, entries: dict, note: str | None = None, user=None):
    """Save the inspector's entries: ``{line_id: {"score", "note", "evidence"}}``. The system's
    proposal (and the figure it came from) is stored next to each entry. A submitted
    checklist is locked."""
    assessment = _locked(assessment)
    if assessment.is_locked:
        raise DomainError(_("检查表已提交，不能修改；如需修改请由管理人员退回。"))
    lines = {line.pk: line for line in assessment.lines.select_related("item")}
    proposals = checklist_proposals(assessment, [line.item for line in lines.values()])
    changed = []
    for pk, entry in entries.items():
        line = lines.get(int(pk))
        if line is None:
            raise DomainError(_("检查项不属于该检查表。"))
        score = entry.get("score")
        if score is not None and not Decimal(0) <= score <= line.points:
            raise DomainError(
                _("“%(item)s”的得分须在 0 与满分 %(max)s 之间。")
                % {"item": line.item.text, "max": format(line.points.normalize(), "f")}
            )
        line.score = score
        line.note = (entry.get("note") or "").strip()
        line.evidence = (entry.get("evidence") or "").strip()
        proposal = proposals.get(line.item_id)
        line.proposed_score = proposal["score"] if proposal else None
        line.proposal_basis = proposal["basis"] if proposal else ""
        changed.append(line)
    bulk_update_objects_audited(
        changed, ["score", "note", "evidence", "proposed_score", "proposal_basis"], actor=user
    )
    fields = ["entered_by"]
    assessment.entered_by = user
    if note is not None:
        assessment.note = note.strip()
        fields.append("note")
    assessment.save(update_fields=[*fields, "updated_at"])
    return assessment


@transaction.atomic
def assessment_submit(*, assessment, user=None) -> QuarterlyAssessment:
    """Submit the checklist: every item scored; it is then locked and counts in the ranking."""
    assessment = _locked(assessment)
    missing = assessment.lines.filter(score__isnull=True).count()
    if not assessment.lines.exists():
        raise DomainError(_("检查表没有检查项。"))
    if missing:
        raise DomainError(_("还有 %(n)s 个检查项未评分，不能提交。") % {"n": missing})
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = user
    transition(
        assessment,
        AssessmentStatus.SUBMITTED,
        by=user,
        fields=["submitted_at", "submitted_by"],
    )
    return assessment


@transaction.atomic
def assessment_reopen(*, assessment, reason: str, user=None) -> QuarterlyAssessment:
    """A manager sends a submitted checklist back to draft (with the reason, kept in the
    checklist's note and its audit trail)."""
    if not reason.strip():
        raise DomainError(_("请填写退回原因。"))
    assessment = _locked(assessment)
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    who = getattr(user, "name", "") or getattr(user, "username", "")
    line = _("%(at)s %(who)s 退回：%(reason)s") % {"at": stamp, "who": who, "reason": reason}
    assessment.note = f"{assessment.note}\n{line}".strip()
    assessment.submitted_at = None
    assessment.submitted_by = None
    transition(
        assessment,
        AssessmentStatus.DRAFT,
        by=user,
        fields=["note", "submitted_at", "submitted_by"],
    )
    return assessment


@transaction.atomic
def assessment_record_bsc(
    *, assessment, total: Decimal | None, note: str = "", user=None
) -> QuarterlyAssessment:
    """The group BSC result of the fourth quarter, shown (and ranked) instead of the computed
    total (第四季度考核结果以集团BSC结果为准); ``total=None`` removes it."""
    assessment = _locked(assessment)
    if assessment.quarter != 4:
        raise DomainError(_("只有第四季度的考核结果以集团BSC结果为准。"))
    if total is not None:
        if not Decimal(0) <= total <= Decimal(100):
            raise DomainError(_("BSC结果须在 0–100 之间。"))
        if not note.strip():
            raise DomainError(_("请填写BSC结果的说明（来源、文号等）。"))
    assessment.bsc_total = total
    assessment.bsc_note = note.strip() if total is not None else ""
    assessment.bsc_by = user if total is not None else None
    assessment.bsc_at = timezone.now() if total is not None else None
    assessment.save(update_fields=["bsc_total", "bsc_note", "bsc_by", "bsc_at", "updated_at"])
    return assessment
