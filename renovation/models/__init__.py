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
from .ledger import DepositLedgerEntry, DepositRefund, EntryKind, balance_expression

__all__ = [
    "ACTIVE",
    "IN_COMPLETION",
    "IN_REVIEW",
    "PROHIBITIONS",
    "TRANSITIONS",
    "ZERO_AMOUNT",
    "ApplicationDocument",
    "CalendarDay",
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
    "GovernmentApproval",
    "RenovationAgreement",
    "RenovationApplication",
    "Status",
    "StatusChange",
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
]
