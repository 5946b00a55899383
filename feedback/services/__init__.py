"""Writes of the feedback app: one function per use case (STYLE §1), split by sub-domain as
``feedback.models`` is; every public name stays importable from ``feedback.services``.

Other apps call these explicitly (no signals):
- ``record_handover(customer=, unit=, handover_date=)`` when a customer takes handover; it starts
  the delivery, 3-month and 1-year callbacks and ticks the 6+2 step 恭迎乔迁.
- ``tick_step(customer=, action_code=, on=, source=)`` when a workflow performs a 6+2 action
  (e.g. a progress notice → ``"progress_notice"``); idempotent.
- ``case_create(..., channel="owner")`` for a case the owner submits on the owner portal, and
  ``case_owner_confirm`` / ``case_owner_rate`` for the owner's answers (``owner_cases``).
- ``send_survey_link(task, by=, reissue=)`` sends a callback's questionnaire by SMS link;
  a job sending for rules marked "send by SMS" passes ``reissue=False`` (idempotent).
"""

from ..exceptions import CallbackClosed, CaseNotReplied, DomainError, InvalidTransition
from ..selectors import (
    BREACH_RECIPIENT_ROLES,
    LEADER_ROLES,
    active_reward,
    ambassador_for,
    questions_for,
)
from .assessment import (
    assessment_open,
    assessment_record_bsc,
    assessment_reopen,
    assessment_save_lines,
    assessment_submit,
)
from .callback_generation import (
    CATCH_UP,
    LOOKAHEAD,
    _add_months_sql,
    callbacks_generate,
    record_handover,
)
from .callbacks import (
    REASSIGN_BULK_MAX,
    ReassignReport,
    callback_assign,
    callback_reassign,
    callback_reassign_bulk,
    callback_record_outcome,
    score_answers,
)
from .care import (
    GREETING_CATCH_UP_DAYS,
    WARRANTY_RULES,
    club_event_create,
    club_event_mark_attended,
    club_event_register,
    greetings_send,
    warranty_channel_record,
    warranty_item_create,
    warranty_notices_send,
    warranty_report_add,
    warranty_reports_send,
)
from .cases import (
    case_close,
    case_create,
    case_dispatch,
    case_rectification_done,
    case_reply,
    case_start,
    deadline_breaches_mark,
)
from .holidays_official import official_holidays_load
from .owner_cases import (
    case_owner_confirm,
    case_owner_rate,
    owner_may_confirm,
    owner_may_rate,
    owner_may_report_not_fixed,
)
from .quality import (
    patrol_record,
    referral_mark_signed,
    referral_record,
    repeat_purchase_record,
)
from .repair_cards import (
    case_complaint_contractor_set,
    case_repair_team_change,
    repair_card_send,
    repair_cards_refresh,
)
from .steps import project_step_record, step_record, steps_remind, tick_step, tick_steps_bulk
from .surveys import CLOSED as SURVEY_CLOSED
from .surveys import (
    send_survey_link,
    survey_answer,
    survey_link_for,
    survey_link_tasks_due,
    survey_links_send,
    survey_url,
)

__all__ = [
    "BREACH_RECIPIENT_ROLES",
    "CATCH_UP",
    "GREETING_CATCH_UP_DAYS",
    "LEADER_ROLES",
    "LOOKAHEAD",
    "REASSIGN_BULK_MAX",
    "SURVEY_CLOSED",
    "WARRANTY_RULES",
    "CallbackClosed",
    "CaseNotReplied",
    "DomainError",
    "InvalidTransition",
    "ReassignReport",
    "_add_months_sql",
    "active_reward",
    "ambassador_for",
    "assessment_open",
    "assessment_record_bsc",
    "assessment_reopen",
    "assessment_save_lines",
    "assessment_submit",
    "callback_assign",
    "callback_reassign",
    "callback_reassign_bulk",
    "callback_record_outcome",
    "callbacks_generate",
    "case_close",
    "case_complaint_contractor_set",
    "case_create",
    "case_dispatch",
    "case_owner_confirm",
    "case_owner_rate",
    "case_rectification_done",
    "case_repair_team_change",
    "case_reply",
    "case_start",
    "club_event_create",
    "club_event_mark_attended",
    "club_event_register",
    "deadline_breaches_mark",
    "greetings_send",
    "official_holidays_load",
    "owner_may_confirm",
    "owner_may_rate",
    "owner_may_report_not_fixed",
    "patrol_record",
    "project_step_record",
    "questions_for",
    "record_handover",
    "referral_mark_signed",
    "referral_record",
    "repair_card_send",
    "repair_cards_refresh",
    "repeat_purchase_record",
    "score_answers",
    "send_survey_link",
    "step_record",
    "steps_remind",
    "survey_answer",
    "survey_link_for",
    "survey_link_tasks_due",
    "survey_links_send",
    "survey_url",
    "tick_step",
    "tick_steps_bulk",
    "warranty_channel_record",
    "warranty_item_create",
    "warranty_notices_send",
    "warranty_report_add",
    "warranty_reports_send",
]
