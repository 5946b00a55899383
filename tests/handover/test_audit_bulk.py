"""Bulk milestone writes in the audit trail (R-X-2, issue 19 item 7)."""

import datetime

import pytest
from auditlog.models import LogEntry

from handover import services
from handover.models import MilestoneKind
from salesite.audit_bulk import audit_job
from tests.handover.factories import make_batch

pytestmark = pytest.mark.django_db

D = datetime.date


def _update(m):
    return LogEntry.objects.get_for_object(m).filter(action=LogEntry.Action.UPDATE).get()


def test_date_shift_logs_each_moved_milestone_with_old_and_new_due_and_the_user(project, member):
    lead = member("cs_lead", project)
    batch = make_batch(project, date=D(2027, 6, 30))
    event = batch.milestones.get(kind=MilestoneKind.PREVIEW_EVENT)  # T−1 month
    mock = batch.milestones.get(kind=MilestoneKind.FIRST_MOCK)  # T−100 days
    services.batch_change_date(batch=batch, planned_delivery_date=D(2027, 9, 30), user=lead)
    entry = _update(event)
    assert entry.changes_dict == {"due_date": ["2027-05-30", "2027-08-30"]}
    assert entry.actor == lead
    assert _update(mock).changes_dict == {"due_date": ["2027-03-22", "2027-06-22"]}
    assert (
        LogEntry.objects.filter(
            action=LogEntry.Action.UPDATE, content_type__model="milestone"
        ).count()
        == 8
    )


def test_date_shift_queries_do_not_grow_with_milestones(project, django_assert_max_num_queries):
    batch = make_batch(project, date=D(2027, 6, 30))
    with django_assert_max_num_queries(14):
        services.batch_change_date(batch=batch, planned_delivery_date=D(2027, 9, 30))


def test_reminder_stamp_is_logged_with_the_job(project, member):
    member("engineering", project)
    batch = make_batch(project, date=D(2027, 6, 30))
    mock = batch.milestones.get(kind=MilestoneKind.FIRST_MOCK)
    with audit_job("handover_milestones_remind"):
        assert services.milestones_remind(today=mock.due_date - datetime.timedelta(5), days=7)
    entry = _update(mock)
    assert entry.changes_dict == {"reminded_for": ["None", str(mock.due_date)]}
    assert entry.actor is None
    assert entry.additional_data == {"job": "handover_milestones_remind"}


def test_overdue_mark_by_the_job_is_logged_with_the_job(project, member):
    from handover import tasks
    from handover.models import Milestone, MilestoneStatus

    batch = make_batch(project, date=D(2020, 6, 30))  # every milestone already past due
    tasks.handover_milestone_overdue.delay()
    mock = batch.milestones.get(kind=MilestoneKind.FIRST_MOCK)
    assert mock.status == MilestoneStatus.OVERDUE
    entry = _update(mock)
    assert entry.changes_dict["status"] == [MilestoneStatus.OPEN, MilestoneStatus.OVERDUE]
    assert entry.additional_data == {"job": "handover_milestone_overdue"}
    assert Milestone.objects.filter(batch=batch, status=MilestoneStatus.OVERDUE).count() == 8


def test_created_milestones_are_logged_as_creations(project):
    batch = make_batch(project, date=D(2027, 6, 30))
    for m in batch.milestones.all():
        entry = LogEntry.objects.get_for_object(m).get()
        assert entry.action == LogEntry.Action.CREATE
        assert entry.changes_dict["due_date"] == ["None", str(m.due_date)]
