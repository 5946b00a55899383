"""Models of the renovation app (SPEC R-REN-1 … R-REN-10), split by sub-domain."""

from .agreement import (
    PROHIBITIONS,
    EntryConfirmation,
    FeeCharge,
    FeeItem,
    FeeKind,
    FeePayment,
    RenovationAgreement,
    WorkerPass,
)
from .agreement import (
    ZERO as ZERO_AMOUNT,
)
from .applications import (
    ACTIVE,
    IN_COMPLETION,
    IN_REVIEW,
    TRANSITIONS,
    ApplicationDocument,
    Decision,
    DocumentKind,
    GovernmentApproval,
    RenovationApplication,
    Status,
    StatusChange,
    required_documents,
)
from .calendar import CalendarDay
from .completion import CompletionInspection
from .lectures import LectureAttendee, RenovationLecture
from .ledger import DepositLedgerEntry, DepositRefund, EntryKind, balance_expression
from .patrols import PATROL_PERMS, MissedPatrol, PatrolKind, PatrolRecord
from .violations import (
    OPEN_VIOLATION_STATES,
    VIOLATION_TRANSITIONS,
    Fine,
    HotWorkPermit,
    MaterialRefusal,
    Violation,
    ViolationHistory,
)

__all__ = [
    "ACTIVE",
    "IN_COMPLETION",
    "IN_REVIEW",
    "OPEN_VIOLATION_STATES",
    "PATROL_PERMS",
    "PROHIBITIONS",
    "TRANSITIONS",
    "VIOLATION_TRANSITIONS",
    "ZERO_AMOUNT",
    "ApplicationDocument",
    "CalendarDay",
    "CompletionInspection",
    "Decision",
    "DepositLedgerEntry",
    "DepositRefund",
    "DocumentKind",
    "EntryConfirmation",
    "EntryKind",
    "FeeCharge",
    "FeeItem",
    "FeeKind",
    "FeePayment",
    "Fine",
    "GovernmentApproval",
    "HotWorkPermit",
    "LectureAttendee",
    "MaterialRefusal",
    "MissedPatrol",
    "PatrolKind",
    "PatrolRecord",
    "RenovationAgreement",
    "RenovationApplication",
    "RenovationLecture",
    "Status",
    "StatusChange",
    "Violation",
    "ViolationHistory",
    "WorkerPass",
    "balance_expression",
    "required_documents",
]

# Workflow models whose changes are kept field by field (R-X-2).
AUDITED = [
    "RenovationApplication",
    "ApplicationDocument",
    "GovernmentApproval",
    "CalendarDay",
    "RenovationAgreement",
    "FeeItem",
    "FeePayment",
    "WorkerPass",
    "EntryConfirmation",
    "DepositRefund",
    "PatrolRecord",
    "Violation",
    "Fine",
    "HotWorkPermit",
    "MaterialRefusal",
    "CompletionInspection",
    "RenovationLecture",
]
