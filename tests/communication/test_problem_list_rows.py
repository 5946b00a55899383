"""The problem list's rows are written by a tag (issue #17): the same markup as the template
loop it replaced, for every status, in both languages."""

import datetime

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone, translation

from communication.selectors import problems_for
from communication.templatetags.communication_tags import problem_rows
from tests import factories as f
from tests.communication.factories import ProblemFactory
from tests.salesite.test_filter_form import tokens

pytestmark = pytest.mark.django_db

# The loop of communication/problem_list.html that the problem_rows tag replaced.
LOOP = """{% load i18n %}  {% for p in page %}
    <tr><td><a href="{% url 'communication:problem_detail' p.pk %}">{{ p.title }}</a></td>
      <td><span class="badge text-bg-{% if p.status == 'resolved' %}success{% elif p.status == 'escalated' %}warning{% else %}secondary{% endif %}">{{ p.get_status_display }}</span></td>
      <td>{{ p.level.name }}</td><td class="d-none d-md-table-cell">{{ p.project.name }}</td><td>{{ p.owner }}</td>
      <td class="{% if p.is_open and p.due_date < today %}text-danger fw-bold{% endif %}">{{ p.due_date|date:"Y-m-d" }}</td></tr>
  {% endfor %}"""


@pytest.fixture
def problems(member, project):
    user = member("cs_lead", project)
    owner = f.UserFactory(first_name="<小", last_name="李>")
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    for status, due in [
        ("open", today - day),
        ("escalated", today + day),
        ("resolved", today - 9 * day),
    ]:
        ProblemFactory(
            project=project, owner=owner, due_date=due, status=status, title=f'<{status}> & "x"'
        )
    return user, list(problems_for(user).order_by("pk"))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_tag_writes_what_the_template_loop_wrote(problems, language):
    _user, rows = problems
    today = timezone.localdate()
    with translation.override(language):
        loop = engines["django"].from_string(LOOP).render({"page": rows, "today": today})
        html = problem_rows(rows, today)
    assert tokens(html) == tokens(loop)
    assert "&lt;open&gt; &amp; &quot;x&quot;" in html and "<open>" not in html
    assert html.count("text-danger fw-bold") == 1  # the open one past its date, not the resolved
    assert "text-bg-success" in html and "text-bg-warning" in html and "text-bg-secondary" in html
    assert reverse("communication:problem_detail", args=[rows[0].pk]) in html


def test_the_list_page_shows_the_rows_or_says_there_are_none(problems, client_for):
    user, rows = problems
    client = client_for(user)
    page = client.get(reverse("communication:problem_list")).content.decode()
    assert all(reverse("communication:problem_detail", args=[p.pk]) in page for p in rows)
    empty = client.get(
        reverse("communication:problem_list"), {"q": "没有这个问题"}
    ).content.decode()
    assert "没有符合条件的问题。" in empty
    assert "/communication/problems/" + str(rows[0].pk) not in empty
