"""Bulk inspection-score writes in the audit trail (R-X-2, issue 19 item 7)."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from operations import services
from operations.models import InspectionScore

pytestmark = pytest.mark.django_db


@pytest.fixture
def hq(member, project):
    return member("hq_inspector", project)


@pytest.fixture
def inspection(project, checklist, hq, today):
    return services.inspection_create(
        project=project, checklist=checklist, date=today, inspector=hq
    )


def _rows(inspection):
    return list(inspection.scores.select_related("item").order_by("item__order"))


def _update(score):
    return LogEntry.objects.get_for_object(score).filter(action=LogEntry.Action.UPDATE)


def test_scores_are_logged_with_old_and_new_and_the_inspector(inspection, hq):
    first, second, third = _rows(inspection)
    services.inspection_score(
        inspection=inspection,
        scores={first.pk: (5, "好"), second.pk: (8, ""), third.pk: (None, "")},
        user=hq,
    )
    entry = _update(first).get()
    assert entry.actor == hq
    assert entry.changes_dict == {"score": ["None", "5"], "note": ["", "好"]}
    assert _update(second).get().changes_dict == {"score": ["None", "8"]}
    assert not _update(third).exists()  # unchanged
    services.inspection_score(inspection=inspection, scores={second.pk: (6, "")}, user=hq)
    assert _update(second).order_by("-pk").first().changes_dict == {"score": ["8", "6"]}


def test_scoring_through_the_page_logs_the_request_user(client_for, inspection, hq):
    rows = _rows(inspection)
    data = {}
    for s in rows:
        data[f"score_{s.pk}"] = "4"
        data[f"note_{s.pk}"] = ""
    r = client_for(hq).post(reverse("ops:inspection_scores", args=[inspection.pk]), data)
    assert r.status_code == 302
    assert InspectionScore.objects.get(pk=rows[0].pk).score == 4
    assert _update(rows[0]).get().actor == hq


def test_created_scores_are_logged_as_creations(inspection):
    for s in _rows(inspection):
        entry = LogEntry.objects.get_for_object(s).get()
        assert entry.action == LogEntry.Action.CREATE
        assert entry.changes_dict["item"][1] == str(s.item_id)
