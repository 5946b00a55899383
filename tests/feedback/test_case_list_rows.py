"""The case list's rows are written by a tag (issue #17): the same markup as the template
loop it replaced, for every kind of row, in both languages."""

import datetime

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone, translation

from feedback.models import Case, DeadlineBreach
from feedback.selectors import cases_visible
from feedback.templatetags.feedback_tags import case_rows
from feedback.views.cases import LIST_COLUMNS
from tests import factories as f
from tests.salesite.test_filter_form import tokens

pytestmark = pytest.mark.django_db

# The loop of feedback/case_list.html that the case_rows tag replaced.
LOOP = """{% load i18n salesite_tags %}{% for c in page %}
    <tr>
      <td><a href="{% url 'feedback:case_detail' c.pk %}">{{ c.number }}</a></td>
      <td>{{ c.get_kind_display }}{% if c.is_major %} <span class="badge text-bg-danger">{% translate "重大" %}</span>{% endif %}{% if c.channel == "owner" %} <span class="badge text-bg-info">{{ c.get_channel_display }}</span>{% endif %}</td>
      <td>{{ c.subject }}</td>
      <td>{{ c.customer_label }}{% if c.contact_phone %} <span class="text-muted small">{{ c.contact_phone|masked_phone }}</span>{% endif %}</td>
      <td class="d-none d-md-table-cell">{{ c.building.name|default:"" }} {{ c.unit.number|default:"" }}</td>
      <td>{{ c.get_status_display }}{% if c.breached %} <span class="badge text-bg-danger">{% translate "超时" %}</span>{% endif %}</td>
      <td class="d-none d-md-table-cell">{{ c.received_at|date:"Y-m-d H:i" }}</td>
      <td class="small">{% if c.dispatch_due and not c.dispatched_at %}{% translate "转派" %} {{ c.dispatch_due|date:"m-d H:i" }}{% elif c.answer_due and not c.replied_at %}{% translate "答复" %} {{ c.answer_due|date:"m-d H:i" }}{% endif %}</td>
    </tr>{% endfor %}"""


@pytest.fixture
def cases(member, project):
    user = member("cs_lead", project)
    unit = f.UnitFactory(project=project)
    customer = f.CustomerFactory(project=project, name="<王> & 李")
    late = timezone.now().replace(hour=23, minute=45)  # the next day in Shanghai
    hour = datetime.timedelta(hours=1)
    rows = [
        Case(
            kind="complaint",
            subject='噪音 "扰民" <b>',
            customer=customer,
            is_major=True,
            contact_phone="13812345678",
            building=unit.building,
            unit=unit,
            received_at=late,
            dispatch_due=late + hour,
        ),
        Case(
            kind="repair",
            channel="owner",
            walk_in_name="访客",
            received_at=late - hour,
            answer_due=late + 2 * hour,
            dispatched_at=late,
        ),
        Case(
            kind="visit",
            subject="来访",
            received_at=late - 2 * hour,
            status="closed",
            reply="已答复",
            dispatch_due=late,
            dispatched_at=late,
            answer_due=late,
            replied_at=late,
        ),
    ]
    for case in rows:
        case.project = project
        case.save()
    DeadlineBreach.objects.create(
        project=project, case=rows[0], kind="dispatch", due_at=late, detected_at=late
    )
    queryset = (
        cases_visible(user).select_related(None).select_related("customer", "building", "unit")
    )
    return list(queryset.only(*LIST_COLUMNS).order_by("pk"))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_tag_writes_what_the_template_loop_wrote(cases, language):
    with translation.override(language):
        loop = engines["django"].from_string(LOOP).render({"page": cases})
        rows = case_rows(cases)
    assert tokens(rows) == tokens(loop)
    # The rows hold what the cases hold: escaped, masked, badged, in local time.
    assert "&lt;王&gt; &amp; 李" in rows and "13812345678" not in rows
    assert rows.count("text-bg-danger") == 2 and "text-bg-info" in rows
    assert reverse("feedback:case_detail", args=[cases[0].pk]) in rows


def test_the_list_page_shows_the_rows_or_says_there_are_none(member, project, client_for, cases):
    client = client_for(member("cs_lead", project))
    page = client.get(reverse("feedback:case_list")).content.decode()
    assert all(c.number in page for c in cases)
    empty = client.get(reverse("feedback:case_list"), {"q": "没有这个事项"}).content.decode()
    assert "没有符合条件的事项。" in empty and "<tr>\n<td><a" not in empty
