"""Pages do not run a query per row (SPEC §9): the same, small number of queries with 3 rows
as with 30."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salesite.attachments import attachment_add
from salesite.models import Role
from salesite.notifications import notify
from tests import factories as f

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def fill_project(project, n):
    """n units in n buildings, n customers with a purchase each."""
    for _ in range(n):
        unit = f.UnitFactory(building=f.BuildingFactory(project=project))
        f.PurchaseFactory(unit=unit, customer=f.CustomerFactory(project=project))


@pytest.fixture
def desk(project, member):
    return member("front_desk", project)


def build(kind, n, project, desk, media_root):
    """Rows for one page; returns the url to request."""
    if kind in ("customers", "units"):
        fill_project(project, n)
        return reverse(f"salesite:{kind[:-1]}_list")
    if kind in ("projects", "home"):
        role = Role.objects.get(code="front_desk")
        for _ in range(n):
            other = f.ProjectFactory()
            f.MembershipFactory(user=desk, project=other, role=role)
            fill_project(other, 1)
        return reverse("salesite:project_list") if kind == "projects" else reverse("home")
    if kind == "inbox":
        for i in range(n):
            notify(recipient=desk, title=f"通知{i}", project=project, email=False)
        return reverse("salesite:inbox")
    if kind == "customer_detail":
        customer = f.CustomerFactory(project=project)
        for i in range(n):
            unit = f.UnitFactory(building=f.BuildingFactory(project=project))
            f.PurchaseFactory(unit=unit, customer=customer)
            f.TenantFactory(unit=unit)
            attachment_add(owner=customer, uploaded=SimpleUploadedFile(f"{i}.png", PNG), user=desk)
            customer.notes = f"第 {i} 次修改"
            customer.save()  # one audit entry per change
        return reverse("salesite:customer_detail", args=[customer.pk])
    raise AssertionError(kind)


# Bounds measured on the pages as they are (3 and 30 rows give the same count); a page that runs
# a query per row, or grows its fixed cost, fails here long before it is slow in production.
BOUNDS = {
    "customers": 12,
    "units": 13,
    "projects": 9,
    "home": 13,  # project table + the operations blocks (rosters, plans) of the home page
    "inbox": 5,
    # +3: the owner portal panel (owners/staff_views.customer_panel): its access row, and one
    # query per owners.activity provider (survey links answered, portal cases)
    "customer_detail": 14,
}


@pytest.mark.parametrize("kind", list(BOUNDS))
def test_queries_do_not_grow_with_rows(kind, member, client_for, media_root):
    counts = {}
    for n in (3, 30):
        project = f.ProjectFactory()
        user = member("front_desk", project)
        url = build(kind, n, project, user, media_root)
        c = client_for(user)
        c.get(url)  # warm the per-process caches (content types) so both runs compare alike
        counts[n] = count_queries(c, url)
    assert counts[3] == counts[30], counts
    assert counts[30] <= BOUNDS[kind], counts
