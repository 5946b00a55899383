"""Repair cases dispatched to the register (issue #16 items 1, 2 and 6): only an active or
probation contractor of the case's project, a supervisor of the project, the training flag,
and the repair card SMS — once per dispatch, again when the team or the ambassador changes,
never on a re-save."""

import pytest
from django.urls import reverse

from feedback import services
from feedback.forms import DispatchForm
from feedback.models import AmbassadorAssignment, Case, CaseKind
from salesite.exceptions import DomainError
from salesite.models import OutboundMessage
from tests import factories as f
from tests.contractor_factories import contractor_for, training_for

pytestmark = pytest.mark.django_db

OWNER_PHONE = "13900000077"


@pytest.fixture
def repair(project, unit):
    customer = f.CustomerFactory(project=project, phone=OWNER_PHONE)
    return services.case_create(
        project=project,
        kind=CaseKind.REPAIR,
        subject="卫生间漏水",
        customer=customer,
        unit=unit,
    )


@pytest.fixture
def team(project, member):
    contractor = contractor_for(
        project, name="安居水电", tech_lead_name="赵工", tech_lead_phone="13600000001"
    )
    training_for(contractor, project)
    supervisor = member("repair_team", project, name="钱监理", phone="13600000002")
    ambassador = member("customer_ambassador", project, name="孙大使", phone="13600000003")
    return contractor, supervisor, ambassador


def _cards():
    return list(
        OutboundMessage.objects.filter(recipient=OWNER_PHONE, body__contains="已派单").order_by(
            "pk"
        )
    )


def _dispatch(case, contractor, supervisor, **kwargs):
    return services.case_dispatch(
        case=case,
        responsible_person="维修组",
        contractor=contractor,
        repair_supervisor=supervisor,
        **kwargs,
    )


def test_dispatch_to_a_registered_contractor_sends_the_card_once(repair, team, unit):
    contractor, supervisor, ambassador = team
    AmbassadorAssignment.objects.create(
        project=repair.project, user=ambassador, building=unit.building
    )
    case = _dispatch(repair, contractor, supervisor)
    assert (case.contractor, case.repair_supervisor) == (contractor, supervisor)
    # The text fields keep the names (for the reports that read them).
    assert (case.repair_contractor, case.supervisor) == ("安居水电", "钱监理")
    assert case.contractor_untrained is False
    (card,) = _cards()
    for text in ("安居水电", "赵工 13600000001", "钱监理 13600000002", "孙大使 13600000003"):
        assert text in card.body
    # Saving the same team again sends nothing.
    services.case_repair_team_change(case=case, contractor=contractor, repair_supervisor=supervisor)
    assert len(_cards()) == 1


def test_a_change_of_team_or_ambassador_sends_the_card_again(repair, team, project, member, unit):
    contractor, supervisor, ambassador = team
    case = _dispatch(repair, contractor, supervisor)
    assert len(_cards()) == 1 and "客户大使：待安排" in _cards()[0].body
    other_supervisor = member("repair_team", project, name="李监理", phone="13600000004")
    services.case_repair_team_change(
        case=case, contractor=contractor, repair_supervisor=other_supervisor
    )
    cards = _cards()
    assert len(cards) == 2 and "李监理 13600000004" in cards[1].body
    # A new ambassador of the building: the card once more, and only once.
    AmbassadorAssignment.objects.create(project=project, user=ambassador, building=unit.building)
    assert services.repair_cards_refresh(project_id=project.pk) == 1
    assert services.repair_cards_refresh(project_id=project.pk) == 0
    assert "孙大使 13600000003" in _cards()[2].body
    # A closed repair gets no card.
    case = services.case_reply(case=case, reply="已修复")
    services.case_close(case=case)
    with pytest.raises(DomainError):
        services.case_repair_team_change(case=case, contractor=contractor)
    assert len(_cards()) == 3


def test_only_active_contractors_of_the_project_are_offered_and_accepted(
    repair, team, project, other_project
):
    contractor, supervisor, _amb = team
    elsewhere = contractor_for(other_project, name="外项目单位")
    eliminated = contractor_for(project, name="已淘汰单位", status="eliminated")
    probation = contractor_for(project, name="考察期单位", status="probation")
    offered = set(DispatchForm(case=repair).fields["contractor"].queryset)
    assert offered == {contractor, probation}
    for wrong in (elsewhere, eliminated):
        with pytest.raises(DomainError):
            _dispatch(repair, wrong, supervisor)
        case = Case.objects.get(pk=repair.pk)
        assert case.status == "new" and case.contractor is None
    outsider = f.UserFactory()
    with pytest.raises(DomainError):
        _dispatch(repair, contractor, outsider)
    assert _cards() == []


def test_a_contractor_without_training_is_flagged_on_dispatch(repair, project, member, client_for):
    untrained = contractor_for(project, name="新来单位")
    front = member("front_desk", project)
    response = client_for(front).post(
        reverse("feedback:case_action", args=[repair.pk, "dispatch"]),
        {"responsible_person": "维修组", "contractor": untrained.pk},
        follow=True,
    )
    body = response.content.decode()
    assert "尚无岗前培训记录" in body
    case = Case.objects.get(pk=repair.pk)
    assert case.contractor == untrained and case.contractor_untrained is True
    assert "无岗前培训记录" in body  # the mark on the case page


def test_a_request_is_dispatched_without_a_team(project, customer):
    case = services.case_create(
        project=project, kind=CaseKind.REQUEST, subject="咨询", customer=customer
    )
    assert "contractor" not in DispatchForm(case=case).fields
    services.case_dispatch(case=case, responsible_person="前台")
    assert OutboundMessage.objects.filter(body__contains="已派单").count() == 0
