"""The permission layer (R-X-1): lists do not leak, another project's objects are 404, a
missing permission is 403, company and HQ scope, attachments, Django admin, editable roles."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from salesite.access import visible_project_ids
from salesite.attachments import attachment_add
from salesite.models import Customer, MarketingPhase, Project, Role, Unit
from tests import factories as f

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def listed(response) -> set[int]:
    return {obj.pk for obj in response.context["page"].object_list}


@pytest.fixture
def rows(project_a, project_b):
    """A unit, a customer and a purchase in each project."""
    data = {}
    for key, project in (("a", project_a), ("b", project_b)):
        unit = f.UnitFactory(building=f.BuildingFactory(project=project, name=f"{key}-1幢"))
        customer = f.CustomerFactory(project=project, name=f"客户{key.upper()}乙丙")
        purchase = f.PurchaseFactory(unit=unit, customer=customer)
        data[key] = {"unit": unit, "customer": customer, "purchase": purchase}
    return data


@pytest.fixture
def desk_a(member, project_a):
    return member("front_desk", project_a)


# --- lists do not leak -------------------------------------------------------------------


def test_customer_list_shows_only_own_project(client_for, desk_a, rows):
    response = client_for(desk_a).get(reverse("salesite:customer_list"))
    assert response.status_code == 200
    assert listed(response) == {rows["a"]["customer"].pk}
    html = response.content.decode()
    assert rows["a"]["customer"].name in html
    assert rows["b"]["customer"].name not in html
    assert reverse("salesite:customer_detail", args=[rows["b"]["customer"].pk]) not in html


def test_customer_list_filter_by_other_project_does_not_leak(client_for, desk_a, rows, project_b):
    response = client_for(desk_a).get(reverse("salesite:customer_list"), {"project": project_b.pk})
    assert rows["b"]["customer"].name not in response.content.decode()
    # A project outside the filter's choices is ignored, never used to reach its rows.
    assert rows["b"]["customer"].pk not in listed(response)


def test_unit_list_shows_only_own_project(client_for, desk_a, rows):
    response = client_for(desk_a).get(reverse("salesite:unit_list"))
    assert listed(response) == {rows["a"]["unit"].pk}
    html = response.content.decode()
    assert reverse("salesite:unit_detail", args=[rows["b"]["unit"].pk]) not in html
    assert "b-1幢" not in html


def test_project_list_and_home_show_only_own_project(client_for, desk_a, project_a, project_b):
    c = client_for(desk_a)
    response = c.get(reverse("salesite:project_list"))
    assert listed(response) == {project_a.pk}
    assert project_b.name not in response.content.decode()
    home = c.get(reverse("home"))
    assert home.status_code == 200
    assert [p.pk for p in home.context["projects"]] == [project_a.pk]
    assert project_a.name in home.content.decode()
    assert project_b.name not in home.content.decode()


# --- another project's objects are 404 ---------------------------------------------------


def test_other_projects_objects_are_404(client_for, desk_a, rows, project_a, project_b):
    c = client_for(desk_a)
    b = rows["b"]
    own = rows["a"]
    assert c.get(reverse("salesite:customer_detail", args=[own["customer"].pk])).status_code == 200
    assert c.get(reverse("salesite:unit_detail", args=[own["unit"].pk])).status_code == 200
    assert c.get(reverse("salesite:project_detail", args=[project_a.pk])).status_code == 200
    for url in (
        reverse("salesite:customer_detail", args=[b["customer"].pk]),
        reverse("salesite:customer_edit", args=[b["customer"].pk]),
        reverse("salesite:unit_detail", args=[b["unit"].pk]),
        reverse("salesite:unit_edit", args=[b["unit"].pk]),
        reverse("salesite:project_detail", args=[project_b.pk]),
        reverse("salesite:project_phase_change", args=[project_b.pk]),
        reverse("salesite:import_register", args=[project_b.pk]),
        reverse("salesite:purchase_create", args=[b["customer"].pk]),
        reverse("salesite:purchase_edit", args=[b["customer"].pk, b["purchase"].pk]),
        reverse("salesite:tenant_create", args=[project_b.pk]),
    ):
        assert c.get(url).status_code == 404, url


def test_posting_to_other_projects_objects_changes_nothing(client_for, desk_a, rows, project_b):
    c = client_for(desk_a)
    customer = rows["b"]["customer"]
    response = c.post(
        reverse("salesite:customer_edit", args=[customer.pk]),
        {"name": "篡改", "phone": "13900000000", "id_type": "id_card", "id_number": "x"},
    )
    assert response.status_code == 404
    customer.refresh_from_db()
    assert customer.name != "篡改"
    response = c.post(
        reverse("salesite:project_phase_change", args=[project_b.pk]),
        {"to_phase": MarketingPhase.DISPLAYING, "changed_on": "2026-01-01"},
    )
    assert response.status_code == 404
    project_b.refresh_from_db()
    assert project_b.marketing_phase == MarketingPhase.PREPARING


def test_purchase_of_own_customer_cannot_name_another_projects_building(client_for, desk_a, rows):
    customer = rows["a"]["customer"]
    other_unit = rows["b"]["unit"]
    response = client_for(desk_a).post(
        reverse("salesite:purchase_create", args=[customer.pk]),
        {"building": other_unit.building_id, "unit_number": other_unit.number, "is_active": "on"},
    )
    assert response.status_code == 200
    assert "building" in response.context["form"].errors
    assert not other_unit.purchases.filter(customer=customer).exists()


# --- seeing is not enough: 403 without the permission ------------------------------------


def test_security_role_cannot_edit_customer(member, client_for, project_a, rows):
    guard = member("security", project_a)
    c = client_for(guard)
    customer = rows["a"]["customer"]
    assert c.get(reverse("salesite:customer_detail", args=[customer.pk])).status_code == 200
    assert c.get(reverse("salesite:customer_edit", args=[customer.pk])).status_code == 403
    response = c.post(
        reverse("salesite:customer_edit", args=[customer.pk]),
        {"name": "改名", "phone": customer.phone, "id_type": "id_card"},
    )
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.name != "改名"
    assert c.get(reverse("salesite:customer_create")).status_code == 403
    assert "无权访问" in c.get(reverse("salesite:customer_create")).content.decode()


def test_front_desk_cannot_import_or_change_phase(client_for, desk_a, project_a):
    c = client_for(desk_a)
    assert c.get(reverse("salesite:import_register", args=[project_a.pk])).status_code == 403
    assert c.get(reverse("salesite:project_phase_change", args=[project_a.pk])).status_code == 403
    response = c.post(
        reverse("salesite:project_phase_change", args=[project_a.pk]),
        {"to_phase": MarketingPhase.DISPLAYING, "changed_on": "2026-01-01"},
    )
    assert response.status_code == 403
    project_a.refresh_from_db()
    assert project_a.marketing_phase == MarketingPhase.PREPARING


def test_developer_role_sees_units_but_cannot_edit_them(member, client_for, project_a, rows):
    dev = member("dev_marketing_supervisor", project_a)
    c = client_for(dev)
    unit = rows["a"]["unit"]
    assert c.get(reverse("salesite:unit_detail", args=[unit.pk])).status_code == 200
    assert c.get(reverse("salesite:unit_edit", args=[unit.pk])).status_code == 403
    assert c.get(reverse("salesite:unit_create")).status_code == 403


# --- company scope and HQ -----------------------------------------------------------------


def test_subsidiary_gm_sees_every_project_of_its_company_only(
    member, client_for, project_a, sibling_of_a, project_b
):
    gm = member("subsidiary_gm", project_a)
    assert set(visible_project_ids(gm)) == {project_a.pk, sibling_of_a.pk}
    c = client_for(gm)
    assert listed(c.get(reverse("salesite:project_list"))) == {project_a.pk, sibling_of_a.pk}
    sibling_customer = f.CustomerFactory(project=sibling_of_a)
    other_customer = f.CustomerFactory(project=project_b)
    assert c.get(reverse("salesite:customer_detail", args=[sibling_customer.pk])).status_code == 200
    assert c.get(reverse("salesite:customer_detail", args=[other_customer.pk])).status_code == 404
    # Company-scope permissions reach the sibling project too (change_marketing_phase).
    assert gm.has_perm("salesite.change_marketing_phase", sibling_of_a)
    assert not gm.has_perm("salesite.change_marketing_phase", project_b)


def test_project_role_does_not_extend_to_sibling_projects(
    client_for, desk_a, sibling_of_a, project_a
):
    assert visible_project_ids(desk_a) == [project_a.pk]
    customer = f.CustomerFactory(project=sibling_of_a)
    response = client_for(desk_a).get(reverse("salesite:customer_detail", args=[customer.pk]))
    assert response.status_code == 404


def test_user_of_property_hq_sees_all(client_for, project_a, project_b, rows):
    hq_user = f.UserFactory(company=f.HQFactory())
    assert visible_project_ids(hq_user) is None
    c = client_for(hq_user)
    assert listed(c.get(reverse("salesite:project_list"))) == {project_a.pk, project_b.pk}
    assert listed(c.get(reverse("salesite:customer_list"))) == {
        rows["a"]["customer"].pk,
        rows["b"]["customer"].pk,
    }
    assert c.get(reverse("salesite:unit_detail", args=[rows["b"]["unit"].pk])).status_code == 200


def test_access_is_read_in_one_query_and_keeps_the_hq_company(
    member, project_a, project_b, django_assert_num_queries
):
    """The memberships, their roles' permissions and the company's kind come in one query; a
    member of a project whose company is the HQ still sees every project."""
    from salesite.access import get_access

    desk = member("front_desk", project_a)
    desk = type(desk).objects.get(pk=desk.pk)  # nothing cached on the instance
    with django_assert_num_queries(1):
        access = get_access(desk)
    assert not access.sees_all and access.project_ids == {project_a.pk}
    assert "salesite.view_customer" in access.project_perms[project_a.pk]
    hq_member = f.UserFactory(company=f.HQFactory())
    f.MembershipFactory(user=hq_member, project=project_b)
    hq_member = type(hq_member).objects.get(pk=hq_member.pk)
    with django_assert_num_queries(1):
        assert visible_project_ids(hq_member) is None
    # A role holding no permission still counts as a membership.
    bare = Role.objects.create(code="bare", name="无权限角色", side=Role.Side.PROPERTY)
    f.MembershipFactory(user=desk, project=project_b, role=bare)
    desk = type(desk).objects.get(pk=desk.pk)
    assert get_access(desk).project_ids == {project_a.pk, project_b.pk}
    assert get_access(desk).project_perms[project_b.pk] == set()


def test_hq_inspector_role_sees_all_but_cannot_edit(member, client_for, project_a, project_b, rows):
    inspector = member("hq_inspector", project_a)
    c = client_for(inspector)
    assert listed(c.get(reverse("salesite:customer_list"))) == {
        rows["a"]["customer"].pk,
        rows["b"]["customer"].pk,
    }
    customer_b = rows["b"]["customer"]
    assert c.get(reverse("salesite:customer_detail", args=[customer_b.pk])).status_code == 200
    assert c.get(reverse("salesite:customer_edit", args=[customer_b.pk])).status_code == 403


def test_user_without_memberships_sees_nothing(client_for, project_a, rows):
    nobody = f.UserFactory(company=project_a.service_centre)
    c = client_for(nobody)
    assert visible_project_ids(nobody) == []
    assert listed(c.get(reverse("salesite:customer_list"))) == set()
    assert listed(c.get(reverse("salesite:unit_list"))) == set()
    assert listed(c.get(reverse("salesite:project_list"))) == set()
    assert list(c.get(reverse("home")).context["projects"]) == []
    assert (
        c.get(reverse("salesite:customer_detail", args=[rows["a"]["customer"].pk])).status_code
        == 404
    )
    assert c.get(reverse("salesite:project_detail", args=[project_a.pk])).status_code == 404


def test_inactive_membership_gives_no_access(member, project_a):
    user = member("front_desk", project_a)
    user.memberships.update(is_active=False)
    user = type(user).objects.get(pk=user.pk)
    assert visible_project_ids(user) == []
    assert not user.has_perm("salesite.view_customer", f.CustomerFactory(project=project_a))


# --- attachments ---------------------------------------------------------------------------


def test_attachment_of_another_project_is_404(client_for, desk_a, rows, media_root):
    mine = attachment_add(
        owner=rows["a"]["customer"],
        uploaded=SimpleUploadedFile("a.png", PNG, content_type="image/png"),
        user=None,
    )
    theirs = attachment_add(
        owner=rows["b"]["customer"],
        uploaded=SimpleUploadedFile("b.png", PNG, content_type="image/png"),
        user=None,
    )
    c = client_for(desk_a)
    assert c.get(reverse("salesite:attachment_download", args=[mine.pk])).status_code == 200
    assert c.get(reverse("salesite:attachment_download", args=[theirs.pk])).status_code == 404


def test_upload_onto_another_projects_record_is_404(client_for, desk_a, rows, media_root):
    from django.contrib.contenttypes.models import ContentType

    customer = rows["b"]["customer"]
    ct = ContentType.objects.get_for_model(Customer)
    response = client_for(desk_a).post(
        reverse("salesite:attachment_upload", args=[ct.pk, customer.pk]),
        {"file": SimpleUploadedFile("x.png", PNG, content_type="image/png")},
    )
    assert response.status_code == 404
    assert not customer.project.attachments.exists()


# --- Django admin --------------------------------------------------------------------------


@pytest.fixture
def staff_a(member, project_a):
    return member("front_desk", project_a, is_staff=True)


def test_admin_changelist_shows_only_own_projects_customers(client_for, staff_a, rows):
    c = client_for(staff_a)
    response = c.get(reverse("admin:salesite_customer_changelist"))
    assert response.status_code == 200
    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert shown == {rows["a"]["customer"].pk}
    html = response.content.decode()
    assert rows["a"]["customer"].name in html
    assert rows["b"]["customer"].name not in html


def test_admin_change_page_of_other_project_is_refused(client_for, staff_a, rows):
    c = client_for(staff_a)
    own = c.get(reverse("admin:salesite_customer_change", args=[rows["a"]["customer"].pk]))
    assert own.status_code == 200
    url = reverse("admin:salesite_customer_change", args=[rows["b"]["customer"].pk])
    response = c.get(url)
    # Django admin answers a row outside get_queryset with a redirect to the index.
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert response.url == reverse("admin:index")
    response = c.post(url, {"name": "篡改"})
    assert response.status_code in (302, 404)
    rows["b"]["customer"].refresh_from_db()
    assert rows["b"]["customer"].name != "篡改"


def test_admin_unit_and_project_lists_are_scoped(client_for, staff_a, rows, project_a):
    c = client_for(staff_a)
    units = c.get(reverse("admin:salesite_unit_changelist"))
    assert {u.pk for u in units.context["cl"].result_list} == {rows["a"]["unit"].pk}
    projects = c.get(reverse("admin:salesite_project_changelist"))
    assert {p.pk for p in projects.context["cl"].result_list} == {project_a.pk}


def test_admin_without_staff_flag_is_refused(client_for, desk_a):
    response = client_for(desk_a).get(reverse("admin:salesite_customer_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url


# --- ProjectRoleBackend: roles are editable ------------------------------------------------


def test_removing_a_permission_from_a_role_takes_effect(client_for, desk_a, rows):
    customer = rows["a"]["customer"]
    c = client_for(desk_a)
    assert c.get(reverse("salesite:customer_edit", args=[customer.pk])).status_code == 200
    role = Role.objects.get(code="front_desk")
    role.permissions.remove(
        Permission.objects.get(content_type__app_label="salesite", codename="change_customer")
    )
    assert c.get(reverse("salesite:customer_edit", args=[customer.pk])).status_code == 403
    fresh = type(desk_a).objects.get(pk=desk_a.pk)
    assert not fresh.has_perm("salesite.change_customer", customer)
    assert fresh.has_perm("salesite.view_customer", customer)


def test_adding_a_permission_to_a_role_takes_effect(client_for, desk_a, project_a):
    c = client_for(desk_a)
    url = reverse("salesite:import_register", args=[project_a.pk])
    assert c.get(url).status_code == 403
    Role.objects.get(code="front_desk").permissions.add(
        Permission.objects.get(content_type__app_label="salesite", codename="import_register")
    )
    assert c.get(url).status_code == 200


def test_backend_object_permission_is_per_project(member, project_a, project_b):
    user = member("cs_lead", project_a)
    member_b = member("security", project_b)
    assert user.has_perm("salesite.change_unit", f.UnitFactory(building__project=project_a))
    assert not user.has_perm("salesite.change_unit", f.UnitFactory(building__project=project_b))
    assert not member_b.has_perm("salesite.change_unit", f.UnitFactory(building__project=project_b))
    # Global permission (obj=None) is the union of the user's roles.
    assert user.has_perm("salesite.change_unit")
    assert not member_b.has_perm("salesite.change_unit")


def test_inactive_user_has_no_permissions(member, project_a):
    user = member("cs_lead", project_a, is_active=False)
    assert not user.has_perm("salesite.view_customer", f.CustomerFactory(project=project_a))
    assert visible_project_ids(user) == []
    assert Project.objects.visible_to(user).count() == 0
    assert Unit.objects.visible_to(user).count() == 0


def test_unit_edit_form_offers_only_own_buildings(client_for, member, project_a, rows):
    lead = member("cs_lead", project_a)
    response = client_for(lead).get(reverse("salesite:unit_create"))
    buildings = set(response.context["form"].fields["building"].queryset)
    assert buildings == {rows["a"]["unit"].building}


def test_phase_change_of_own_project_allowed_for_centre_head(member, client_for, project_a):
    head = member("centre_head", project_a)
    response = client_for(head).post(
        reverse("salesite:project_phase_change", args=[project_a.pk]),
        {"to_phase": MarketingPhase.DISPLAYING, "changed_on": datetime.date.today().isoformat()},
    )
    assert response.status_code == 302
    project_a.refresh_from_db()
    assert project_a.marketing_phase == MarketingPhase.DISPLAYING


def test_developer_roles_do_not_see_customers_of_their_project(member, client_for):
    """Customers carry personal data: a developer's marketing manager has no view_customer."""
    from tests import factories as f

    project = f.ProjectFactory()
    customer = f.CustomerFactory(project=project)
    dev = client_for(member("dev_marketing_manager", project))
    listing = dev.get("/core/customers/")
    assert listing.status_code == 200
    assert customer.name not in listing.content.decode()
    assert dev.get(f"/core/customers/{customer.pk}/").status_code == 403
    desk = client_for(member("front_desk", project))
    assert customer.name in desk.get("/core/customers/").content.decode()
