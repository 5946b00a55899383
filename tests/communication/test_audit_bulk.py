"""Bulk problem overdue marks in the audit trail (R-X-2, issue 19 item 7)."""

import pytest
from auditlog.models import LogEntry

from communication import services
from tests.communication.factories import ProblemFactory, at

pytestmark = pytest.mark.django_db


def test_overdue_marks_are_logged_with_the_job(project, levels):
    problems = [ProblemFactory(project=project) for _ in range(3)]
    services.communication_mark_problems_overdue(now=at(2026, 3, 3, 0, 30))
    for p in problems:
        entry = LogEntry.objects.get_for_object(p).filter(action=LogEntry.Action.UPDATE).get()
        assert set(entry.changes_dict) == {"overdue_since"}
        assert entry.changes_dict["overdue_since"][0] == "None"
        assert entry.changes_dict["overdue_since"][1].startswith("2026-03-02 16:30")  # UTC
        assert entry.additional_data == {"job": "communication_mark_problems_overdue"}
        assert entry.actor is None
