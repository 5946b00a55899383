"""The unit handover workflow (R-HO-4): nine steps in order, with their data and rules."""

import datetime
from decimal import Decimal

import pytest

from handover import services
from handover.models import (
    CaseStatus,
    FeeBasis,
    FeeLine,
    HandoverStepRecord,
    RectificationStatus,
)
from salesite.exceptions import DomainError
from salesite.models import Customer
from tests import factories as f
from tests.handover.factories import FeeItemFactory, run_steps, sold_unit

pytestmark = pytest.mark.django_db


def test_steps_refused_out_of_order_and_nothing_written(case, front_desk):
    with pytest.raises(DomainError, match="请先完成步骤"):
        services.step_copies(case=case, user=front_desk, copies=["id_copy"])
    with pytest.raises(DomainError):
        services.step_fees(case=case, user=front_desk, handover_date=datetime.date(2027, 1, 1))
    assert not HandoverStepRecord.objects.exists()
    assert not FeeLine.objects.exists()
    case.refresh_from_db()
    assert case.last_step == 0 and case.fee_total is None


def test_a_step_cannot_be_done_twice(case, front_desk):
    run_steps(case, front_desk, 1)
    with pytest.raises(DomainError, match="已完成"):
        services.step_verify(case=case, user=front_desk, id_checked=True, contract_checked=True)


def test_verify_requires_id_and_contract(case, front_desk):
    with pytest.raises(DomainError):
        services.step_verify(case=case, user=front_desk, id_checked=True, contract_checked=False)
    assert case.steps.count() == 0


def test_owner_file_requires_emergency_mobile_and_birthday_and_saves_customer(case, front_desk):
    run_steps(case, front_desk, 2)
    with pytest.raises(DomainError, match="紧急联系手机"):
        services.step_owner_file(
            case=case, user=front_desk, emergency_phone="", birthday=datetime.date(1980, 1, 1)
        )
    with pytest.raises(DomainError, match="生日"):
        services.step_owner_file(
            case=case, user=front_desk, emergency_phone="13911112222", birthday=None
        )
    services.step_owner_file(
        case=case,
        user=front_desk,
        emergency_phone="13911112222",
        birthday=datetime.date(1979, 12, 31),
        emergency_contact="张三",
    )
    customer = Customer.objects.get(pk=case.customer_id)
    assert customer.emergency_phone == "13911112222"
    assert customer.birthday == datetime.date(1979, 12, 31)
    assert customer.emergency_contact == "张三"


def test_fees_six_months_from_handover_date_per_fee_item(project, front_desk):
    FeeItemFactory(project=project, name="物业管理费", rate="2.35")
    FeeItemFactory(project=project, name="垃圾清运费", basis=FeeBasis.FIXED_MONTH, rate="15.00")
    FeeItemFactory(project=project, name="停用项目", rate="9.99", is_active=False)
    unit, _p = sold_unit(project, area="89.37")
    case = services.case_start(unit=unit, user=front_desk)
    run_steps(case, front_desk, 5, handover_date=datetime.date(2028, 8, 31))
    lines = {line.name: line for line in case.fee_lines.all()}
    assert set(lines) == {"物业管理费", "垃圾清运费"}
    assert lines["物业管理费"].amount == Decimal("1260.12")
    assert lines["垃圾清运费"].amount == Decimal("90.00")
    assert lines["物业管理费"].period_start == datetime.date(2028, 8, 31)
    assert lines["物业管理费"].period_end == datetime.date(2029, 2, 27)
    assert case.fee_start == datetime.date(2028, 8, 31)
    assert case.fee_end == datetime.date(2029, 2, 27)
    assert case.fee_total == Decimal("1350.12")
    assert case.handover_date == datetime.date(2028, 8, 31)


def test_fees_leap_year_end(case, front_desk):
    run_steps(case, front_desk, 5, handover_date=datetime.date(2027, 9, 1))
    assert case.fee_end == datetime.date(2028, 2, 29)
    assert case.fee_total == Decimal("1500.00")  # 2.50 × 100 × 6


def test_fees_refused_without_fee_items(project, front_desk):
    unit, _p = sold_unit(project)
    case = services.case_start(unit=unit, user=front_desk)
    run_steps(case, front_desk, 4)
    with pytest.raises(DomainError, match="收费项目"):
        services.step_fees(case=case, user=front_desk, handover_date=datetime.date(2027, 1, 1))
    assert case.steps.count() == 4


def test_payment_must_match_total(case, front_desk, member, project):
    cashier = member("cashier", project)
    run_steps(case, front_desk, 5)
    with pytest.raises(DomainError, match="不符"):
        services.step_payment(case=case, user=cashier, amount=Decimal("1"), receipt_number="R1")
    services.step_payment(case=case, user=cashier, amount=Decimal("1500.00"), receipt_number="R1")
    case.refresh_from_db()
    assert case.paid_amount == Decimal("1500.00") and case.paid_by_cashier == cashier


def test_kept_key_required_when_rectification_items_exist(case, front_desk):
    run_steps(case, front_desk, 6)
    services.rectification_add(
        case=case,
        user=front_desk,
        location="主卫",
        description="地漏返味",
        responsible_unit="总包",
        deadline=datetime.date(2099, 1, 1),
    )
    with pytest.raises(DomainError, match="留一把钥匙"):
        services.step_keys_ready(case=case, user=front_desk, keys_count=3, handbooks_ready=True)
    services.step_keys_ready(
        case=case,
        user=front_desk,
        keys_count=3,
        handbooks_ready=True,
        owner_consulted=True,
        key_kept=True,
    )
    case.refresh_from_db()
    assert case.key_kept and case.owner_consulted_on_key


def test_full_handover_completes_the_case(case, front_desk):
    case = run_steps(case, front_desk, 9)
    assert case.status == CaseStatus.COMPLETED
    assert case.completed_on == datetime.date(2027, 6, 30)
    assert case.owner_signed and not case.key_kept
    assert case.steps.count() == 9


def test_signature_required(case, front_desk):
    run_steps(case, front_desk, 7)
    with pytest.raises(DomainError, match="签字"):
        services.step_handed_over(case=case, user=front_desk, owner_signed=False)


def test_case_requires_active_purchase(project, front_desk):
    unit = f.UnitFactory(building=f.BuildingFactory(project=project))
    with pytest.raises(DomainError, match="购房记录"):
        services.case_start(unit=unit, user=front_desk)


def test_not_taken_records_reason_and_blocks_steps(case, front_desk):
    with pytest.raises(DomainError):
        services.case_mark_not_taken(unit=case.unit, reason=" ", user=front_desk)
    services.case_mark_not_taken(unit=case.unit, reason="业主在外地", user=front_desk)
    case.refresh_from_db()
    assert case.status == CaseStatus.NOT_TAKEN and case.not_taken_reason == "业主在外地"
    with pytest.raises(DomainError):
        run_steps(case, front_desk, 1)
    services.case_resume(case=case, user=front_desk)
    run_steps(case, front_desk, 1)


def test_not_taken_without_a_case(project, front_desk):
    unit, _p = sold_unit(project)
    case = services.case_mark_not_taken(unit=unit, reason="房屋质量异议", user=front_desk)
    assert case.status == CaseStatus.NOT_TAKEN and case.customer_id


def test_acceptance_form_and_rectification_lifecycle(case, front_desk, member, project):
    rec = services.acceptance_record(
        case=case,
        user=front_desk,
        room_items={"living": "ok", "kitchen": "defect"},
        water_reading=Decimal("1.20"),
        electricity_reading=Decimal("3.40"),
        gas_reading=None,
    )
    assert rec.room_items["kitchen"] == "defect"
    with pytest.raises(DomainError):
        services.rectification_add(
            case=case,
            user=front_desk,
            location="厨房",
            description="橱柜门歪",
            responsible_unit="精装单位",
            deadline=datetime.date(2020, 1, 1),
        )
    item = services.rectification_add(
        case=case,
        user=front_desk,
        location="厨房",
        description="橱柜门歪",
        responsible_unit="精装单位",
        deadline=datetime.date(2099, 1, 1),
    )
    eng = member("engineering", project)
    with pytest.raises(DomainError):
        services.rectification_set_status(
            item=item, to_status=RectificationStatus.VERIFIED, user=eng
        )
    services.rectification_set_status(item=item, to_status=RectificationStatus.FIXED, user=eng)
    item = services.rectification_set_status(
        item=item, to_status=RectificationStatus.VERIFIED, user=eng
    )
    assert item.verified_by == eng and item.fixed_on
    assert list(item.history.values_list("from_status", "to_status", "by")) == [
        (RectificationStatus.OPEN, RectificationStatus.FIXED, eng.pk),
        (RectificationStatus.FIXED, RectificationStatus.VERIFIED, eng.pk),
    ]
    with pytest.raises(DomainError, match="整改状态不能从“已验证”变为“待整改”。"):
        services.rectification_set_status(item=item, to_status=RectificationStatus.OPEN, user=eng)
