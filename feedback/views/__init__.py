"""Views of the feedback app, split by sub-domain as ``feedback.models`` is: thin — scoped
fetch → permission → form → service → message."""

from .assessment import assessment, assessment_enter
from .callbacks import (
    callback_detail,
    callback_list,
    callback_reassign,
    callback_reassign_bulk,
    callback_survey_send,
)
from .care import (
    club_event_create,
    club_event_detail,
    club_event_list,
    warranty_channel_create,
    warranty_create,
    warranty_detail,
    warranty_list,
)
from .cases import (
    case_action,
    case_create,
    case_detail,
    case_list,
    customer_search,
    index,
    my_cases,
)
from .checklists import assessment_bsc, assessment_checklist, assessment_reopen
from .quality import (
    contractor_ranking,
    defect_list,
    defect_report,
    loyalty,
    patrol_create,
    patrol_list,
    referral_create,
    referral_sign,
    repeat_purchase_create,
)
from .steps import customer_timeline
from .surveys import survey_answer

__all__ = [
    "assessment",
    "assessment_bsc",
    "assessment_checklist",
    "assessment_enter",
    "assessment_reopen",
    "callback_detail",
    "callback_list",
    "callback_reassign",
    "callback_reassign_bulk",
    "callback_survey_send",
    "case_action",
    "case_create",
    "case_detail",
    "case_list",
    "club_event_create",
    "club_event_detail",
    "club_event_list",
    "contractor_ranking",
    "customer_search",
    "customer_timeline",
    "defect_list",
    "defect_report",
    "index",
    "loyalty",
    "my_cases",
    "patrol_create",
    "patrol_list",
    "referral_create",
    "referral_sign",
    "repeat_purchase_create",
    "survey_answer",
    "warranty_channel_create",
    "warranty_create",
    "warranty_detail",
    "warranty_list",
]
