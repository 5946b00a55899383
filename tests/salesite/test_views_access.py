"""``salesite.views_access``: the permission declared at the view is the one enforced."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from salesite.models import Customer, Role
from salesite.selectors import members_holding, users_holding
from salesite.views_access import (
    UNDECLARED,
    declared_permissions,
    get_record,
    permission_for,
    permitted_rows,
    staff_view,
)
from tests import factories as f

CHANGE = "salesite.change_customer"


@staff_view("salesite.view_customer", post=CHANGE)
def customer_page(request, pk):
    customer = get_record(request, Customer.objects.all(), pk=pk)
    return HttpResponse(customer.name)


@staff_view(CHANGE)
def customer_list(request):
    return HttpResponse(",".join(str(c.pk) for c in permitted_rows(request, Customer.objects)))


@staff_view(CHANGE, per_record=True)
def customer_list_per_record(request):
    return HttpResponse(",".join(str(c.pk) for c in permitted_rows(request, Customer.objects)))


@staff_view()
def any_member_page(request, pk):
    return HttpResponse(get_record(request, Customer.objects.all(), pk=pk).name)


@staff_view({"kind": {"look": "salesite.view_customer", "edit": CHANGE}})
def customer_by_kind(request, pk, kind):
    return HttpResponse(get_record(request, Customer.objects.all(), pk=pk).name)


@staff_view({"kind": {"look": "salesite.view_customer", "edit": CHANGE}}, per_record=True)
def customer_by_kind_per_record(request, pk, kind):
    if kind == "gone":
        raise Http404  # the body answers a value the mapping does not name as it sees fit
    return HttpResponse(get_record(request, Customer.objects.all(), pk=pk).name)


@staff_view(post="salesite.view_customer", actions={"edit": CHANGE})
def customer_actions(request, pk):
    return HttpResponse(get_record(request, Customer.objects.all(), pk=pk).name)


def _call(view, user, method="get", data=None, **kwargs):
    request = getattr(RequestFactory(), method)("/x/", data or {})
    request.user = user
    return view(request, **kwargs)


def test_the_declaration_is_readable_on_the_view():
    assert customer_page.staff_permission == "salesite.view_customer"
    assert customer_page.staff_post_permission == CHANGE
    assert any_member_page.staff_permission is None


def test_anonymous_user_is_sent_to_login():
    response = _call(customer_list, AnonymousUser())
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.django_db
def test_a_role_without_the_permission_anywhere_is_refused(member, project):
    security = member("security", project)  # sees customers, may not change them
    with pytest.raises(PermissionDenied):
        _call(customer_list, security)
    # Per record: no early refusal, the list is empty.
    f.CustomerFactory(project=project)
    assert _call(customer_list_per_record, security).content == b""


@pytest.mark.django_db
def test_get_record_applies_the_declared_permission_per_method(member, project):
    customer = f.CustomerFactory(project=project)
    security = member("security", project)
    desk = member("front_desk", project)
    assert _call(customer_page, security, pk=customer.pk).status_code == 200
    with pytest.raises(PermissionDenied):
        _call(customer_page, security, "post", pk=customer.pk)
    assert _call(customer_page, desk, "post", pk=customer.pk).status_code == 200


@pytest.mark.django_db
def test_another_projects_record_is_a_404_even_with_the_permission(member, project):
    other = f.CustomerFactory(project=f.ProjectFactory())
    desk = member("front_desk", project)
    with pytest.raises(Http404):
        _call(customer_page, desk, "post", pk=other.pk)
    with pytest.raises(Http404):
        _call(any_member_page, desk, pk=other.pk)


@pytest.mark.django_db
def test_permitted_rows_hold_only_the_projects_where_the_permission_holds(member, project):
    mine = f.CustomerFactory(project=project)
    second = f.ProjectFactory()
    theirs = f.CustomerFactory(project=second)
    desk = member("front_desk", project)
    # On the second project the user only sees customers: its rows are not listed.
    f.MembershipFactory(user=desk, project=second, role=Role.objects.get(code="security"))
    body = _call(customer_list, desk).content.decode()
    assert str(mine.pk) in body.split(",")
    assert str(theirs.pk) not in body.split(",")


@pytest.mark.django_db
def test_members_holding_groups_active_users_by_project(member, project):
    lead = member("cs_lead", project)
    member("security", project)
    gone = member("cs_lead", project)
    gone.is_active = False
    gone.save()
    other = f.ProjectFactory()
    other_lead = member("cs_lead", other)
    found = members_holding(["cs_lead"], [project.pk, other.pk])
    assert found == {project.pk: [lead], other.pk: [other_lead]}
    by_role = members_holding(["cs_lead", "security"], [project.pk], by_role=True)
    assert set(by_role) == {(project.pk, "cs_lead"), (project.pk, "security")}
    assert {u.pk for u in users_holding(["cs_lead"], [project.pk, other.pk])} == {
        lead.pk,
        other_lead.pk,
    }


def test_a_permission_by_url_argument_is_readable_on_the_view():
    assert customer_by_kind.staff_permission == {
        "kind": {"look": "salesite.view_customer", "edit": CHANGE}
    }
    assert declared_permissions(customer_by_kind) == {"salesite.view_customer", CHANGE}
    assert declared_permissions(customer_page) == {"salesite.view_customer", CHANGE}
    assert declared_permissions(customer_actions) == {"salesite.view_customer", CHANGE}
    assert declared_permissions(any_member_page) == set()
    assert permission_for(customer_by_kind, {"pk": 1, "kind": "edit"}) == CHANGE
    assert permission_for(customer_by_kind, {"pk": 1, "kind": "other"}) is UNDECLARED
    assert permission_for(customer_page, {"pk": 1}, "POST") == CHANGE
    assert permission_for(customer_page, {"pk": 1}) == "salesite.view_customer"
    with pytest.raises(TypeError):
        staff_view({"kind": "salesite.view_customer"})


@pytest.mark.django_db
def test_the_url_argument_picks_the_permission(member, project):
    customer = f.CustomerFactory(project=project)
    security = member("security", project)  # sees customers, may not change them
    desk = member("front_desk", project)
    assert _call(customer_by_kind, security, pk=customer.pk, kind="look").status_code == 200
    with pytest.raises(PermissionDenied):  # at the door: security may change no customer
        _call(customer_by_kind, security, pk=customer.pk, kind="edit")
    assert _call(customer_by_kind, desk, pk=customer.pk, kind="edit").status_code == 200
    # A value the mapping does not name requires a permission nobody holds.
    with pytest.raises(PermissionDenied):
        _call(customer_by_kind, desk, pk=customer.pk, kind="other")


@pytest.mark.django_db
def test_a_permission_by_url_argument_per_record(member, project):
    customer = f.CustomerFactory(project=project)
    other = f.CustomerFactory(project=f.ProjectFactory())
    security = member("security", project)
    desk = member("front_desk", project)
    with pytest.raises(Http404):  # another project's row: 404 before the permission
        _call(customer_by_kind_per_record, security, pk=other.pk, kind="edit")
    with pytest.raises(PermissionDenied):
        _call(customer_by_kind_per_record, security, pk=customer.pk, kind="edit")
    assert _call(customer_by_kind_per_record, desk, pk=customer.pk, kind="edit").status_code == 200
    with pytest.raises(PermissionDenied):  # an unnamed value: refused on the row
        _call(customer_by_kind_per_record, desk, pk=customer.pk, kind="other")
    with pytest.raises(Http404):  # ... after the body's own answer to it
        _call(customer_by_kind_per_record, desk, pk=customer.pk, kind="gone")


@pytest.mark.django_db
def test_a_post_action_may_require_a_second_permission(member, project):
    customer = f.CustomerFactory(project=project)
    security = member("security", project)
    desk = member("front_desk", project)
    assert (
        _call(customer_actions, security, "post", {"action": "note"}, pk=customer.pk).status_code
        == 200
    )
    with pytest.raises(PermissionDenied):
        _call(customer_actions, security, "post", {"action": "edit"}, pk=customer.pk)
    assert (
        _call(customer_actions, desk, "post", {"action": "edit"}, pk=customer.pk).status_code == 200
    )
    # A GET carrying the field is no action.
    assert (
        _call(customer_actions, security, data={"action": "edit"}, pk=customer.pk).status_code
        == 200
    )
