"""Owner portal pages: the login flow, the separation of owner and staff sessions, 我的房屋 and
its denials, and the staff panel that shows and changes a number's portal access."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.models import AmbassadorAssignment
from owners.models import LoginCode, OwnerAccess
from owners.sessions import SESSION_KEY
from tests import factories as f

from .conftest import last_code

pytestmark = pytest.mark.django_db

MOBILE = "13900000001"


def _log_in(client, mobile, *, ip="10.1.1.1"):
    client.post(reverse("owners:login"), {"mobile": mobile}, REMOTE_ADDR=ip)
    return client.post(reverse("owners:login_verify"), {"code": last_code(mobile)}, REMOTE_ADDR=ip)


def test_login_with_an_sms_code_opens_my_units(purchase):
    client = Client()
    response = _log_in(client, MOBILE)
    assert response.status_code == 302 and response["Location"] == reverse("owners:home")
    page = client.get(reverse("owners:home"))
    assert page.status_code == 200
    assert purchase.unit.number in page.content.decode()
    assert client.session[SESSION_KEY]["customer_ids"] == [purchase.customer_id]
    assert "_auth_user_id" not in client.session  # no staff login
    access = OwnerAccess.objects.get(mobile=MOBILE)
    assert access.last_login_at is not None and access.last_login_ip == "10.1.1.1"


def test_unknown_and_known_numbers_get_the_same_answer(purchase):
    answers = []
    for mobile in (MOBILE, "13712345678"):
        response = Client().post(reverse("owners:login"), {"mobile": mobile}, follow=True)
        body = response.content.decode().replace(mobile[7:], "####")
        answers.append((response.status_code, response.redirect_chain, body))
    assert answers[0][:2] == answers[1][:2]
    # The pages differ only by the CSRF token.
    strip = [
        "\n".join(line for line in body.splitlines() if "csrfmiddlewaretoken" not in line)
        for _s, _c, body in answers
    ]
    assert strip[0] == strip[1]
    assert LoginCode.objects.count() == 2


def test_wrong_code_is_refused_on_the_page(purchase):
    client = Client()
    client.post(reverse("owners:login"), {"mobile": MOBILE})
    response = client.post(reverse("owners:login_verify"), {"code": "12345x"})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    code = last_code(MOBILE)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(reverse("owners:login_verify"), {"code": wrong})
    assert "验证码错误或已失效" in response.content.decode()
    assert client.get(reverse("owners:home")).status_code == 302


def test_a_disabled_number_is_refused_and_logged_out(purchase, owner_client, member):
    client = owner_client(MOBILE)
    assert client.get(reverse("owners:home")).status_code == 200
    OwnerAccess.objects.update_or_create(mobile=MOBILE, defaults={"is_disabled": True})
    response = client.get(reverse("owners:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("owners:login"))
    assert SESSION_KEY not in client.session
    # and cannot log in again
    client.post(reverse("owners:login"), {"mobile": MOBILE})
    assert not LoginCode.objects.get().sent


def test_owner_pages_send_anonymous_visitors_to_the_owner_login(db):
    response = Client().get(reverse("owners:home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('owners:login')}?next=/owner/"


def test_owner_pages_refuse_staff(purchase, member, client_for):
    staff = member("front_desk", purchase.unit.project)
    client = client_for(staff)
    for url in (
        reverse("owners:home"),
        reverse("owners:unit_detail", args=[purchase.unit_id]),
        reverse("owners:login"),
        reverse("owners:login_verify"),
    ):
        assert client.get(url).status_code == 403, url


def test_an_owner_session_is_no_staff_login(purchase, owner_client):
    client = owner_client(MOBILE)
    for name, args in [
        ("home", []),
        ("salesite:customer_detail", [purchase.customer_id]),
        ("salesite:unit_detail", [purchase.unit_id]),
        ("feedback:case_list", []),
    ]:
        url = reverse(name, args=args)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    assert client.get("/admin/").status_code == 302


def test_owner_login_ends_a_staff_session(purchase, member):
    staff = member("front_desk", purchase.unit.project)
    client = Client()
    client.force_login(staff)
    # A staff login cannot reach the owner login ...
    assert client.get(reverse("owners:login")).status_code == 403
    assert client.post(reverse("owners:login"), {"mobile": MOBILE}).status_code == 403
    assert not LoginCode.objects.exists()
    # ... and an owner login replaces whatever session there was (a new key, no staff user).
    client.logout()
    client.get(reverse("owners:login"))
    session_key = client.session.session_key
    _log_in(client, MOBILE)
    assert client.session.session_key != session_key
    assert "_auth_user_id" not in client.session


def test_another_owners_unit_is_404(purchase, owner_client):
    other = f.PurchaseFactory(unit__building=purchase.unit.building)
    client = owner_client(MOBILE)
    assert client.get(reverse("owners:unit_detail", args=[purchase.unit_id])).status_code == 200
    assert client.get(reverse("owners:unit_detail", args=[other.unit_id])).status_code == 404
    assert client.get(reverse("owners:unit_detail", args=[999999])).status_code == 404
    assert other.unit.number not in client.get(reverse("owners:home")).content.decode()


def test_my_units_across_projects_with_handover_state_and_contacts(purchase, owner_client, member):
    from handover.models import HandoverCase

    project = purchase.unit.project
    project.service_hours = "每日 8:30–17:30"
    project.service_phone = "0571-88880000"
    project.save()
    ambassador = member("customer_ambassador", project, phone="13511112222", name="王大使")
    AmbassadorAssignment.objects.create(
        project=project, user=ambassador, building=purchase.unit.building
    )
    HandoverCase.objects.create(
        project=project, unit=purchase.unit, customer=purchase.customer, status="completed"
    )
    elsewhere = f.PurchaseFactory(customer__phone=MOBILE)  # the same person, another project
    page = owner_client(MOBILE).get(reverse("owners:home")).content.decode()
    for text in (
        project.name,
        elsewhere.unit.project.name,
        purchase.unit.building.name,
        "已交接",
        "王大使",
        "13511112222",
        "0571-88880000",
        "每日 8:30–17:30",
        "待交付",
    ):
        assert text in page, text


def test_a_tenant_sees_the_rented_unit_without_the_owners_data(purchase, owner_client):
    from handover.models import HandoverCase

    HandoverCase.objects.create(
        project=purchase.unit.project,
        unit=purchase.unit,
        customer=purchase.customer,
        status="completed",
    )
    tenant = f.TenantFactory(unit=purchase.unit, phone="13600000009")
    client = owner_client(tenant.phone)
    page = client.get(reverse("owners:home")).content.decode()
    assert purchase.unit.number in page and "租户" in page
    assert "已交接" not in page and purchase.customer.name not in page
    assert client.get(reverse("owners:unit_detail", args=[purchase.unit_id])).status_code == 200


def test_my_units_query_count_does_not_grow_with_units(purchase, owner_client):
    client = owner_client(MOBILE)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("owners:home")).status_code == 200
    for _ in range(6):
        f.PurchaseFactory(customer__phone=MOBILE)
    with CaptureQueriesContext(connection) as seven:
        page = client.get(reverse("owners:home"))
    assert page.content.decode().count('class="owner-card"') == 7
    assert len(seven) == len(one), [q["sql"] for q in seven.captured_queries]
    assert len(seven) <= 12


def test_logout_ends_the_owner_session(purchase, owner_client):
    client = owner_client(MOBILE)
    assert client.post(reverse("owners:logout")).status_code == 302
    assert client.get(reverse("owners:home")).status_code == 302


def test_next_is_kept_only_for_owner_pages(purchase):
    client = Client()
    unit_url = reverse("owners:unit_detail", args=[purchase.unit_id])
    client.post(reverse("owners:login"), {"mobile": MOBILE, "next": unit_url})
    response = client.post(reverse("owners:login_verify"), {"code": last_code(MOBILE)})
    assert response["Location"] == unit_url
    client = Client()
    client.post(reverse("owners:login"), {"mobile": "13712340000", "next": "https://evil.example/"})
    assert client.session.get("owners.pending_mobile") == "13712340000"
    assert client.session.get("owners.next") == ""


# --- staff side ----------------------------------------------------------------------------------


def test_customer_page_shows_portal_activity(purchase, member, client_for, owner_client):
    _log_in(Client(), MOBILE)
    staff = member("front_desk", purchase.unit.project)
    page = client_for(staff).get(reverse("salesite:customer_detail", args=[purchase.customer_id]))
    html = page.content.decode()
    assert 'id="owner-portal-panel"' in html
    assert reverse("owners_staff:access_toggle", args=[purchase.customer_id]) in html


def test_front_desk_disables_and_enables_access(purchase, member, client_for, owner_client):
    staff = member("front_desk", purchase.unit.project)
    client = client_for(staff)
    url = reverse("owners_staff:access_toggle", args=[purchase.customer_id])
    assert client.post(url, {"action": "disable", "reason": ""}).status_code == 302
    assert not OwnerAccess.objects.filter(mobile=MOBILE, is_disabled=True).exists()
    client.post(url, {"action": "disable", "reason": "手机遗失"})
    access = OwnerAccess.objects.get(mobile=MOBILE)
    assert access.is_disabled and access.disabled_reason == "手机遗失"
    assert access.changed_by == staff
    assert owner_client(MOBILE).get(reverse("owners:home")).status_code == 302
    client.post(url, {"action": "enable"})
    assert not OwnerAccess.objects.get(mobile=MOBILE).is_disabled


def test_roles_without_the_permission_cannot_change_access(purchase, member, client_for):
    url = reverse("owners_staff:access_toggle", args=[purchase.customer_id])
    engineer = client_for(member("engineering", purchase.unit.project))
    assert engineer.post(url, {"action": "disable", "reason": "x"}).status_code in {403, 404}
    outsider = client_for(member("front_desk", f.ProjectFactory()))
    assert outsider.post(url, {"action": "disable", "reason": "x"}).status_code == 404
    assert not OwnerAccess.objects.filter(is_disabled=True).exists()
    lead = client_for(member("cs_lead", purchase.unit.project))
    lead.post(url, {"action": "disable", "reason": "业主要求"})
    assert OwnerAccess.objects.get(mobile=MOBILE).is_disabled
