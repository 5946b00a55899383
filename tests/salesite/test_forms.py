"""Form validation of the core: customers, purchases (unit named by building and number),
tenants; clear Chinese messages."""

import datetime
import re

import pytest
from django.urls import reverse

from salesite.forms import CustomerForm, PurchaseForm, TenantForm
from salesite.models import Customer, Project, Purchase, Role
from tests import factories as f

pytestmark = pytest.mark.django_db

GOOD_ID = f.valid_id_number(777)
BAD_ID = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")


def customer_data(project=None, **overrides):
    data = {
        "name": "刘洋",
        "phone": "13812345678",
        "id_type": "id_card",
        "id_number": GOOD_ID,
        "emergency_contact": "刘父",
        "emergency_phone": "13900000000",
        "birthday": "1988-08-08",
    }
    if project is not None:
        data["project"] = project.pk
    data.update(overrides)
    return data


def customer_form(project, **overrides):
    return CustomerForm(
        customer_data(project, **overrides), projects=Project.objects.filter(pk=project.pk)
    )


def test_valid_customer(project):
    form = customer_form(project, id_number=GOOD_ID.lower(), phone="138 1234 5678")
    assert form.is_valid(), form.errors
    customer = form.save()
    assert customer.id_number == GOOD_ID.upper()
    assert customer.phone == "13812345678"


def test_bad_id_check_digit(project):
    form = customer_form(project, id_number=BAD_ID)
    assert not form.is_valid()
    assert form.errors["id_number"] == ["身份证号码校验位不正确，请核对。"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11010119900101123", "身份证号码应为 18 位，最后一位可为 X。"),
        ("1101011990010112AB", "身份证号码应为 18 位，最后一位可为 X。"),
    ],
)
def test_malformed_id_number(project, value, message):
    form = customer_form(project, id_number=value)
    assert not form.is_valid()
    assert form.errors["id_number"] == [message]


def test_passport_number_is_not_checked_as_id_card(project):
    assert customer_form(project, id_type="passport", id_number="E1234567").is_valid()


@pytest.mark.parametrize("phone", ["abc", "138-abcd-5678", "12345"])
def test_bad_phone(project, phone):
    form = customer_form(project, phone=phone)
    assert not form.is_valid()
    assert form.errors["phone"] == ["请输入有效的电话号码（只能包含数字和连字符）。"]


def test_future_birthday_and_club_date_without_membership(project):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    form = customer_form(project, birthday=tomorrow, club_joined_on="2026-01-01")
    assert not form.is_valid()
    assert form.errors["birthday"] == ["生日不能晚于今天。"]
    assert form.errors["club_joined_on"] == ["非会员不应填写入会日期。"]


def test_duplicate_id_number_in_the_same_project_on_create(project):
    f.CustomerFactory(project=project, id_number=GOOD_ID)
    form = customer_form(project)
    assert not form.is_valid()
    assert "本项目已有相同证件号码的客户。" in str(form.errors)


def test_same_id_number_in_another_project_is_fine(project, other_project):
    f.CustomerFactory(project=other_project, id_number=GOOD_ID)
    assert customer_form(project).is_valid()


def test_duplicate_id_number_on_edit_is_a_form_error(member, client_for, project):
    """Editing a customer to another customer's ID number: a message, not a server error."""
    f.CustomerFactory(project=project, id_number=GOOD_ID)
    other = f.CustomerFactory(project=project)
    response = client_for(member("front_desk", project)).post(
        reverse("salesite:customer_edit", args=[other.pk]), customer_data()
    )
    assert response.status_code == 200
    assert "本项目已有相同证件号码的客户。" in response.content.decode()
    other.refresh_from_db()
    assert other.id_number != GOOD_ID


def test_create_view_offers_only_projects_the_user_may_add_to(
    member, client_for, project, other_project
):
    user = member("front_desk", project)
    f.MembershipFactory(user=user, project=other_project, role=Role.objects.get(code="security"))
    form = client_for(user).get(reverse("salesite:customer_create")).context["form"]
    assert list(form.fields["project"].queryset) == [project]
    response = client_for(user).post(
        reverse("salesite:customer_create"), customer_data(other_project)
    )
    assert response.status_code == 200
    assert "project" in response.context["form"].errors
    assert not Customer.objects.exists()


# --- purchases -------------------------------------------------------------------------


@pytest.fixture
def customer(project):
    return f.CustomerFactory(project=project)


@pytest.fixture
def building(project):
    building = f.BuildingFactory(project=project, name="5幢")
    for n in range(30):
        f.UnitFactory(building=building, number=f"{1001 + n}")
    return building


def purchase_form(customer, building, number, **data):
    return PurchaseForm(
        {"building": building.pk, "unit_number": number, "is_active": "on", **data},
        customer=customer,
    )


def test_purchase_finds_the_unit_by_building_and_number(customer, building):
    form = purchase_form(
        customer, building, " 1005 ", subscribed_on="2026-01-01", signed_on="2026-01-10"
    )
    assert form.is_valid(), form.errors
    purchase = form.save()
    assert purchase.unit.building == building and purchase.unit.number == "1005"
    assert purchase.customer == customer
    assert purchase.project == customer.project


def test_purchase_unknown_number(customer, building):
    form = purchase_form(customer, building, "9999")
    assert not form.is_valid()
    assert form.errors["unit_number"] == ["该楼栋下没有房号“9999”。"]
    assert not Purchase.objects.exists()


def test_purchase_number_of_another_building_is_unknown(customer, building, project):
    other = f.BuildingFactory(project=project, name="6幢")
    f.UnitFactory(building=other, number="6001")
    assert not purchase_form(customer, building, "6001").is_valid()


def test_purchase_form_has_no_dropdown_over_units(member, client_for, customer, building):
    form = PurchaseForm(customer=customer)
    assert "unit" not in form.fields
    assert list(form.fields["building"].queryset) == [building]
    html = (
        client_for(member("front_desk", customer.project))
        .get(reverse("salesite:purchase_create", args=[customer.pk]))
        .content.decode()
    )
    assert 'name="unit_number"' in html
    assert "1001" not in html and "1030" not in html
    selects = re.findall(r"<select[^>]*name=\"(\w+)\"[^>]*>(.*?)</select>", html, re.S)
    form_selects = {name: body for name, body in selects if name != "language"}
    assert set(form_selects) == {"building"}
    assert form_selects["building"].count("<option") == 2  # the empty label and 5幢


def test_signed_before_subscribed_is_refused(customer, building):
    form = purchase_form(
        customer, building, "1001", subscribed_on="2026-02-01", signed_on="2026-01-01"
    )
    assert not form.is_valid()
    assert form.errors["signed_on"] == ["签约日期不能早于认购日期。"]


def test_same_unit_twice_for_a_customer_is_a_form_error(customer, building):
    f.PurchaseFactory(customer=customer, unit=building.units.get(number="1001"))
    form = purchase_form(customer, building, "1001")
    assert not form.is_valid()
    assert "该客户已登记购买此房号。" in str(form.errors)
    assert Purchase.objects.count() == 1


def test_purchase_view_saves_and_redirects(member, client_for, customer, building):
    response = client_for(member("front_desk", customer.project)).post(
        reverse("salesite:purchase_create", args=[customer.pk]),
        {"building": building.pk, "unit_number": "1002", "is_active": "on"},
    )
    assert response.status_code == 302
    assert Purchase.objects.get().unit.number == "1002"


# --- tenants -----------------------------------------------------------------------------


def test_tenant_found_by_building_and_number(project, building):
    form = TenantForm(
        {
            "building": building.pk,
            "unit_number": "1003",
            "name": "租户甲",
            "phone": "13700000000",
            "id_type": "passport",
            "lease_start": "2026-02-01",
            "lease_end": "2026-01-01",
        },
        project=project,
    )
    assert not form.is_valid()
    assert form.errors["lease_end"] == ["租期结束不能早于开始。"]
    form.data = {**form.data, "lease_end": "2027-01-31"}
    form.full_clean()
    assert form.is_valid(), form.errors
    assert form.save().unit.number == "1003"
