"""The home page's project rows are written by a tag (issue #17): the same markup as the
template loop it replaced, in both languages."""

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from salesite.models import Role
from salesite.selectors import projects_for
from salesite.templatetags.salesite_tags import home_project_rows
from tests import factories as f
from tests.salesite.test_filter_form import tokens

pytestmark = pytest.mark.django_db

# The loop of salesite/home.html that the home_project_rows tag replaced.
LOOP = """{% load i18n %}{% for p in projects %}
          <tr>
            <td><a href="{% url 'salesite:project_detail' p.pk %}">{{ p.name }}</a></td>
            <td><span class="badge text-bg-secondary">{{ p.get_marketing_phase_display }}</span></td>
            <td class="d-none d-md-table-cell">{{ p.service_centre }}</td>
            <td class="text-end"><a href="{% url 'salesite:unit_list' %}?project={{ p.pk }}">{{ p.unit_count }}</a></td>
            <td class="text-end"><a href="{% url 'salesite:customer_list' %}?project={{ p.pk }}">{{ p.customer_count }}</a></td>
          </tr>{% endfor %}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_tag_writes_what_the_template_loop_wrote(member, language):
    first = f.ProjectFactory(name="<滨江> & 壹号", marketing_phase="sold_out")
    second = f.ProjectFactory(name="云栖")
    f.UnitFactory.create_batch(3, building=f.BuildingFactory(project=second))
    f.CustomerFactory(project=second)
    user = member("cs_lead", first)
    f.MembershipFactory(user=user, project=second, role=Role.objects.get(code="cs_lead"))
    projects = list(projects_for(user))
    assert {p.pk for p in projects} == {first.pk, second.pk}
    with translation.override(language):
        loop = engines["django"].from_string(LOOP).render({"projects": projects})
        rows = home_project_rows(projects)
    assert tokens(rows) == tokens(loop)
    assert "&lt;滨江&gt; &amp; 壹号" in rows
    assert ("Sold out" if language == "en" else "售罄") in rows
    assert f'{reverse("salesite:unit_list")}?project={second.pk}">3<' in rows


def test_home_lists_the_users_projects_or_says_there_are_none(member, project, client_for):
    page = client_for(member("cs_lead", project)).get(reverse("home")).content.decode()
    assert reverse("salesite:project_detail", args=[project.pk]) in page
    assert "您还没有被分配到任何项目" not in page
    nobody = client_for(f.UserFactory()).get(reverse("home")).content.decode()
    assert "您还没有被分配到任何项目" in nobody


def test_home_counts_are_the_lists_counts_and_follow_a_new_unit(
    member, django_capture_on_commit_callbacks
):
    """The home page's counts come from a snapshot (home_projects): the same as the project
    list counts, and a committed unit or customer shows at once."""
    from salesite.selectors import home_projects
    from tests.dashboard.conftest import commit

    first, second = f.ProjectFactory(name="滨江"), f.ProjectFactory(name="云栖")
    f.UnitFactory.create_batch(3, building=f.BuildingFactory(project=second))
    f.CustomerFactory(project=first)
    user = member("cs_lead", first)
    f.MembershipFactory(user=user, project=second, role=Role.objects.get(code="cs_lead"))
    commit()

    def counts(projects):
        return {p.pk: (p.unit_count, p.customer_count) for p in projects}

    assert counts(home_projects(user)) == counts(projects_for(user))
    assert counts(home_projects(user)) == {first.pk: (0, 1), second.pk: (3, 0)}
    with django_capture_on_commit_callbacks(execute=True):
        f.UnitFactory(building=f.BuildingFactory(project=first))
    assert counts(home_projects(user)) == {first.pk: (1, 1), second.pk: (3, 0)}
    assert len(home_projects(user, limit=1)) == 1
