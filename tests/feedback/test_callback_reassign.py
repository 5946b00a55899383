"""Reassigning callback tasks from the staff pages, singly and in bulk (issue 19 item 6, R-FB-6)."""

import itertools

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from feedback import services
from feedback.exceptions import CallbackClosed, DomainError
from feedback.models import CallbackReassignment, CallbackStatus, CallbackTask
from salesite.models import Notification, Role
from tests import factories as f

pytestmark = pytest.mark.django_db


_SEQ = itertools.count(1)


def _task(project, assigned_to=None, status=CallbackStatus.PENDING):
    return CallbackTask.objects.create(
        project=project,
        customer=f.CustomerFactory(project=project),
        rule="sales",
        source_key=f"k{next(_SEQ)}",
        due_date="2026-03-01",
        assigned_to=assigned_to,
        status=status,
    )


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- the permission ------------------------------------------------------------------------


def test_reassigning_is_granted_to_the_callback_leads_only():
    holders = set(
        Role.objects.filter(
            permissions__codename="add_callbackreassignment",
            permissions__content_type__app_label="feedback",
        ).values_list("code", flat=True)
    )
    assert holders == {"cs_lead", "centre_head"}


# --- the service ---------------------------------------------------------------------------


def test_reassign_one_keeps_the_history_and_notifies_the_new_assignee_once(project, member):
    lead = member("cs_lead", project)
    old = member("front_desk", project)
    new = member("customer_ambassador", project)
    task = _task(project, assigned_to=old)

    report = services.callback_reassign(task=task, assignee=new, reason="  休假  ", user=lead)

    task.refresh_from_db()
    assert task.assigned_to == new
    (row,) = CallbackReassignment.objects.all()
    assert (row.task, row.from_user, row.to_user, row.by, row.reason) == (
        task,
        old,
        new,
        lead,
        "休假",
    )
    assert row.at is not None
    assert [r.pk for r in report.changed] == [row.pk] and report.unchanged == []
    (n,) = Notification.objects.all()
    assert n.recipient == new and n.url == task.get_absolute_url()
    assert task.customer.name in n.title and "休假" in n.body
    # Giving it back and again makes a new history row and a new notification each time.
    services.callback_reassign(task=task, assignee=old, reason="回来了", user=lead)
    services.callback_reassign(task=task, assignee=new, reason="再次休假", user=lead)
    assert CallbackReassignment.objects.count() == 3
    assert Notification.objects.filter(recipient=new).count() == 2
    assert Notification.objects.filter(recipient=old).count() == 1


def test_an_unassigned_task_gets_its_first_assignee(project, member):
    new = member("front_desk", project)
    task = _task(project)
    services.callback_reassign(task=task, assignee=new, reason="分配", user=None)
    row = CallbackReassignment.objects.get()
    assert row.from_user is None and row.to_user == new and row.by is None


def test_assignee_must_be_an_active_member_of_the_tasks_project(project, other_project, member):
    lead = member("cs_lead", project)
    old = member("front_desk", project)
    outsider = member("front_desk", other_project)
    task = _task(project, assigned_to=old)
    with pytest.raises(DomainError, match=r"不是项目“.*”的在岗成员"):
        services.callback_reassign(task=task, assignee=outsider, reason="x", user=lead)

    left = member("front_desk", project)
    left.memberships.update(is_active=False)
    with pytest.raises(DomainError, match="在岗成员"):
        services.callback_reassign(task=task, assignee=left, reason="x", user=lead)

    disabled = member("front_desk", project, is_active=False)
    with pytest.raises(DomainError, match="在岗成员"):
        services.callback_reassign(task=task, assignee=disabled, reason="x", user=lead)

    task.refresh_from_db()
    assert task.assigned_to == old
    assert not CallbackReassignment.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize("status", [CallbackStatus.REACHED, CallbackStatus.DONE])
def test_a_closed_task_cannot_be_reassigned(project, member, status):
    old = member("front_desk", project)
    new = member("front_desk", project)
    task = _task(project, assigned_to=old, status=status)
    with pytest.raises(CallbackClosed, match="已结束，不能改派"):
        services.callback_reassign(task=task, assignee=new, reason="x")
    task.refresh_from_db()
    assert task.assigned_to == old and not CallbackReassignment.objects.exists()


def test_a_reason_is_required(project, member):
    new = member("front_desk", project)
    task = _task(project)
    with pytest.raises(DomainError, match="改派原因"):
        services.callback_reassign(task=task, assignee=new, reason="   ")
    assert not CallbackReassignment.objects.exists()


def test_bulk_is_all_or_nothing(project, other_project, member):
    lead = member("cs_lead", project)
    old = member("front_desk", project)
    new = member("front_desk", project)
    open_tasks = [_task(project, assigned_to=old) for _i in range(3)]
    closed = _task(project, assigned_to=old, status=CallbackStatus.DONE)
    with pytest.raises(CallbackClosed, match=closed.customer.name):
        services.callback_reassign_bulk(
            task_ids=[t.pk for t in [*open_tasks, closed]], assignee=new, reason="x", user=lead
        )
    # A task of a project where the assignee is not a member refuses the batch too.
    elsewhere = _task(other_project)
    with pytest.raises(DomainError, match=other_project.name):
        services.callback_reassign_bulk(
            task_ids=[t.pk for t in [*open_tasks, elsewhere]], assignee=new, reason="x", user=lead
        )
    assert set(CallbackTask.objects.values_list("assigned_to", flat=True)) == {old.pk, None}
    assert not CallbackReassignment.objects.exists() and not Notification.objects.exists()


def test_bulk_reports_what_changed_and_notifies_once(project, member):
    lead = member("cs_lead", project)
    old = member("front_desk", project)
    new = member("front_desk", project)
    tasks = [_task(project, assigned_to=old), _task(project), _task(project, assigned_to=new)]
    report = services.callback_reassign_bulk(
        task_ids=[t.pk for t in tasks], assignee=new, reason="调整分工", user=lead
    )
    assert sorted(r.task_id for r in report.changed) == [tasks[0].pk, tasks[1].pk]
    assert [t.pk for t in report.unchanged] == [tasks[2].pk]
    assert CallbackTask.objects.filter(assigned_to=new).count() == 3
    rows = CallbackReassignment.objects.order_by("task_id")
    assert [(r.from_user_id, r.to_user_id) for r in rows] == [(old.pk, new.pk), (None, new.pk)]
    (n,) = Notification.objects.all()
    assert n.recipient == new and "2 条回访任务" in n.title
    assert n.url.startswith(reverse("feedback:callback_list"))


def test_bulk_refuses_more_than_a_page(project, member):
    new = member("front_desk", project)
    with pytest.raises(DomainError, match="一次最多"):
        services.callback_reassign_bulk(
            task_ids=range(1, services.REASSIGN_BULK_MAX + 2), assignee=new, reason="x"
        )


# --- the task page -------------------------------------------------------------------------


def test_lead_reassigns_on_the_task_page(project, member, client_for):
    lead = member("cs_lead", project)
    old = member("front_desk", project)
    new = member("front_desk", project, name="李四")
    task = _task(project, assigned_to=old)
    c = client_for(lead)
    page = c.get(task.get_absolute_url()).content.decode()
    assert 'id="reassign"' in page and "李四" in page

    r = c.post(
        reverse("feedback:callback_reassign", args=[task.pk]),
        {"assignee": new.pk, "reason": "原回访人休假"},
    )
    assert r.status_code == 302 and r.url == task.get_absolute_url()
    assert _messages(r) == ["已将 1 条回访任务改派给 李四。"]
    task.refresh_from_db()
    assert task.assigned_to == new
    page = c.get(task.get_absolute_url()).content.decode()
    assert "原回访人休假" in page  # the history on the task page


def test_task_page_refuses_an_outsider_with_a_chinese_error(
    project, other_project, member, client_for
):
    lead = member("cs_lead", project)
    old = member("front_desk", project)
    outsider = member("front_desk", other_project)
    task = _task(project, assigned_to=old)
    r = client_for(lead).post(
        reverse("feedback:callback_reassign", args=[task.pk]),
        {"assignee": outsider.pk, "reason": "x"},
    )
    assert r.status_code == 302
    assert _messages(r) == ["所选人员不是该项目的在岗成员，不能接收回访任务。"]
    task.refresh_from_db()
    assert task.assigned_to == old and not CallbackReassignment.objects.exists()


def test_task_page_refuses_a_closed_task(project, member, client_for):
    lead = member("cs_lead", project)
    new = member("front_desk", project)
    task = _task(project, status=CallbackStatus.REACHED)
    c = client_for(lead)
    assert 'id="reassign"' not in c.get(task.get_absolute_url()).content.decode()
    r = c.post(
        reverse("feedback:callback_reassign", args=[task.pk]), {"assignee": new.pk, "reason": "x"}
    )
    (msg,) = _messages(r)
    assert msg.startswith("未改派任何任务：") and "已结束" in msg
    task.refresh_from_db()
    assert task.assigned_to is None


def test_task_page_denials(project, other_project, member, client_for):
    desk = member("front_desk", project)  # records callbacks, may not reassign them
    new = member("front_desk", project)
    task = _task(project, assigned_to=desk)
    url = reverse("feedback:callback_reassign", args=[task.pk])
    c = client_for(desk)
    assert 'id="reassign"' not in c.get(task.get_absolute_url()).content.decode()
    assert c.post(url, {"assignee": new.pk, "reason": "x"}).status_code == 403
    # A lead of another project: the task is not theirs to see.
    foreign_lead = member("cs_lead", other_project)
    assert (
        client_for(foreign_lead).post(url, {"assignee": new.pk, "reason": "x"}).status_code == 404
    )
    # Anonymous: to the login page.
    r = client_for(desk).__class__().post(url, {"assignee": new.pk, "reason": "x"})
    assert r.status_code == 302 and "login" in r.url
    task.refresh_from_db()
    assert task.assigned_to == desk and not CallbackReassignment.objects.exists()


# --- the list: bulk ------------------------------------------------------------------------


def test_bulk_on_the_list(project, member, client_for):
    lead = member("cs_lead", project)
    new = member("front_desk", project, name="王五")
    tasks = [_task(project) for _i in range(3)]
    closed = _task(project, status=CallbackStatus.DONE)
    c = client_for(lead)
    page = c.get(reverse("feedback:callback_list")).content.decode()
    assert 'id="bulk-reassign"' in page
    for t in tasks:
        assert f'name="tasks" value="{t.pk}"' in page
    assert f'name="tasks" value="{closed.pk}"' not in page  # closed: no checkbox

    back = reverse("feedback:callback_list") + "?status=pending"
    r = c.post(
        reverse("feedback:callback_reassign_bulk") + "?next=" + back.replace("?", "%3F"),
        {"tasks": [t.pk for t in tasks[:2]], "assignee": new.pk, "reason": "片区调整"},
    )
    assert r.status_code == 302 and r.url == back
    assert _messages(r) == ["已将 2 条回访任务改派给 王五。"]
    assert set(CallbackTask.objects.filter(assigned_to=new)) == set(tasks[:2])
    assert CallbackReassignment.objects.filter(reason="片区调整").count() == 2
    assert Notification.objects.filter(recipient=new).count() == 1


def test_bulk_with_a_closed_task_changes_nothing(project, member, client_for):
    lead = member("cs_lead", project)
    new = member("front_desk", project)
    task = _task(project)
    closed = _task(project, status=CallbackStatus.DONE)
    r = client_for(lead).post(
        reverse("feedback:callback_reassign_bulk"),
        {"tasks": [task.pk, closed.pk], "assignee": new.pk, "reason": "x"},
    )
    (msg,) = _messages(r)
    assert msg.startswith("未改派任何任务：") and closed.customer.name in msg
    assert not CallbackTask.objects.filter(assigned_to=new).exists()


def test_bulk_denials(project, other_project, member, client_for):
    lead = member("cs_lead", project)
    new = member("front_desk", project)
    mine = _task(project)
    theirs = _task(other_project)
    url = reverse("feedback:callback_reassign_bulk")
    data = {"tasks": [mine.pk, theirs.pk], "assignee": new.pk, "reason": "x"}
    # Another project's task among the ticked ones: 404, and nothing changes.
    assert client_for(lead).post(url, data).status_code == 404
    # A role that may not reassign anywhere: 403 at the door.
    desk = member("front_desk", project)
    assert client_for(desk).post(url, {**data, "tasks": [mine.pk]}).status_code == 403
    assert (
        'id="bulk-reassign"'
        not in client_for(desk).get(reverse("feedback:callback_list")).content.decode()
    )
    # Nothing ticked: a Chinese error.
    r = client_for(lead).post(url, {"assignee": new.pk, "reason": "x"})
    assert _messages(r) == ["请先勾选要改派的回访任务。"]
    assert not CallbackReassignment.objects.exists()
    assert set(CallbackTask.objects.values_list("assigned_to", flat=True)) == {None}


@pytest.mark.parametrize("n", [3, 25])
def test_list_with_bulk_form_queries_bounded(
    project, member, client_for, n, django_assert_max_num_queries
):
    lead = member("cs_lead", project)
    for _i in range(n):
        _task(project, assigned_to=lead)
    c = client_for(lead)
    c.get(reverse("feedback:callback_list"))
    with django_assert_max_num_queries(15):
        r = c.get(reverse("feedback:callback_list"))
    assert r.status_code == 200 and 'id="bulk-reassign"' in r.content.decode()


def test_bulk_post_queries_bounded_per_task(
    project, member, client_for, django_assert_max_num_queries
):
    """A full page: a fixed number of queries plus, per task, its save and its audit row (which
    reads the row first)."""
    lead = member("cs_lead", project)
    new = member("front_desk", project)
    tasks = [_task(project) for _i in range(25)]
    c = client_for(lead)
    with django_assert_max_num_queries(30 + 3 * 25):
        r = c.post(
            reverse("feedback:callback_reassign_bulk"),
            {"tasks": [t.pk for t in tasks], "assignee": new.pk, "reason": "x"},
        )
    assert r.status_code == 302
    assert CallbackTask.objects.filter(assigned_to=new).count() == 25


def test_admin_lists_the_history(project, member, client_for):
    lead = member("cs_lead", project)
    new = member("front_desk", project)
    task = _task(project)
    services.callback_reassign(task=task, assignee=new, reason="管理后台可查", user=lead)
    admin = f.UserFactory(is_staff=True, is_superuser=True)
    c = client_for(admin)
    url = reverse("admin:feedback_callbackreassignment_changelist")
    r = c.get(url, {"q": "管理后台"})
    assert r.status_code == 200 and "管理后台可查" in r.content.decode()
    r = c.get(reverse("admin:feedback_callbacktask_change", args=[task.pk]))
    assert r.status_code == 200 and "管理后台可查" in r.content.decode()
