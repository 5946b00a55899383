"""Move-in tenant form and owner file (R-HO-6), company-head confirmation (R-HO-7), and
mock-inspection milestones refused until every unit is inspected (R-HO-1/R-HO-2)."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from handover import services
from handover.models import (
    ConfirmedWith,
    ItemRelease,
    MilestoneKind,
    MilestoneStatus,
    MockInspection,
    MoveIn,
    MoveInTenantInfo,
    OccupantKind,
)
from handover.services import inspections, moves
from salesite.exceptions import DomainError
from salesite.models import Tenant
from tests import factories as f
from tests.handover.factories import make_batch, sold_unit

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2027, 8, 1, 10, 0))
ITEMS = [{"name": "办公桌", "quantity": 2}]
TENANT_ID = f.valid_id_number(4242)


@pytest.fixture
def unit(project):
    return sold_unit(project)[0]


def _tenant_move_in(unit, user=None):
    tenant = f.TenantFactory(unit=unit, owner_commitment_received=True, lease_received=True)
    return moves.movein_register(
        unit=unit,
        user=user,
        occupant_kind=OccupantKind.TENANT,
        move_in_date=datetime.date(2027, 8, 1),
        identity_checked=True,
        tenant=tenant,
    )


def _owner_move_in(unit, user=None):
    return moves.movein_register(
        unit=unit,
        user=user,
        occupant_kind=OccupantKind.OWNER,
        move_in_date=datetime.date(2027, 8, 1),
        identity_checked=True,
    )


def _info(**over):
    data = dict(
        name="李租户",
        phone="13700001111",
        id_type="id_card",
        id_number=TENANT_ID,
        lease_start=datetime.date(2027, 8, 1),
        lease_end=datetime.date(2028, 7, 31),
        emergency_contact="李父",
        emergency_phone="13700002222",
        occupants=3,
        vehicle_plate="浙a12345",
    )
    data.update(over)
    return data


# --- tenant information form ----------------------------------------------------------------


def test_tenant_info_updates_the_tenant_and_is_recorded_once(unit, project, member):
    desk = member("front_desk", project)
    move_in = _tenant_move_in(unit, desk)
    info = moves.movein_tenant_info_record(move_in=move_in, user=desk, now=NOW, **_info())
    tenant = Tenant.objects.get(pk=move_in.tenant_id)
    assert (tenant.name, tenant.phone, tenant.id_number) == ("李租户", "13700001111", TENANT_ID)
    assert tenant.lease_end == datetime.date(2028, 7, 31)
    assert info.occupants == 3 and info.vehicle_plate == "浙A12345"
    assert info.recorded_by == desk and info.recorded_at == NOW and info.project == project
    moves.movein_tenant_info_record(move_in=move_in, user=desk, **_info(occupants=2))
    assert MoveInTenantInfo.objects.get().occupants == 2
    assert Tenant.objects.filter(unit=unit).count() == 1


def test_tenant_info_creates_the_tenant_when_missing(unit):
    move_in = _tenant_move_in(unit)
    MoveIn.objects.filter(pk=move_in.pk).update(tenant=None)
    move_in.refresh_from_db()
    info = moves.movein_tenant_info_record(move_in=move_in, user=None, **_info())
    move_in.refresh_from_db()
    assert move_in.tenant == info.tenant and info.tenant.unit == unit
    assert info.tenant.project_id == unit.project_id


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"lease_end": datetime.date(2027, 7, 1)}, "租期结束"),
        ({"id_number": "330106198001010000"}, "身份证"),
        ({"occupants": 0}, "居住人数"),
        ({"phone": " "}, "手机"),
        ({"emergency_phone": ""}, "紧急联系电话"),
    ],
)
def test_tenant_info_refused_with_chinese_message(unit, over, message):
    move_in = _tenant_move_in(unit)
    with pytest.raises(DomainError, match=message):
        moves.movein_tenant_info_record(move_in=move_in, user=None, **_info(**over))
    assert not MoveInTenantInfo.objects.exists()


def test_tenant_info_refused_for_owner_move_in(unit):
    move_in = _owner_move_in(unit)
    with pytest.raises(DomainError, match="业主入住无需"):
        moves.movein_tenant_info_record(move_in=move_in, user=None, **_info())


# --- owner file update ----------------------------------------------------------------------


def test_owner_file_update_saves_customer_and_records_who_and_when(unit, project, member):
    archivist = member("archivist", project)
    move_in = _owner_move_in(unit)
    moves.movein_owner_file_update(
        move_in=move_in,
        user=archivist,
        phone="13912345678",
        emergency_contact="王妻",
        emergency_phone="13887654321",
        note="入住资料已更新",
        now=NOW,
    )
    move_in.refresh_from_db()
    customer = move_in.customer
    customer.refresh_from_db()
    assert (customer.phone, customer.emergency_contact, customer.emergency_phone) == (
        "13912345678",
        "王妻",
        "13887654321",
    )
    assert move_in.owner_file_updated_at == NOW and move_in.owner_file_updated_by == archivist
    assert move_in.owner_file_note == "入住资料已更新"


def test_owner_file_update_needs_emergency_mobile(unit):
    move_in = _owner_move_in(unit)
    with pytest.raises(DomainError, match="紧急联系手机"):
        moves.movein_owner_file_update(
            move_in=move_in, user=None, phone="139", emergency_contact="x", emergency_phone=""
        )
    move_in.refresh_from_db()
    assert move_in.owner_file_updated_at is None


# --- pages ----------------------------------------------------------------------------------


def _msgs(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_tenant_info_and_owner_file_pages(client_for, member, project, other_project, unit):
    desk = client_for(member("front_desk", project))
    move_in = _tenant_move_in(unit)
    url = reverse("handover:movein_tenant_info", args=[move_in.pk])
    assert desk.get(url).status_code == 200
    data = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in _info().items()}
    r = desk.post(url, {**data, "lease_end": "2027-01-01"})
    assert r.status_code == 200 and "租期结束不能早于开始" in r.content.decode()
    r = desk.post(url, {**data, "id_number": "330106198001010000"})
    assert r.status_code == 200 and "身份证" in r.content.decode()
    r = desk.post(url, data)
    assert r.status_code == 302 and "租户信息登记表已保存" in " ".join(_msgs(r))
    assert MoveInTenantInfo.objects.filter(move_in=move_in).exists()

    owner_url = reverse("handover:movein_owner_file", args=[move_in.pk])
    assert desk.get(owner_url).status_code == 200
    r = desk.post(
        owner_url,
        {"phone": "13912345678", "emergency_contact": "王妻", "emergency_phone": "13887654321"},
    )
    assert r.status_code == 302 and "业主档案已更新" in " ".join(_msgs(r))
    page = desk.get(move_in.get_absolute_url()).content.decode()
    assert "李租户" in page and "已更新" in page

    cashier = client_for(member("cashier", project))
    assert cashier.get(url).status_code == 403
    assert cashier.post(owner_url, {"phone": "1"}).status_code == 403
    other = client_for(member("front_desk", other_project))
    assert other.get(url).status_code == 404
    assert other.get(owner_url).status_code == 404


def test_tenant_info_page_on_owner_move_in_shows_error(client_for, member, project, unit):
    desk = client_for(member("front_desk", project))
    move_in = _owner_move_in(unit)
    url = reverse("handover:movein_tenant_info", args=[move_in.pk])
    data = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in _info().items()}
    r = desk.post(url, data)
    assert r.status_code == 200 and "业主入住无需填写" in r.content.decode()


@pytest.mark.parametrize("n", [3, 30])
def test_movein_list_with_tenant_forms_bounded(
    client_for, member, project, django_assert_max_num_queries, n
):
    building = f.BuildingFactory(project=project)
    for i in range(n):
        u = sold_unit(project, building=building)[0]
        m = _tenant_move_in(u)
        moves.movein_tenant_info_record(
            move_in=m, user=None, **_info(id_number=f.valid_id_number(5000 + i))
        )
        moves.movein_owner_file_update(
            move_in=m, user=None, phone="139", emergency_contact="x", emergency_phone="138"
        )
    c = client_for(member("front_desk", project))
    c.get(reverse("handover:index"))
    with django_assert_max_num_queries(12):
        r = c.get(reverse("handover:movein_list"))
    assert r.status_code == 200 and "未填" not in r.content.decode()


# --- company staff release ------------------------------------------------------------------


@pytest.fixture
def company_unit(project):
    unit, purchase = sold_unit(project)
    customer = purchase.customer
    customer.id_type = "business"
    customer.id_number = "91330100MA2XXXXX0X"
    customer.save()
    return unit


BASE = dict(
    user=None,
    carrier_kind="company_staff",
    carrier_name="公司职员",
    items=ITEMS,
    reason="temporary",
    now=NOW,
)


def test_company_staff_of_company_unit_needs_company_head(company_unit):
    owner_only = dict(
        owner_reachable=True, confirmed_at=NOW, confirmation_answer="同意", owner_agreed=True
    )
    with pytest.raises(DomainError, match="公司负责人姓名"):
        moves.release_create(unit=company_unit, **BASE, **owner_only)
    head = dict(company_head_name="赵总", company_head_phone="13600001111")
    with pytest.raises(DomainError, match="联系不上该公司负责人"):
        moves.release_create(unit=company_unit, **BASE, **head, owner_reachable=False)
    with pytest.raises(DomainError, match="公司负责人核实"):
        moves.release_create(
            unit=company_unit, **BASE, **head, owner_reachable=True, owner_agreed=True
        )
    with pytest.raises(DomainError, match="公司负责人不同意"):
        moves.release_create(
            unit=company_unit,
            **BASE,
            **head,
            owner_reachable=True,
            confirmed_at=NOW,
            confirmation_answer="不同意",
        )
    assert not ItemRelease.objects.exists()
    r = moves.release_create(unit=company_unit, **BASE, **head, **owner_only)
    assert r.confirmed_with == ConfirmedWith.COMPANY_HEAD
    assert (r.company_head_name, r.company_head_phone) == ("赵总", "13600001111")


def test_company_staff_of_private_unit_keeps_owner_confirmation(unit):
    with pytest.raises(DomainError, match="向业主核实"):
        moves.release_create(unit=unit, **BASE, owner_reachable=True, owner_agreed=True)
    r = moves.release_create(
        unit=unit,
        **BASE,
        owner_reachable=True,
        confirmed_at=NOW,
        confirmation_answer="同意",
        owner_agreed=True,
        company_head_name="ignored",
    )
    assert r.confirmed_with == ConfirmedWith.OWNER and r.company_head_name == ""


def test_company_staff_release_page(client_for, member, project, company_unit):
    desk = client_for(member("front_desk", project))
    data = {
        "building": company_unit.building_id,
        "number": company_unit.number,
        "carrier_kind": "company_staff",
        "carrier_name": "小王",
        "items_text": "办公桌 2",
        "reason": "temporary",
        "owner_reachable": "yes",
        "confirmed_at": "2027-08-01 10:00",
        "confirmation_answer": "同意",
        "owner_agreed": "on",
    }
    r = desk.post(reverse("handover:release_create"), data)
    assert r.status_code == 200 and "公司负责人" in r.content.decode()
    r = desk.post(
        reverse("handover:release_create"),
        {**data, "company_head_name": "赵总", "company_head_phone": "13600001111"},
    )
    assert r.status_code == 302
    release = ItemRelease.objects.get()
    assert "赵总" in desk.get(reverse("handover:release_print", args=[release.pk])).content.decode()


# --- mock-inspection milestones -------------------------------------------------------------


def _inspect_all(batch, round_, units, user=None):
    for u in units:
        ins = inspections.inspection_start(
            batch=batch,
            unit=u,
            round=round_,
            user=user,
            inspected_on=datetime.date(2027, 3, 1),
        )
        inspections.inspection_complete(inspection=ins, user=user)


@pytest.mark.parametrize(
    ("kind", "round_"), [(MilestoneKind.FIRST_MOCK, 1), (MilestoneKind.SECOND_MOCK, 2)]
)
def test_mock_milestone_refused_until_every_unit_inspected(project, kind, round_):
    batch = make_batch(project, units=3)
    units = list(batch.units.order_by("number"))
    milestone = batch.milestones.get(kind=kind)
    if round_ == 2:
        _inspect_all(batch, 1, units)
    _inspect_all(batch, round_, units[:2])
    # an inspection started but not completed does not count
    inspections.inspection_start(
        batch=batch, unit=units[2], round=round_, user=None, inspected_on=datetime.date(2027, 3, 1)
    )
    with pytest.raises(DomainError, match="还有 1 户未完成"):
        services.milestone_complete(milestone=milestone, user=None, result_note="完成")
    milestone.refresh_from_db()
    assert milestone.status != MilestoneStatus.DONE
    ins = MockInspection.objects.get(batch=batch, unit=units[2], round=round_)
    inspections.inspection_complete(inspection=ins, user=None)
    services.milestone_complete(milestone=milestone, user=None, result_note="完成")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.DONE


def test_mock_milestone_page_shows_the_refusal(client_for, member, project):
    batch = make_batch(project, units=2)
    milestone = batch.milestones.get(kind=MilestoneKind.FIRST_MOCK)
    c = client_for(member("cs_lead", project))
    r = c.post(reverse("handover:milestone_complete", args=[milestone.pk]), {"result_note": "x"})
    assert r.status_code == 302
    assert any("还有 2 户未完成第一次模拟验收" in m for m in _msgs(r))
    milestone.refresh_from_db()
    assert milestone.status != MilestoneStatus.DONE
