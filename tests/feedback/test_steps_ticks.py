"""The workflows that perform a 6+2 action tick it (issue #19 item 1, R-FB-9): the handover's
inspection, fee explanation and handbooks, the move-in's congratulation and service channels,
the renovation lecture's attendance — each once, with the member and the channel."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from feedback.models import CustomerStepRecord
from handover import services as handover_services
from handover.models import OccupantKind
from handover.services import moves
from renovation import services as renovation_services
from renovation.models import RenovationLecture
from tests import factories as f
from tests.handover.factories import FeeItemFactory, run_steps, sold_unit

pytestmark = pytest.mark.django_db

D = datetime.date


def _ticks(customer):
    return {
        r.action.code: (r.done_on, r.channel, r.recorded_by_id)
        for r in CustomerStepRecord.objects.filter(customer=customer).select_related("action")
    }


def test_handover_workflow_ticks_inspection_fees_and_renovation_guidance(project, member):
    desk = member("front_desk", project)
    FeeItemFactory(project=project, name="物业管理费", rate="2.50")
    unit, purchase = sold_unit(project)
    case = handover_services.case_start(unit=unit, user=desk)
    handover_services.acceptance_record(
        case=case,
        user=desk,
        room_items={"living": "ok"},
        water_reading=Decimal("1.00"),
        electricity_reading=Decimal("2.00"),
        inspected_on=D(2027, 6, 29),
    )
    run_steps(case, desk, 8, handover_date=D(2027, 6, 30))
    today = timezone.localdate()
    ticks = _ticks(purchase.customer)
    assert ticks["inspection_guidance"] == (D(2027, 6, 29), "face", desk.pk)
    assert ticks["fees_explained"] == (today, "face", desk.pk)
    assert ticks["renovation_guidance"] == (today, "written", desk.pk)
    assert ticks["handover"][0] == D(2027, 6, 30)
    # Correcting the acceptance form later keeps the first date.
    handover_services.acceptance_record(
        case=case,
        user=desk,
        room_items={"living": "ok"},
        water_reading=Decimal("1.00"),
        electricity_reading=Decimal("2.00"),
        inspected_on=D(2027, 7, 2),
    )
    assert _ticks(purchase.customer)["inspection_guidance"][0] == D(2027, 6, 29)
    assert CustomerStepRecord.objects.filter(action__code="inspection_guidance").count() == 1


def test_move_in_ticks_congratulation_and_complaint_guidance_only_when_done(project, member):
    desk = member("front_desk", project)
    unit, purchase = sold_unit(project)
    moves.movein_register(
        unit=unit,
        user=desk,
        occupant_kind=OccupantKind.OWNER,
        move_in_date=D(2027, 8, 1),
        identity_checked=True,
        congratulated=True,
        service_info_given=False,
    )
    assert _ticks(purchase.customer) == {"congratulations": (D(2027, 8, 1), "face", desk.pk)}
    moves.movein_register(
        unit=unit,
        user=desk,
        occupant_kind=OccupantKind.OWNER,
        move_in_date=D(2027, 8, 3),
        identity_checked=True,
        congratulated=True,
        service_info_given=True,
    )
    ticks = _ticks(purchase.customer)
    assert ticks["congratulations"][0] == D(2027, 8, 1)  # the first date is kept
    assert ticks["complaint_guidance"] == (D(2027, 8, 3), "face", desk.pk)


def test_lecture_attendance_ticks_renovation_guidance(project, member):
    desk = member("front_desk", project)
    building = f.BuildingFactory(project=project)
    unit = f.UnitFactory(building=building)
    owner = f.PurchaseFactory(unit=unit, customer=f.CustomerFactory(project=project)).customer
    lecture = RenovationLecture.objects.create(
        project=project, held_on=D(2026, 5, 10), topic="防水", speaker="刘工"
    )
    renovation_services.lecture_attendees_add(lecture=lecture, unit=unit, user=desk)
    assert _ticks(owner) == {"renovation_guidance": (D(2026, 5, 10), "event", desk.pk)}
    # A walk-in attendee without a customer record ticks nothing.
    renovation_services.lecture_attendees_add(lecture=lecture, unit=unit, user=desk, name="装修工")
    assert CustomerStepRecord.objects.count() == 1


def test_a_phone_callback_ticks_its_action_with_the_caller(project, member):
    from feedback import services as feedback_services
    from feedback.models import CallbackTask, Question
    from tests.feedback.conftest import sh

    amb = member("customer_ambassador", project)
    customer = f.CustomerFactory(project=project)
    task = CallbackTask.objects.create(
        project=project,
        customer=customer,
        rule="quality_1y",
        source_key="t",
        due_date=D(2026, 3, 1),
    )
    q = Question.objects.filter(questionnaire__rule="quality_1y", kind="scale").first()
    feedback_services.callback_record_outcome(
        task=task, reached=True, answers={q.pk: 5}, user=amb, now=sh(2026, 3, 2, 9, 0)
    )
    assert _ticks(customer) == {"check_1y": (D(2026, 3, 2), "phone", amb.pk)}
