"""project_change_phase (R-CORE-2): one step forward, dated, recorded; refused moves write
nothing; the view shows the outcome in Chinese."""

import datetime

import pytest
from django.urls import reverse

from salesite.exceptions import InvalidTransition
from salesite.models import MarketingPhase, ProjectPhaseChange
from salesite.services import project_change_phase
from tests import factories as f

pytestmark = pytest.mark.django_db

P = MarketingPhase
DAY = datetime.date(2026, 3, 1)


@pytest.fixture
def user(project):
    return f.UserFactory()


def test_moves_one_step_forward_and_records_the_transition(project, user):
    change = project_change_phase(
        project=project, to_phase=P.DISPLAYING, user=user, on=DAY, note="样板房开放"
    )
    project.refresh_from_db()
    assert project.marketing_phase == P.DISPLAYING
    assert project.phase_changed_on == DAY
    assert change == ProjectPhaseChange.objects.get()
    assert (change.project, change.from_status, change.to_status, change.changed_on) == (
        project,
        P.PREPARING,
        P.DISPLAYING,
        DAY,
    )
    assert (change.by, change.note) == (user, "样板房开放")


def test_walks_the_whole_sequence(project, user):
    phases = [P.DISPLAYING, P.OPENED, P.SOLD_OUT, P.CLOSED]
    for i, phase in enumerate(phases):
        project_change_phase(
            project=project, to_phase=phase, user=user, on=DAY + datetime.timedelta(days=i)
        )
    project.refresh_from_db()
    assert project.marketing_phase == P.CLOSED
    rows = list(
        project.phase_changes.order_by("changed_on").values_list("from_status", "to_status")
    )
    assert rows == [
        (P.PREPARING, P.DISPLAYING),
        (P.DISPLAYING, P.OPENED),
        (P.OPENED, P.SOLD_OUT),
        (P.SOLD_OUT, P.CLOSED),
    ]
    with pytest.raises(InvalidTransition):
        project_change_phase(project=project, to_phase=P.PREPARING, user=user, on=DAY)


def test_date_defaults_to_today_in_shanghai(project, user):
    from django.utils import timezone

    change = project_change_phase(project=project, to_phase=P.DISPLAYING, user=user)
    assert change.changed_on == timezone.localdate()


def _assert_unchanged(project, phase, changes):
    project.refresh_from_db()
    assert project.marketing_phase == phase
    assert ProjectPhaseChange.objects.count() == changes


def test_skipping_a_phase_is_refused(project, user):
    with pytest.raises(InvalidTransition, match="不能从“筹备”变更为“开盘”"):
        project_change_phase(project=project, to_phase=P.OPENED, user=user, on=DAY)
    _assert_unchanged(project, P.PREPARING, 0)


def test_going_backwards_is_refused(project, user):
    project_change_phase(project=project, to_phase=P.DISPLAYING, user=user, on=DAY)
    project_change_phase(project=project, to_phase=P.OPENED, user=user, on=DAY)
    with pytest.raises(InvalidTransition):
        project_change_phase(project=project, to_phase=P.DISPLAYING, user=user, on=DAY)
    _assert_unchanged(project, P.OPENED, 2)


def test_date_before_the_last_change_is_refused(project, user):
    project_change_phase(project=project, to_phase=P.DISPLAYING, user=user, on=DAY)
    with pytest.raises(InvalidTransition, match="不能早于上一次阶段变更"):
        project_change_phase(
            project=project, to_phase=P.OPENED, user=user, on=DAY - datetime.timedelta(days=1)
        )
    _assert_unchanged(project, P.DISPLAYING, 1)
    project.refresh_from_db()
    assert project.phase_changed_on == DAY


def test_same_day_as_last_change_is_allowed(project, user):
    project_change_phase(project=project, to_phase=P.DISPLAYING, user=user, on=DAY)
    project_change_phase(project=project, to_phase=P.OPENED, user=user, on=DAY)
    _assert_unchanged(project, P.OPENED, 2)


def test_same_phase_is_a_no_op(project, user):
    project_change_phase(project=project, to_phase=P.DISPLAYING, user=user, on=DAY)
    assert project_change_phase(project=project, to_phase=P.DISPLAYING, user=user, on=DAY) is None
    _assert_unchanged(project, P.DISPLAYING, 1)


def test_uses_the_database_state_not_a_stale_instance(project, user):
    stale = type(project).objects.get(pk=project.pk)
    project_change_phase(project=project, to_phase=P.DISPLAYING, user=user, on=DAY)
    # The stale copy still says "preparing"; the service reads the row and refuses a repeat.
    assert project_change_phase(project=stale, to_phase=P.DISPLAYING, user=user, on=DAY) is None
    assert ProjectPhaseChange.objects.count() == 1


# --- the view ------------------------------------------------------------------------------


@pytest.fixture
def head(member, project):
    return member("centre_head", project)


def phase_url(project):
    return reverse("salesite:project_phase_change", args=[project.pk])


def test_view_changes_phase_with_success_message(client_for, head, project):
    response = client_for(head).post(
        phase_url(project),
        {"to_phase": P.DISPLAYING, "changed_on": "2026-03-01", "note": "开放"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("salesite:project_detail", args=[project.pk])
    assert "营销阶段已更新。" in response.content.decode()
    change = ProjectPhaseChange.objects.get()
    assert (change.by, change.changed_on) == (head, DAY)


def test_view_offers_only_the_next_phase(client_for, head, project):
    response = client_for(head).get(phase_url(project))
    assert [c[0] for c in response.context["form"].fields["to_phase"].choices] == [P.DISPLAYING]
    response = client_for(head).post(
        phase_url(project), {"to_phase": P.OPENED, "changed_on": "2026-03-01"}
    )
    assert response.status_code == 200
    assert "to_phase" in response.context["form"].errors
    _assert_unchanged(project, P.PREPARING, 0)


def test_view_shows_the_service_error_in_chinese(client_for, head, project, user):
    project_change_phase(project=project, to_phase=P.DISPLAYING, user=user, on=DAY)
    response = client_for(head).post(
        phase_url(project), {"to_phase": P.OPENED, "changed_on": "2026-02-01"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "变更日期不能早于上一次阶段变更（2026-03-01）。" in html
    _assert_unchanged(project, P.DISPLAYING, 1)


def test_project_page_lists_the_transitions(client_for, head, project):
    project_change_phase(project=project, to_phase=P.DISPLAYING, user=head, on=DAY)
    html = client_for(head).get(reverse("salesite:project_detail", args=[project.pk]))
    text = html.content.decode()
    assert "2026-03-01" in text and "对外展示" in text
