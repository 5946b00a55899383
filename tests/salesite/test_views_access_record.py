"""``staff_record_view``: the permission declared at the view, applied to the row only — no
early 403, so another project's row stays a 404 and a list narrows to nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from salesite.models import Customer
from salesite.views_access import get_record, permitted_rows, staff_record_view
from tests import factories as f

CHANGE = "salesite.change_customer"


@staff_record_view(CHANGE)
def customer_edit(request, pk):
    return HttpResponse(get_record(request, Customer.objects.all(), pk=pk).name)


@staff_record_view(CHANGE)
def customer_list(request):
    return HttpResponse(",".join(str(c.pk) for c in permitted_rows(request, Customer.objects)))


@staff_record_view("salesite.view_customer", post=CHANGE)
def customer_page(request, pk):
    return HttpResponse(get_record(request, Customer.objects.all(), pk=pk).name)


def _call(view, user, method="get", **kwargs):
    request = getattr(RequestFactory(), method)("/x/")
    request.user = user
    return view(request, **kwargs)


def test_the_declaration_is_readable_on_the_view():
    assert customer_edit.staff_permission == CHANGE
    assert customer_page.staff_post_permission == CHANGE


@pytest.mark.django_db
def test_a_role_without_the_permission_anywhere_gets_404_then_403_and_an_empty_list(
    member, project
):
    security = member("security", project)  # sees customers, may change them nowhere
    mine = f.CustomerFactory(project=project)
    other = f.CustomerFactory(project=f.ProjectFactory())
    with pytest.raises(Http404):
        _call(customer_edit, security, pk=other.pk)
    with pytest.raises(PermissionDenied):
        _call(customer_edit, security, pk=mine.pk)
    assert _call(customer_list, security).content == b""
    assert _call(customer_page, security, pk=mine.pk).status_code == 200
    with pytest.raises(PermissionDenied):
        _call(customer_page, security, "post", pk=mine.pk)


@pytest.mark.django_db
def test_a_holder_gets_the_row(member, project):
    desk = member("front_desk", project)
    mine = f.CustomerFactory(project=project)
    assert _call(customer_edit, desk, pk=mine.pk).status_code == 200
    assert _call(customer_list, desk).content.decode() == str(mine.pk)
