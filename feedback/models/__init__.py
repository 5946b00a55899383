"""Models of the feedback app (SPEC R-FB-*), split by sub-domain."""

from .callbacks import (
    OPEN_CALLBACK_STATUSES,
    CallbackAttempt,
    CallbackRule,
    CallbackStatus,
    CallbackTask,
    HandoverFact,
    Question,
    Questionnaire,
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
from .steps import CustomerStepRecord, ProjectStepRecord, Step, StepAction

__all__ = [
    "CASE_TRANSITIONS",
    "OPEN_CALLBACK_STATUSES",
    "OPEN_STATUSES",
    "AmbassadorAssignment",
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
    "ComplaintCategory",
    "CustomerStepRecord",
    "DeadlineBreach",
    "HandoverFact",
    "ProjectStepRecord",
    "Question",
    "Questionnaire",
    "Step",
    "StepAction",
]
