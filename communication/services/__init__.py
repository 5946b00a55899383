"""Writes of the communication app: one function per use case. Records carry forward the
open problems of their level (R-COM-3); problem state changes go through the core workflow
engine (``Problem.TRANSITIONS``, ``salesite.workflow.transition``) and every move leaves a
ProblemEvent; the scheduled jobs (R-JOB-1)
take ``now`` as a parameter and are idempotent.

Split by sub-domain: ``records``, ``problems`` and the scheduled ``jobs``; the names below are
re-exported so that ``from communication import services; services.record_create(...)`` works.
"""

from communication.services.jobs import (
    BREACH_LOOKBACK_DAYS,
    communication_mark_overdue,
    communication_mark_problems_overdue,
    communication_send_reminders,
)
from communication.services.problems import (
    default_due_date,
    problem_create,
    problem_escalate,
    problem_escalate_now,
    problem_reassign,
    problem_resolve,
)
from communication.services.records import (
    RECORD_FIELDS,
    minutes_acknowledge,
    record_create,
    record_update,
)

__all__ = [
    "BREACH_LOOKBACK_DAYS",
    "RECORD_FIELDS",
    "communication_mark_overdue",
    "communication_mark_problems_overdue",
    "communication_send_reminders",
    "default_due_date",
    "minutes_acknowledge",
    "problem_create",
    "problem_escalate",
    "problem_escalate_now",
    "problem_reassign",
    "problem_resolve",
    "record_create",
    "record_update",
]
