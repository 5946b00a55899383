"""Delivery batches and the eight milestones of the pre-delivery plan (R-HO-1)."""

import datetime

import pytest
from django.urls import reverse

from handover import services
from handover.models import DeliveryBatch, Milestone, MilestoneKind, MilestoneStatus
from salesite.exceptions import DomainError
from tests import factories as f
from tests.handover.factories import make_batch

pytestmark = pytest.mark.django_db


def dues(batch):
    return dict(batch.milestones.values_list("kind", "due_date"))


def test_creating_a_batch_generates_eight_milestones_with_exact_offsets(project):
    batch = make_batch(project, date=datetime.date(2027, 7, 31))
    assert batch.units.count() == 3
    assert dues(batch) == {
        MilestoneKind.DESIGN_SURVEY: datetime.date(2027, 2, 28),  # T−5 months, clamped
        MilestoneKind.FIRST_MOCK: datetime.date(2027, 4, 22),  # T−100 days
        MilestoneKind.RISK_MEETING: datetime.date(2027, 4, 30),  # T−3 months, clamped
        MilestoneKind.SECOND_MOCK: datetime.date(2027, 5, 22),  # T−70 days
        MilestoneKind.PREVIEW_PREP: datetime.date(2027, 5, 31),  # T−2 months
        MilestoneKind.RISK_SCREENING: datetime.date(2027, 6, 11),  # T−50 days
        MilestoneKind.FINISHING: datetime.date(2027, 6, 21),  # T−40 days
        MilestoneKind.PREVIEW_EVENT: datetime.date(2027, 6, 30),  # T−1 month, clamped
    }
    survey = batch.milestones.get(kind=MilestoneKind.DESIGN_SURVEY)
    assert {r.code for r in survey.responsible_roles.all()} == {"engineering", "cs_lead"}
    assert all(m.status == MilestoneStatus.OPEN for m in batch.milestones.all())


def test_leap_year_month_offsets(project):
    batch = make_batch(project, date=datetime.date(2028, 7, 31))
    assert dues(batch)[MilestoneKind.DESIGN_SURVEY] == datetime.date(2028, 2, 29)


def test_moving_the_date_moves_open_milestones_and_keeps_done_ones(project):
    batch = make_batch(project, date=datetime.date(2027, 6, 30))
    done = batch.milestones.get(kind=MilestoneKind.DESIGN_SURVEY)
    services.milestone_complete(milestone=done, user=None, result_note="完成摸底")
    Milestone.objects.filter(batch=batch, kind=MilestoneKind.FIRST_MOCK).update(
        status=MilestoneStatus.OVERDUE, reminded_for=datetime.date(2027, 3, 22)
    )
    services.batch_change_date(batch=batch, planned_delivery_date=datetime.date(2027, 9, 30))
    new = dues(batch)
    assert new[MilestoneKind.DESIGN_SURVEY] == datetime.date(2027, 1, 30)  # unchanged
    assert new[MilestoneKind.FIRST_MOCK] == datetime.date(2027, 6, 22)
    assert new[MilestoneKind.PREVIEW_EVENT] == datetime.date(2027, 8, 30)
    moved = batch.milestones.get(kind=MilestoneKind.FIRST_MOCK)
    assert moved.status == MilestoneStatus.OPEN and moved.reminded_for is None
    assert batch.milestones.get(kind=MilestoneKind.DESIGN_SURVEY).status == MilestoneStatus.DONE


def test_batch_refuses_another_projects_building(project, other_project):
    building = f.BuildingFactory(project=other_project)
    with pytest.raises(DomainError):
        services.batch_create(
            project=project,
            name="x",
            planned_delivery_date=datetime.date(2027, 1, 1),
            buildings=[building],
        )
    assert not DeliveryBatch.objects.exists()


def test_complete_requires_result_and_cannot_repeat(project):
    batch = make_batch(project)
    m = batch.milestones.first()
    with pytest.raises(DomainError):
        services.milestone_complete(milestone=m, user=None, result_note=" ")
    services.milestone_complete(milestone=m, user=None, result_note="ok")
    with pytest.raises(DomainError):
        services.milestone_complete(milestone=m, user=None, result_note="again")


def test_milestone_moves_write_history(project):
    """Completed, marked overdue and reopened: one history row per move (issue 13)."""
    batch = make_batch(project, date=datetime.date(2027, 6, 30))
    done = batch.milestones.get(kind=MilestoneKind.DESIGN_SURVEY)
    services.milestone_complete(milestone=done, user=None, result_note="完成摸底")
    assert list(done.history.values_list("from_status", "to_status", "note")) == [
        (MilestoneStatus.OPEN, MilestoneStatus.DONE, "完成摸底")
    ]
    assert done.history.get().project_id == project.pk
    with pytest.raises(DomainError, match="该节点已完成。"):
        services.milestone_complete(milestone=done, user=None, result_note="again")
    assert services.milestones_mark_overdue(today=datetime.date(2027, 3, 23)) == 1
    late = batch.milestones.get(kind=MilestoneKind.FIRST_MOCK)
    assert late.status == MilestoneStatus.OVERDUE
    assert late.history.get().to_status == MilestoneStatus.OVERDUE
    services.batch_change_date(batch=batch, planned_delivery_date=datetime.date(2027, 9, 30))
    late.refresh_from_db()
    assert late.status == MilestoneStatus.OPEN
    assert list(late.history.values_list("to_status", flat=True)) == [
        MilestoneStatus.OVERDUE,
        MilestoneStatus.OPEN,
    ]
    # Open milestones moved with the date are not a state change: no history row.
    assert not batch.milestones.get(kind=MilestoneKind.PREVIEW_EVENT).history.exists()


def test_batch_page_shows_each_milestones_history(client_for, member, project):
    batch = make_batch(project, date=datetime.date(2027, 6, 30))
    done = batch.milestones.get(kind=MilestoneKind.DESIGN_SURVEY)
    services.milestone_complete(milestone=done, user=None, result_note="完成摸底")
    r = client_for(member("cs_lead", project)).get(
        reverse("handover:batch_detail", args=[batch.pk])
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert "状态记录" in body and f"状态记录：{MilestoneStatus.DONE.label}" in body
