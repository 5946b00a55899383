"""Views of the communication app: thin — scoped selector → form → service → message →
redirect. Every object comes through ``visible_to(user)``; another project's row is a 404,
a missing permission a 403.

Split by sub-domain: ``records``, ``problems``, ``compliance`` (with the overview). Each view
declares its permission with ``@staff_view`` (salesite.views_access) and fetches its row with
``get_record`` / ``permitted_rows``.
"""

from communication.views.compliance import compliance, index
from communication.views.problems import (
    VIEW_PROBLEM,
    problem_detail,
    problem_escalate,
    problem_escalate_now,
    problem_list,
    problem_reassign,
    problem_resolve,
)
from communication.views.records import (
    VIEW_RECORD,
    record_acknowledge,
    record_create,
    record_create_for,
    record_detail,
    record_edit,
    record_list,
    record_print,
    report_list,
)

__all__ = [
    "VIEW_PROBLEM",
    "VIEW_RECORD",
    "compliance",
    "index",
    "problem_detail",
    "problem_escalate",
    "problem_escalate_now",
    "problem_list",
    "problem_reassign",
    "problem_resolve",
    "record_acknowledge",
    "record_create",
    "record_create_for",
    "record_detail",
    "record_edit",
    "record_list",
    "record_print",
    "report_list",
]
