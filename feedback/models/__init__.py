"""Models of the feedback app (SPEC R-FB-*), split by sub-domain."""

from .assessment import QuarterlyAssessment, quarter_bounds, quarter_of
from .callback_rules import CallbackRule, RuleCode, rule_due
from .callbacks import (
    OPEN_CALLBACK_STATUSES,
    CallbackAttempt,
    CallbackStatus,
    CallbackTask,
    HandoverFact,
    Question,
    Questionnaire,
)
from .care import (
    ClubEvent,
    ClubEventAttendee,
    Greeting,
    Holiday,
    WarrantyItem,
    WarrantyNotice,
    WarrantyReport,
)
from .cases import (
    CASE_TRANSITIONS,
    OPEN_STATUSES,
    AmbassadorAssignment,
    BreachKind,
    Case,
    CaseEvent,
    CaseKind,
    CaseStatus,
    Channel,
    ComplaintCategory,
    DeadlineBreach,
)
from .options import ComplaintCategoryOption, DefectCategoryOption
from .quality import (
    AmbassadorPatrol,
    DefectCategory,
    Referral,
    RepeatPurchase,
    RewardRule,
)
from .steps import CustomerStepRecord, ProjectStepRecord, Step, StepAction
from .surveys import SURVEY_LINK_DAYS, SurveyLink, SurveyLinkState, hash_token

__all__ = [
    "CASE_TRANSITIONS",
    "OPEN_CALLBACK_STATUSES",
    "OPEN_STATUSES",
    "SURVEY_LINK_DAYS",
    "AmbassadorAssignment",
    "AmbassadorPatrol",
    "BreachKind",
    "CallbackAttempt",
    "CallbackRule",
    "CallbackStatus",
    "CallbackTask",
    "Case",
    "CaseEvent",
    "CaseKind",
    "CaseStatus",
    "Channel",
    "ClubEvent",
    "ClubEventAttendee",
    "ComplaintCategory",
    "ComplaintCategoryOption",
    "CustomerStepRecord",
    "DeadlineBreach",
    "DefectCategory",
    "DefectCategoryOption",
    "Greeting",
    "HandoverFact",
    "Holiday",
    "ProjectStepRecord",
    "QuarterlyAssessment",
    "Question",
    "Questionnaire",
    "Referral",
    "RepeatPurchase",
    "RewardRule",
    "RuleCode",
    "Step",
    "StepAction",
    "SurveyLink",
    "SurveyLinkState",
    "WarrantyItem",
    "WarrantyNotice",
    "WarrantyReport",
    "hash_token",
    "quarter_bounds",
    "quarter_of",
    "rule_due",
]
