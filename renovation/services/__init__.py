"""Writes of the renovation app: one function per use case (R-REN-1 … R-REN-10), one module
per sub-domain as in ``renovation/models/``. ``from renovation import services`` and
``services.<name>`` keep working: the public names are re-exported here.

Rows two staff may change at once are locked with select_for_update. Reads (ledger totals,
the active statuses) live in ``renovation.selectors`` and are re-exported for old callers.
"""

from ..selectors import (
    ACTIVE_STATUSES,
    ledger_balance,
    ledger_totals,
    refund_due_date,
)
from .agreement import (
    PROHIBITIONS_NAMES,
    agreement_sign,
    entry_confirm,
    entry_notice_send,
    fees_compute,
    fees_record_payment,
    permit_issue,
    worker_pass_add,
)
from .applications import (
    APPLICATION_RULES,
    GOVERNMENT_GUIDANCE,
    REVIEW_SIDES,
    application_review,
    application_save,
    application_submit,
    document_check,
    document_upload_by_owner,
    government_approval_record,
    review_overdue_alert,
    validity_problems,
)
from .calendar import official_calendar_load
from .common import CENT
from .completion import (
    INSPECTORS,
    completion_apply,
    completion_inspect,
    reinspection_schedule,
)
from .lectures import lecture_attendee_remove, lecture_attendees_add, lecture_save
from .ledger import (
    application_close,
    deposit_deduct_fine,
    refund_approve,
    refund_pay,
    refund_request,
    refund_sign,
    refunds_due_notify,
)
from .patrols import (
    PATROL_CATCH_UP_DAYS,
    patrol_record,
    patrols_missed_flag,
    patrols_missed_flag_recent,
)
from .violations import (
    fine_decide,
    fine_propose,
    hot_work_decide,
    hot_work_request,
    material_refuse,
    violation_call,
    violation_recheck,
    violation_record,
    violation_sign,
)

__all__ = [
    "ACTIVE_STATUSES",
    "APPLICATION_RULES",
    "CENT",
    "GOVERNMENT_GUIDANCE",
    "INSPECTORS",
    "PATROL_CATCH_UP_DAYS",
    "PROHIBITIONS_NAMES",
    "REVIEW_SIDES",
    "agreement_sign",
    "application_close",
    "application_review",
    "application_save",
    "application_submit",
    "completion_apply",
    "completion_inspect",
    "deposit_deduct_fine",
    "document_check",
    "document_upload_by_owner",
    "entry_confirm",
    "entry_notice_send",
    "fees_compute",
    "fees_record_payment",
    "fine_decide",
    "fine_propose",
    "government_approval_record",
    "hot_work_decide",
    "hot_work_request",
    "lecture_attendee_remove",
    "lecture_attendees_add",
    "lecture_save",
    "ledger_balance",
    "ledger_totals",
    "material_refuse",
    "official_calendar_load",
    "patrol_record",
    "patrols_missed_flag",
    "patrols_missed_flag_recent",
    "permit_issue",
    "refund_approve",
    "refund_due_date",
    "refund_pay",
    "refund_request",
    "refund_sign",
    "refunds_due_notify",
    "reinspection_schedule",
    "review_overdue_alert",
    "validity_problems",
    "violation_call",
    "violation_recheck",
    "violation_record",
    "violation_sign",
    "worker_pass_add",
]
