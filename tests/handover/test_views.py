"""Pages of batches and handover cases: scoping, permissions, forms, bounded queries."""

import datetime

import pytest
from django.urls import reverse

from handover import services
from handover.models import CaseStatus, DeliveryBatch, HandoverCase, MilestoneStatus
from tests import factories as f
from tests.handover.factories import FeeItemFactory, make_batch, run_steps, sold_unit

pytestmark = pytest.mark.django_db


def test_index_and_batch_pages(client_for, member, project):
    batch = make_batch(project)
    c = client_for(member("cs_lead", project))
    assert c.get(reverse("handover:index")).status_code == 200
    page = c.get(reverse("handover:batch_list")).content.decode()
    assert batch.name in page
    detail = c.get(batch.get_absolute_url()).content.decode()
    assert "第一次模拟验收" in detail and "前期设计质量摸底" in detail


def test_other_projects_batch_is_404_and_not_listed(client_for, member, project, other_project):
    theirs = make_batch(other_project, name="别人的批次")
    c = client_for(member("cs_lead", project))
    assert c.get(theirs.get_absolute_url()).status_code == 404
    assert "别人的批次" not in c.get(reverse("handover:batch_list")).content.decode()
    m = theirs.milestones.first()
    r = c.post(reverse("handover:milestone_complete", args=[m.pk]), {"result_note": "x"})
    assert r.status_code == 404


def test_create_batch_by_building_and_unit_labels(client_for, member, project):
    b1 = f.BuildingFactory(project=project, name="1幢")
    b2 = f.BuildingFactory(project=project, name="2幢")
    f.UnitFactory(building=b1, number="101")
    f.UnitFactory(building=b1, number="102")
    f.UnitFactory(building=b2, number="201")
    c = client_for(member("cs_lead", project))
    r = c.post(
        reverse("handover:batch_create"),
        {
            "project": project.pk,
            "name": "首批",
            "planned_delivery_date": "2027-06-30",
            "buildings": [b1.pk],
            "unit_labels": "2幢-201",
        },
    )
    assert r.status_code == 302
    batch = DeliveryBatch.objects.get(name="首批")
    assert batch.units.count() == 3 and batch.milestones.count() == 8


def test_front_desk_cannot_create_batch(client_for, member, project):
    c = client_for(member("front_desk", project))
    assert c.get(reverse("handover:batch_create")).status_code == 403


def test_change_date_and_complete_milestone_through_pages(client_for, member, project):
    batch = make_batch(project)
    c = client_for(member("cs_lead", project))
    r = c.post(
        reverse("handover:batch_change_date", args=[batch.pk]),
        {"planned_delivery_date": "2027-12-31"},
    )
    assert r.status_code == 302
    batch.refresh_from_db()
    assert batch.planned_delivery_date == datetime.date(2027, 12, 31)
    m = batch.milestones.first()
    c.post(reverse("handover:milestone_complete", args=[m.pk]), {"result_note": "已完成"})
    m.refresh_from_db()
    assert m.status == MilestoneStatus.DONE


def test_step_by_step_pages(client_for, member, project):
    FeeItemFactory(project=project)
    unit, _p = sold_unit(project)
    desk = member("front_desk", project)
    c = client_for(desk)
    r = c.post(
        reverse("handover:case_start"), {"building": unit.building_id, "number": unit.number}
    )
    assert r.status_code == 302
    case = HandoverCase.objects.get(unit=unit)
    assert c.get(case.get_absolute_url()).status_code == 200
    # out of order: step 2 before step 1 is refused with a message, nothing written
    r = c.post(reverse("handover:case_step", args=[case.pk, 2]), {"copies": ["id_copy"]})
    assert r.status_code == 200 and "请先完成步骤" in r.content.decode()
    assert case.steps.count() == 0
    step = reverse("handover:case_step", args=[case.pk, 1])
    assert c.post(step, {"id_checked": "on", "contract_checked": "on"}).status_code == 302
    c.post(reverse("handover:case_step", args=[case.pk, 2]), {"copies": ["id_copy"]})
    r = c.post(
        reverse("handover:case_step", args=[case.pk, 3]),
        {"emergency_phone": "", "birthday": ""},
    )
    assert r.status_code == 200  # required fields
    c.post(
        reverse("handover:case_step", args=[case.pk, 3]),
        {"emergency_phone": "13912345678", "birthday": "1980-01-02"},
    )
    c.post(reverse("handover:case_step", args=[case.pk, 4]), {"signed": "on"})
    c.post(reverse("handover:case_step", args=[case.pk, 5]), {"handover_date": "2027-06-30"})
    case.refresh_from_db()
    assert case.last_step == 5 and case.fee_total
    # the front desk may not record the payment
    r = c.post(
        reverse("handover:case_step", args=[case.pk, 6]),
        {"amount": str(case.fee_total), "receipt_number": "R9"},
    )
    assert r.status_code == 403
    cashier = client_for(member("cashier", project))
    r = cashier.post(
        reverse("handover:case_step", args=[case.pk, 6]),
        {"amount": str(case.fee_total), "receipt_number": "R9"},
    )
    assert r.status_code == 302
    assert cashier.post(reverse("handover:case_step", args=[case.pk, 7]), {}).status_code == 403
    for n, data in [
        (7, {"keys_count": "3", "handbooks_ready": "on"}),
        (8, {"owner_signed": "on"}),
        (9, {}),
    ]:
        r = c.post(reverse("handover:case_step", args=[case.pk, n]), data)
        assert r.status_code == 302, r.content.decode()[-3000:]
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED


def test_acceptance_rectification_and_not_taken_pages(client_for, member, project):
    FeeItemFactory(project=project)
    unit, _p = sold_unit(project)
    desk = member("front_desk", project)
    case = services.case_start(unit=unit, user=desk)
    c = client_for(desk)
    data = {
        "water_reading": "1",
        "electricity_reading": "2",
        "inspected_on": "2027-06-30",
        "room_living": "ok",
        "room_bedrooms": "ok",
        "room_kitchen": "defect",
        "room_bathrooms": "ok",
        "room_balcony": "na",
        "room_doors_windows": "ok",
        "room_plumbing_electric": "ok",
    }
    assert c.get(reverse("handover:acceptance_edit", args=[case.pk])).status_code == 200
    assert c.post(reverse("handover:acceptance_edit", args=[case.pk]), data).status_code == 302
    r = c.post(
        reverse("handover:rectification_add", args=[case.pk]),
        {
            "location": "厨房",
            "description": "台面裂缝",
            "responsible_unit": "精装",
            "deadline": "2099-01-01",
        },
    )
    assert r.status_code == 302
    item = case.rectifications.get()
    # front desk has no right to change the rectification status
    r = c.post(reverse("handover:rectification_status", args=[item.pk]), {"status": "fixed"})
    assert r.status_code == 403
    eng = client_for(member("engineering", project))
    eng.post(reverse("handover:rectification_status", args=[item.pk]), {"status": "fixed"})
    item.refresh_from_db()
    assert item.status == "fixed"
    page = c.get(case.get_absolute_url()).content.decode()
    assert "台面裂缝" in page
    r = c.post(reverse("handover:case_not_taken", args=[case.pk]), {"reason": "出国"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.NOT_TAKEN


def test_other_projects_case_is_404_and_not_listed(client_for, member, project, other_project):
    FeeItemFactory(project=other_project)
    unit, _p = sold_unit(other_project)
    theirs = services.case_start(unit=unit, user=None)
    c = client_for(member("front_desk", project))
    assert c.get(theirs.get_absolute_url()).status_code == 404
    assert c.post(reverse("handover:case_step", args=[theirs.pk, 1]), {}).status_code == 404
    assert unit.number not in c.get(reverse("handover:case_list")).content.decode()
    # and a unit of another project cannot be picked
    r = c.post(
        reverse("handover:case_start"), {"building": unit.building_id, "number": unit.number}
    )
    assert r.status_code == 200 and not HandoverCase.objects.filter(created_by__isnull=False)


def _make_cases(project, n, user):
    FeeItemFactory(project=project)
    building = f.BuildingFactory(project=project)
    for i in range(n):
        unit, _p = sold_unit(project, building=building)
        case = services.case_start(unit=unit, user=user)
        if i % 3 == 0:
            run_steps(case, user, 5)


@pytest.mark.parametrize("n", [3, 30])
def test_list_queries_are_bounded(client_for, member, project, django_assert_max_num_queries, n):
    user = member("cs_lead", project)
    _make_cases(project, n, user)
    for i in range(n // 3):
        make_batch(project, name=f"批{i}", units=1)
    c = client_for(user)
    c.get(reverse("handover:case_list"))  # warm caches (session, content types)
    with django_assert_max_num_queries(14):
        assert c.get(reverse("handover:case_list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert c.get(reverse("handover:batch_list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert c.get(reverse("handover:index")).status_code == 200
    batch = DeliveryBatch.objects.first()
    with django_assert_max_num_queries(20):
        assert c.get(batch.get_absolute_url()).status_code == 200
    case = HandoverCase.objects.first()
    with django_assert_max_num_queries(22):
        assert c.get(case.get_absolute_url()).status_code == 200
