"""Personal data (R-X-5): lists always masked; full values on a record's page only for roles
that need them; the audit trail masks them too."""

import pytest
from django.urls import reverse

from salesite.masking import mask_id_number, mask_phone
from salesite.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
ID_NUMBER = f.valid_id_number(4242)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+8613812345678", "+86*******5678"),
        ("0571-8888", "*****8888"),
        ("123456", "****56"),
        ("12", "12"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("110101199001011234", "1101**********1234"),
        ("E12345678", "E123*5678"),
        ("H123456", "H*****6"),
        ("AB", "**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(value, masked):
    assert mask_id_number(value) == masked


def test_masked_values_keep_no_more_than_seven_digits_of_a_phone():
    masked = mask_phone(PHONE)
    assert len(masked) == len(PHONE)
    assert sum(ch.isdigit() for ch in masked) == 7
    assert sum(ch.isdigit() for ch in mask_id_number(ID_NUMBER)) == 8


@pytest.fixture
def customer(project):
    return f.CustomerFactory(
        project=project, phone=PHONE, id_number=ID_NUMBER, emergency_phone="13600001111"
    )


@pytest.mark.parametrize("role", ["front_desk", "cs_lead", "security", "engineering"])
def test_customer_list_never_shows_full_values(member, client_for, project, customer, role):
    html = client_for(member(role, project)).get(reverse("salesite:customer_list")).content.decode()
    assert customer.name in html
    assert PHONE not in html
    assert ID_NUMBER not in html
    assert mask_phone(PHONE) in html


def test_customer_list_search_by_phone_still_masks(member, client_for, project, customer):
    response = client_for(member("front_desk", project)).get(
        reverse("salesite:customer_list"), {"q": "5678"}
    )
    html = response.content.decode()
    assert customer.name in html and PHONE not in html


@pytest.mark.parametrize("role", ["front_desk", "cs_lead"])
def test_detail_shows_full_values_to_roles_that_need_them(
    member, client_for, project, customer, role
):
    html = (
        client_for(member(role, project))
        .get(reverse("salesite:customer_detail", args=[customer.pk]))
        .content.decode()
    )
    assert PHONE in html
    assert ID_NUMBER in html
    assert "13600001111" in html


@pytest.mark.parametrize("role", ["security", "engineering"])
def test_detail_masks_values_for_other_roles(member, client_for, project, customer, role):
    html = (
        client_for(member(role, project))
        .get(reverse("salesite:customer_detail", args=[customer.pk]))
        .content.decode()
    )
    assert customer.name in html
    assert PHONE not in html
    assert ID_NUMBER not in html
    assert "13600001111" not in html
    assert mask_phone(PHONE) in html
    assert mask_id_number(ID_NUMBER) in html


def test_personal_data_role_on_another_project_does_not_count(
    member, client_for, project, other_project, customer
):
    """cs_lead elsewhere + security here: this project's page stays masked."""
    user = member("security", project)
    f.MembershipFactory(user=user, project=other_project, role=Role.objects.get(code="cs_lead"))
    html = (
        client_for(user)
        .get(reverse("salesite:customer_detail", args=[customer.pk]))
        .content.decode()
    )
    assert PHONE not in html and ID_NUMBER not in html


def test_audit_trail_masks_personal_data_for_other_roles(member, client_for, project, customer):
    desk = member("front_desk", project)
    new_phone = "13987654321"
    client_for(desk).post(
        reverse("salesite:customer_edit", args=[customer.pk]),
        {
            "name": customer.name,
            "phone": new_phone,
            "id_type": customer.id_type,
            "id_number": customer.id_number,
            "emergency_contact": customer.emergency_contact,
            "emergency_phone": customer.emergency_phone,
            "birthday": "1985-05-01",
        },
    )
    guard_html = (
        client_for(member("security", project))
        .get(reverse("salesite:customer_detail", args=[customer.pk]))
        .content.decode()
    )
    audit = guard_html[guard_html.index('id="audit"') :]
    assert "手机" in audit  # the change itself is shown …
    assert PHONE not in guard_html and new_phone not in guard_html  # … but masked
    assert mask_phone(new_phone) in audit
    desk_html = (
        client_for(desk)
        .get(reverse("salesite:customer_detail", args=[customer.pk]))
        .content.decode()
    )
    desk_audit = desk_html[desk_html.index('id="audit"') :]
    assert PHONE in desk_audit and new_phone in desk_audit
