"""List pages at scale: the paginator counts at most COUNT_LIMIT rows (a million problems are
not counted on every page) and says so; per-project selects wait for the project."""

import pytest
from django.db.models import Count
from django.urls import reverse

from salesite import views
from salesite.models import Customer
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_count_is_capped_and_marked(monkeypatch, project):
    monkeypatch.setattr(views, "COUNT_LIMIT", 3)
    for _ in range(5):
        f.CustomerFactory(project=project)
    paginator = views.CappedPaginator(Customer.objects.order_by("name"), 2)
    assert paginator.count == 3 and paginator.capped
    assert paginator.num_pages == 2
    exact = views.CappedPaginator(Customer.objects.none(), 2)
    assert exact.count == 0 and not exact.capped


def test_grouped_rows_are_counted_as_rows(project):
    for _ in range(4):
        f.CustomerFactory(project=project)
    grouped = Customer.objects.values("project").annotate(n=Count("pk")).order_by("project")
    paginator = views.CappedPaginator(grouped, 10)
    assert paginator.count == 1 and not paginator.capped


def test_list_page_shows_the_capped_total(monkeypatch, member, project, client_for):
    monkeypatch.setattr(views, "COUNT_LIMIT", 2)
    for _ in range(3):
        f.CustomerFactory(project=project)
    page = client_for(member("cs_lead", project)).get(reverse("salesite:customer_list"))
    assert "共 2+ 条" in page.content.decode()


def test_building_options_follow_the_chosen_project_for_users_of_many_projects(
    client_for, member, project, other_project
):
    """HQ sees every project's buildings: the select lists them once a project is chosen
    (hundreds of options otherwise); a one-project user gets theirs at once."""
    mine = f.BuildingFactory(project=project)
    theirs = f.BuildingFactory(project=other_project)
    url = reverse("salesite:unit_list")
    hq = client_for(f.UserFactory(company=f.HQFactory()))
    options = hq.get(url).context["filter"].form.fields["building"].queryset
    assert list(options) == []
    options = hq.get(url, {"project": project.pk}).context["filter"].form.fields["building"]
    assert list(options.queryset) == [mine]
    linked = hq.get(url, {"building": theirs.pk}).context["filter"]
    assert list(linked.form.fields["building"].queryset) == [theirs] and linked.is_valid()
    desk = client_for(member("front_desk", project))
    assert list(desk.get(url).context["filter"].form.fields["building"].queryset) == [mine]
