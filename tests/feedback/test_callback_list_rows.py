"""The callback list's rows are written by a tag (issue #17): the same markup as the template
loop it replaced, for every kind of row, with and without the bulk reassignment's column, in
both languages."""

import datetime
from decimal import Decimal

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone, translation

from feedback.models import CallbackTask
from feedback.selectors import callbacks_visible
from feedback.templatetags.feedback_tags import callback_rows
from tests import factories as f
from tests.salesite.test_filter_form import tokens

pytestmark = pytest.mark.django_db

# The loop of feedback/callback_list.html that the callback_rows tag replaced.
LOOP = """{% load i18n salesite_tags %}  {% for t in page %}
    <tr{% if t.is_open and t.due_date < today %} class="table-danger"{% endif %}>
      {% if reassign_form %}<td>{% if t.pk in reassignable %}<input type="checkbox" class="form-check-input" name="tasks" value="{{ t.pk }}" form="reassign-form" aria-label="{% translate "选择改派" %}">{% endif %}</td>{% endif %}
      <td><a href="{% url 'feedback:callback_detail' t.pk %}">{{ t.due_date|date:"Y-m-d" }}</a></td>
      <td>{{ t.get_rule_display }}</td>
      <td>{{ t.customer.name }} <span class="text-muted small">{{ t.customer.phone|masked_phone }}</span></td>
      <td class="d-none d-md-table-cell">{{ t.project.name }}</td>
      <td>{{ t.assigned_to|default:"" }}</td>
      <td>{{ t.get_status_display }}{% if t.attempts %} ({{ t.attempts }}){% endif %}</td>
      <td>{{ t.score|default:"" }}{% if t.dissatisfied %} <span class="badge text-bg-danger">{% translate "不满意" %}</span>{% endif %}</td>
    </tr>
  {% endfor %}"""


@pytest.fixture
def tasks(member, project):
    user = member("cs_lead", project)
    today = timezone.localdate()
    agent = f.UserFactory(first_name="<小", last_name="王>")
    rows = [
        dict(due_date=today - datetime.timedelta(days=2), assigned_to=agent),  # open, late
        dict(due_date=today, status="reached", score=Decimal("2.50"), dissatisfied=True),
        dict(due_date=today + datetime.timedelta(days=3), attempts=2, status="not_reached"),
        dict(due_date=today - datetime.timedelta(days=9), status="done", score=Decimal("5")),
    ]
    for i, row in enumerate(rows):
        CallbackTask.objects.create(
            project=project,
            customer=f.CustomerFactory(
                project=project, name=f"<客户{i}> & 家", phone="13812345678"
            ),
            rule="residence_3m",
            source_key=f"rows-{i}",
            **row,
        )
    return user, list(callbacks_visible(user).order_by("pk"))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("select", [False, True], ids=["plain", "reassign"])
def test_the_rows_tag_writes_what_the_template_loop_wrote(tasks, language, select):
    _user, rows = tasks
    today = timezone.localdate()
    reassignable = {rows[0].pk, rows[2].pk}
    context = {
        "page": rows,
        "today": today,
        "reassignable": reassignable,
        "reassign_form": object() if select else "",
    }
    with translation.override(language):
        loop = engines["django"].from_string(LOOP).render(context)
        html = callback_rows(rows, today, reassignable, select)
    assert tokens(html) == tokens(loop)
    # The rows hold what the tasks hold: escaped, masked, badged, late ones marked.
    assert "&lt;客户0&gt; &amp; 家" in html and "13812345678" not in html
    assert html.count("table-danger") == 1 and html.count("text-bg-danger") == 1
    assert html.count('type="checkbox"') == (2 if select else 0)
    assert reverse("feedback:callback_detail", args=[rows[0].pk]) in html


def test_the_list_page_shows_the_rows_or_says_there_are_none(tasks, client_for):
    user, rows = tasks
    client = client_for(user)
    page = client.get(reverse("feedback:callback_list")).content.decode()
    assert all(reverse("feedback:callback_detail", args=[t.pk]) in page for t in rows)
    empty = client.get(
        reverse("feedback:callback_list"), {"due_before": "2000-01-01"}
    ).content.decode()
    assert "没有符合条件的回访任务。" in empty
    assert 'href="/feedback/callbacks/' not in empty.split("<tbody>")[1]
