"""My work (R-DASH-2): due today and overdue items of every app, overdue first, scoped."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from handover.models import MilestoneKind
from renovation.models import Status
from salesite.dashboard import registry
from tests.dashboard.conftest import callback, days, problem
from tests.handover.factories import make_batch
from tests.renovation.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_overdue_first_then_due_today_and_links_open(member, project, client_for, today):
    user = member("cs_lead", project)
    due_today = callback(project, today, assigned_to=user)
    late = problem(project, user, today - days(3), title="样板房空调故障")
    problem(project, user, today + days(2), title="未来的问题")  # not due yet
    problem(project, user, today - days(9), status="resolved", title="已解决的问题")

    items = registry.work_items(user, today)
    urls = [i.url for i in items]
    assert urls.index(late.get_absolute_url()) < urls.index(due_today.get_absolute_url())
    assert [i.overdue for i in items] == sorted((i.overdue for i in items), reverse=True)
    titles = " ".join(i.title for i in items)
    assert "未来的问题" not in titles and "已解决的问题" not in titles

    client = client_for(user)
    page = client.get(reverse("dashboard:my_work")).content.decode()
    assert page.index("样板房空调故障") < page.index(due_today.get_rule_display())
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_only_the_users_projects(member, project, other_project, today):
    user = member("cs_lead", project)
    problem(project, user, today, title="本项目问题")
    # The same user owns a problem on a project they no longer see, and another project's
    # leads' callbacks are not theirs.
    problem(other_project, user, today, title="他项目问题")
    callback(other_project, today)
    titles = [i.title for i in registry.work_items(user, today)]
    assert "本项目问题" in titles
    assert "他项目问题" not in titles
    assert all(i.project == project.name for i in registry.work_items(user, today))


def test_lead_sees_unassigned_callbacks_front_desk_only_own(member, project, today):
    lead = member("cs_lead", project)
    desk = member("front_desk", project)
    unassigned = callback(project, today - days(1))
    mine = callback(project, today, assigned_to=desk)
    lead_urls = {i.url for i in registry.work_items(lead, today)}
    desk_urls = {i.url for i in registry.work_items(desk, today)}
    assert unassigned.get_absolute_url() in lead_urls
    assert unassigned.get_absolute_url() not in desk_urls
    assert mine.get_absolute_url() in desk_urls


def test_milestones_for_responsible_roles(member, project, client_for, today):
    # Delivery in 45 days: the milestones due 5 months … 50 days before are overdue.
    make_batch(project, date=today + days(45))
    engineer = member("engineering", project)
    guard = member("security_lead", project)
    items = [i for i in registry.work_items(engineer, today) if i.kind == "交付前计划节点"]
    assert items and all(i.overdue for i in items)
    assert any(str(MilestoneKind.DESIGN_SURVEY.label) in i.title for i in items)
    assert not [i for i in registry.work_items(guard, today) if i.kind == "交付前计划节点"]
    assert client_for(engineer).get(items[0].url).status_code == 200


def test_milestones_need_the_role_on_the_milestones_own_project(
    member, project, other_project, today
):
    """A responsible role held on another project, or a membership no longer active, does not
    bring a project's milestones."""
    from salesite.models import ProjectMembership, Role

    make_batch(project, date=today + days(45))
    make_batch(other_project, date=today + days(45))
    engineer = member("engineering", project)
    # On the other project the same user is a guard: its engineering milestones are not theirs.
    ProjectMembership.objects.create(
        user=engineer, project=other_project, role=Role.objects.get(code="security_lead")
    )
    items = [i for i in registry.work_items(engineer, today) if i.kind == "交付前计划节点"]
    assert items and {i.project for i in items} == {project.name}
    former = member("engineering", other_project)
    ProjectMembership.objects.filter(user=former).update(is_active=False)
    assert not [i for i in registry.work_items(former, today) if i.kind == "交付前计划节点"]


def test_renovation_review_waiting_for_the_users_side(member, project, client_for, today):
    engineer = member("engineering", project)
    app = ApplicationFactory(
        unit__building__project=project,
        status=Status.SUBMITTED,
        submitted_at=timezone.now() - datetime.timedelta(days=2),
        review_due_at=timezone.now() - datetime.timedelta(hours=3),
    )
    items = [i for i in registry.work_items(engineer, today) if app.number in i.title]
    assert len(items) == 1 and items[0].overdue
    assert items[0].url == reverse("renovation:application_review", args=[app.pk, "engineering"])
    assert client_for(engineer).get(items[0].url).status_code == 200


def test_home_loads_my_work_as_its_top_block(member, project, client_for, today):
    user = member("front_desk", project)
    for n in range(12):
        problem(project, user, today - days(n), title=f"首页待办问题{n:02d}")
    client = client_for(user)
    page = client.get(reverse("home")).content.decode()
    block_url = f"{reverse('dashboard:my_work')}?block=1"
    assert f'hx-get="{block_url}"' in page
    assert page.index('id="my-work"') < page.index("我的项目")
    assert reverse("dashboard:dashboard") in page  # the nav link
    block = client.get(block_url).content.decode()
    assert "<html" not in block and 'id="my-work"' in block
    assert "首页待办问题11" in block  # the most overdue first
    assert "首页待办问题00" not in block  # ten on the home page …
    assert (
        "首页待办问题00" in client.get(reverse("dashboard:my_work")).content.decode()
    )  # … all here


def test_work_items_bounded_queries(member, project, today, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = member("centre_head", project)
    make_batch(project, date=today + days(45))
    for n in range(2):
        problem(project, user, today - days(n))
        callback(project, today, assigned_to=user)
    user = type(user).objects.get(pk=user.pk)  # nothing cached on the user
    with CaptureQueriesContext(connection) as ctx:
        registry.work_items(user, today)
    few = len(ctx.captured_queries)
    assert few <= 20
    for n in range(10):
        problem(project, user, today - days(n))
        callback(project, today, assigned_to=user)
        callback(project, today - days(1))  # unassigned: the centre head's as a lead
    user = type(user).objects.get(pk=user.pk)
    with django_assert_max_num_queries(few):
        assert len(registry.work_items(user, today)) >= 30


def test_logs_to_write_for_recorder_roles(member, project, client_for, today):
    from tests.communication.factories import RecordFactory, level

    lead = member("cs_lead", project)  # records the daily liaison log
    desk = member("front_desk", project)  # records no level
    daily = [i for i in registry.work_items(lead, today) if i.kind == "沟通记录"]
    labels = {i.title for i in daily if i.title.startswith("日沟通")}
    assert labels == {f"日沟通 · {today - days(1)}", f"日沟通 · {today}"}
    assert [i.overdue for i in daily if i.title == f"日沟通 · {today - days(1)}"] == [True]
    assert not [i for i in registry.work_items(desk, today) if i.kind == "沟通记录"]

    moment = timezone.make_aware(datetime.datetime.combine(today - days(1), datetime.time(10)))
    RecordFactory(project=project, level=level("daily"), held_at=moment)
    titles = {i.title for i in registry.work_items(lead, today)}
    assert f"日沟通 · {today - days(1)}" not in titles and f"日沟通 · {today}" in titles
    item = next(i for i in registry.work_items(lead, today) if i.title == f"日沟通 · {today}")
    assert client_for(lead).get(item.url).status_code == 200


# The loop of salesite/dashboard/_work_block.html that the work_item_rows tag replaced.
LOOP = """{% load i18n %}{% for item in items %}
    <li class="list-group-item d-flex justify-content-between align-items-start work-item{% if item.overdue %} list-group-item-danger{% endif %}">
      <div class="me-2">
        <a href="{{ item.url }}" class="fw-semibold">{{ item.title }}</a>
        <div class="small text-muted">{{ item.kind }} · {{ item.project }}</div>
      </div>
      <div class="text-end small text-nowrap">
        {% if item.overdue %}<span class="badge text-bg-danger">{% translate "逾期" %}</span>{% else %}<span class="badge text-bg-warning">{% translate "今日到期" %}</span>{% endif %}
        <div class="text-muted">{% if item.has_time %}{{ item.due|date:"m-d H:i" }}{% else %}{{ item.due|date:"m-d" }}{% endif %}</div>
      </div>
    </li>{% endfor %}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_tag_writes_what_the_template_loop_wrote(language):
    from django.template import engines
    from django.utils import translation

    from salesite.templatetags.salesite_tags import work_item_rows
    from tests.salesite.test_filter_form import tokens

    now = timezone.now().replace(hour=23, minute=30)  # the next day in Shanghai
    items = [
        registry.WorkItem('<b>"甲"</b> & 乙', "滨江壹号", now, True, "/a/?x=1&y=2", "回访"),
        registry.WorkItem("问题", "<云栖>", now.date(), False, "/b/", "沟通问题"),
        registry.WorkItem("naive", "p", datetime.datetime(2026, 1, 2, 3, 4), False, "/c/", "k"),
    ]
    with translation.override(language):
        loop = engines["django"].from_string(LOOP).render({"items": items})
        rows = work_item_rows(items)
    assert tokens(rows) == tokens(loop)
    assert "&lt;b&gt;" in rows and "list-group-item-danger" in rows


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_items_read_as_values_say_what_the_rows_say(member, project, today, language):
    """The callback, case and problem items are built from plain values (issue #17): their
    title, kind, project and link are what the rows' own methods say, in either language."""
    from django.utils import translation

    from feedback.models import Case

    lead = member("cs_lead", project)
    named = callback(project, today, assigned_to=lead)
    other = callback(project, today - days(1), assigned_to=lead)
    now = timezone.now()
    case = Case.objects.create(
        project=project,
        kind="complaint",
        subject="噪音 <扰民>",
        received_at=now - days(1),
        dispatch_due=now - days(1) + datetime.timedelta(minutes=30),
    )
    owned = problem(project, lead, today, title="门禁 & 对讲")
    with translation.override(language):
        items = {i.url: i for i in registry.work_items(lead, today)}
        expected = {
            named.get_absolute_url(): (
                f"{named.get_rule_display()} · {named.customer.name}",
                "回访",
                named.due_date,
            ),
            other.get_absolute_url(): (
                f"{other.get_rule_display()} · {other.customer.name}",
                "回访",
                today - days(1),
            ),
            case.get_absolute_url(): (
                f"{case.number} · {case.subject}",
                case.get_kind_display(),
                case.dispatch_due,
            ),
            owned.get_absolute_url(): (owned.title, "沟通问题", today),
        }
        for url, (title, kind, due) in expected.items():
            item = items[url]
            assert (item.title, item.due, item.project) == (title, due, project.name)
            if language == "zh-hans":
                assert item.kind == kind
    assert items[case.get_absolute_url()].kind == ("Complaint" if language == "en" else "投诉")
