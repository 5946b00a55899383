"""Writes of the handover app, one module per sub-domain as in ``handover/models/``.

The public functions of batches and cases are re-exported so ``services.case_start(...)`` keeps
working; moves, notices and inspections are used as modules (``services.moves.release_create``).
"""

from . import batches, cases, day, inspections, moves, notices, previews, queue
from .batches import (
    batch_change_date,
    batch_create,
    milestone_complete,
    milestones_mark_overdue,
    milestones_remind,
)
from .cases import (
    acceptance_record,
    case_mark_not_taken,
    case_resume,
    case_start,
    rectification_add,
    rectification_set_status,
    step_copies,
    step_fees,
    step_handed_over,
    step_keys_ready,
    step_owner_file,
    step_payment,
    step_safety,
    step_summary,
    step_verify,
)

__all__ = [
    "acceptance_record",
    "batch_change_date",
    "batch_create",
    "batches",
    "case_mark_not_taken",
    "case_resume",
    "case_start",
    "cases",
    "day",
    "inspections",
    "milestone_complete",
    "milestones_mark_overdue",
    "milestones_remind",
    "moves",
    "notices",
    "previews",
    "queue",
    "rectification_add",
    "rectification_set_status",
    "step_copies",
    "step_fees",
    "step_handed_over",
    "step_keys_ready",
    "step_owner_file",
    "step_payment",
    "step_safety",
    "step_summary",
    "step_verify",
]
