"""The 6+2 steps for staff (issue #19 item 1, R-FB-9): due dates from the customer's
milestones (hand-computed), recording with date, channel and person, the ticks from the
workflows, the daily reminder (once), the pages and their denials."""

import datetime

import pytest
from django.db import models
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from feedback import services
from feedback.models import CustomerStepRecord, HandoverFact, ProjectStepRecord, StepAction
from feedback.selectors.steps import StepStatus, customer_steps
from salesite.exceptions import DomainError
from salesite.models import Customer, Notification
from tests import demo_snapshot
from tests import factories as f
from tests.feedback.conftest import sh

pytestmark = pytest.mark.django_db

D = datetime.date


def _customer(project, *, created, handover=None, name="王业主"):
    """A customer registered on ``created``, signed on 2026-01-15 (the purchase factory's
    date), handed over on ``handover``."""
    unit = f.UnitFactory(building=f.BuildingFactory(project=project))
    customer = f.PurchaseFactory(
        unit=unit, customer=f.CustomerFactory(project=project, name=name)
    ).customer
    Customer.objects.filter(pk=customer.pk).update(created_at=sh(*created, 10, 0))
    if handover:
        HandoverFact.objects.create(
            project=project, customer=customer, unit=unit, handover_date=handover
        )
    customer.refresh_from_db()
    return customer


def _rows(customer, today):
    steps, project_row = customer_steps(customer, today=today)
    return {r.action.code: r for _label, rows in steps for r in rows}, project_row


def test_due_dates_from_the_milestones_hand_computed(project):
    # The project's first delivery is the earliest handover: 2026-02-28 (another customer).
    _customer(project, created=(2025, 12, 1), handover=D(2026, 2, 28), name="首位业主")
    c = _customer(project, created=(2026, 1, 3), handover=D(2026, 3, 31))
    rows, plus_two = _rows(c, today=D(2026, 4, 25))
    assert len(rows) == 19
    due = {code: r.due for code, r in rows.items()}
    assert due["project_info"] == D(2026, 1, 3)  # registration + 0
    assert due["cancellation_disclosed"] == D(2026, 1, 3)
    assert due["contract_explained"] == D(2026, 1, 15)  # signing + 0
    assert due["contract_channels"] == D(2026, 1, 22)  # signing + 7 days
    assert due["progress_notice"] == D(2026, 4, 15)  # signing + 3 months
    assert due["site_open_day"] == D(2026, 7, 15)  # signing + 6 months
    assert due["design_change_notice"] is None  # only when a change happens
    assert due["inspection_guidance"] == D(2026, 3, 31)  # handover + 0
    assert due["congratulations"] == D(2026, 4, 30)  # handover + 30 days
    assert due["continuous_feedback"] == D(2026, 4, 30)  # 3-31 + 1 month: clipped to 4-30
    assert due["callback_3m"] == D(2026, 6, 30)  # 3-31 + 3 months: clipped to 6-30
    assert due["check_1y"] == D(2027, 3, 31)  # + 12 months
    # +2 四年之约: first delivery 2026-02-28 + 48 months.
    assert plus_two.action.code == "facility_renewal_plan" and plus_two.due == D(2030, 2, 28)
    status = {code: r.status for code, r in rows.items()}
    assert status["project_info"] == StepStatus.OVERDUE
    assert status["congratulations"] == StepStatus.DUE_SOON  # 4-30 within 7 days of 4-25
    assert status["callback_3m"] == StepStatus.UPCOMING
    assert status["design_change_notice"] == StepStatus.UNDATED


def test_without_handover_the_handover_actions_have_no_due_date(project):
    c = _customer(project, created=(2026, 1, 3))
    rows, plus_two = _rows(c, today=D(2026, 4, 25))
    assert rows["callback_3m"].due is None and rows["handover"].status == StepStatus.UNDATED
    assert plus_two.due is None


def test_staff_record_keeps_date_channel_person_and_is_refused_twice(project, member):
    amb = member("customer_ambassador", project)
    c = _customer(project, created=(2026, 1, 3))
    action = StepAction.objects.get(code="project_info")
    rec = services.step_record(
        customer=c,
        action=action,
        done_on=D(2026, 1, 3),
        channel="face",
        note="  售楼处讲解  ",
        user=amb,
        today=D(2026, 1, 5),
    )
    assert (rec.done_on, rec.channel, rec.recorded_by, rec.note, rec.project_id) == (
        D(2026, 1, 3),
        "face",
        amb,
        "售楼处讲解",
        project.pk,
    )
    with pytest.raises(DomainError, match="已于 2026-01-03 记录"):
        services.step_record(
            customer=c, action=action, done_on=D(2026, 1, 4), channel="phone", user=amb
        )
    with pytest.raises(DomainError, match="不能晚于今天"):
        services.step_record(
            customer=c,
            action=StepAction.objects.get(code="channels_told"),
            done_on=D(2026, 1, 6),
            channel="phone",
            user=amb,
            today=D(2026, 1, 5),
        )
    with pytest.raises(DomainError, match="按项目记录"):
        services.step_record(
            customer=c,
            action=StepAction.objects.get(code="facility_renewal_plan"),
            done_on=D(2026, 1, 4),
            channel="phone",
            user=amb,
        )
    # A workflow's tick after the member's record keeps the member's record.
    services.tick_step(customer=c, action_code="project_info", on=D(2026, 2, 1))
    assert CustomerStepRecord.objects.get(customer=c, action=action).recorded_by == amb
    assert CustomerStepRecord.objects.count() == 1


def test_project_plus_two_is_recorded_once(project, member):
    head = member("centre_head", project)
    action = StepAction.objects.get(code="facility_renewal_plan")
    rec = services.project_step_record(
        project=project, action=action, done_on=D(2026, 5, 1), user=head, note="电梯更新"
    )
    assert rec.recorded_by == head and ProjectStepRecord.objects.count() == 1
    with pytest.raises(DomainError, match="不能重复记录"):
        services.project_step_record(
            project=project, action=action, done_on=D(2026, 5, 2), user=head
        )


# --- the daily reminder -----------------------------------------------------------------------


def test_reminder_tells_the_responsible_role_once(project, member):
    amb = member("customer_ambassador", project)
    head = member("centre_head", project)
    lead = member("cs_lead", project)
    # First delivery 2022-06-28: the +2 falls due on 2026-06-28.
    _customer(project, created=(2021, 1, 1), handover=D(2022, 6, 28), name="老业主")
    # Handover 2026-04-01: the 3-month callback falls due on 2026-07-01.
    a = _customer(project, created=(2025, 1, 1), handover=D(2026, 4, 1), name="甲业主")
    b = _customer(project, created=(2025, 1, 1), handover=D(2026, 4, 1), name="乙业主")
    services.tick_step(customer=b, action_code="callback_3m", on=D(2026, 6, 20))
    today = D(2026, 6, 26)  # reminds of what falls due from 6-23 to 7-03
    first = services.steps_remind(today=today)
    assert first == {"due": 2, "notified": 2}
    mine = Notification.objects.get(recipient=amb)
    assert "甲业主" in mine.title and "入住3个月回访" in mine.title
    assert "2026-07-01" in mine.body
    assert mine.url == reverse("feedback:customer_steps", args=[a.pk])
    plus_two = Notification.objects.get(recipient=head)
    assert "首次交付4年后公共设施更新计划" in plus_two.title and "2026-06-28" in plus_two.body
    assert not Notification.objects.filter(recipient=lead).exists()
    # Again the same day, and three days later (still in the window): nothing twice.
    assert services.steps_remind(today=today)["notified"] == 0
    assert services.steps_remind(today=D(2026, 6, 29))["notified"] == 0
    assert Notification.objects.count() == 2


def test_reminder_of_a_recorded_action_is_not_sent(project, member):
    member("customer_ambassador", project)
    c = _customer(project, created=(2025, 1, 1), handover=D(2026, 4, 1))
    services.tick_step(customer=c, action_code="callback_3m", on=D(2026, 6, 20))
    ProjectStepRecord.objects.create(
        project=project,
        action=StepAction.objects.get(code="facility_renewal_plan"),
        done_on=D(2026, 1, 1),
    )
    assert services.steps_remind(today=D(2026, 6, 26)) == {"due": 0, "notified": 0}


def test_the_reminder_job_has_its_beat_entry_and_records_its_run(project, member):
    from feedback.tasks import feedback_steps_remind
    from salesite.models import JobRun

    assert PeriodicTask.objects.filter(task="feedback.tasks.feedback_steps_remind").exists()
    feedback_steps_remind()
    assert JobRun.objects.filter(job_name="feedback_steps_remind").exists()


# --- the pages --------------------------------------------------------------------------------


def test_customer_page_records_an_action_as_the_ambassador(project, member, client_for):
    amb = member("customer_ambassador", project)
    c = _customer(project, created=(2026, 1, 3))
    client = client_for(amb)
    url = reverse("feedback:customer_steps", args=[c.pk])
    r = client.get(url)
    assert r.status_code == 200 and "告知项目信息与特色" in r.text and "已完成 0 / 19 项" in r.text
    action = StepAction.objects.get(code="unfavourable_disclosed")
    r = client.post(
        url,
        {"action": action.pk, "done_on": "2026-01-04", "channel": "written", "note": "公示栏"},
    )
    assert r.status_code == 302
    rec = CustomerStepRecord.objects.get(customer=c)
    assert (rec.action, rec.done_on, rec.channel, rec.recorded_by) == (
        action,
        D(2026, 1, 4),
        "written",
        amb,
    )
    r = client.get(url)
    assert "已完成 1 / 19 项" in r.text and "书面" in r.text and str(amb) in r.text
    # A future date comes back with a Chinese error and nothing written.
    r = client.post(url, {"action": action.pk, "done_on": "2099-01-01", "channel": "face"})
    assert r.status_code == 200 and "不能晚于今天" in r.text
    assert CustomerStepRecord.objects.count() == 1


def test_customer_page_denials(project, other_project, member, client_for):
    c = _customer(project, created=(2026, 1, 3))
    url = reverse("feedback:customer_steps", args=[c.pk])
    outsider = client_for(member("customer_ambassador", other_project))
    assert outsider.get(url).status_code == 404
    action = StepAction.objects.get(code="project_info")
    data = {"action": action.pk, "done_on": "2026-01-04", "channel": "face"}
    assert outsider.post(url, data).status_code == 404
    cashier = client_for(member("cashier", project))  # may view, may not record
    r = cashier.get(url)
    assert r.status_code == 200 and "step-record-form" not in r.text
    assert cashier.post(url, data).status_code == 403
    assert not CustomerStepRecord.objects.exists()


def test_project_list_filters_and_is_bounded(
    project, other_project, member, client_for, django_assert_max_num_queries
):
    amb = member("customer_ambassador", project)
    customers = [
        _customer(project, created=(2026, 1, 3), handover=D(2026, 3, 31), name=f"业主{i}")
        for i in range(12)
    ]
    _customer(other_project, created=(2026, 1, 3), name="别人的业主")
    services.tick_step(customer=customers[0], action_code="callback_3m", on=D(2026, 6, 1))
    client = client_for(amb)
    url = reverse("feedback:step_list")
    client.get(url)  # the login's own queries happen here
    with django_assert_max_num_queries(25):
        r = client.get(url, {"project": project.pk})
    assert r.status_code == 200 and "别人的业主" not in r.text
    callback = StepAction.objects.get(code="callback_3m")
    r = client.get(url, {"project": project.pk, "action": callback.pk, "status": "done"})
    assert r.context["page"].paginator.count == 1
    r = client.get(url, {"project": project.pk, "step": "handshake"})
    assert r.context["page"].paginator.count == 12 * 4
    # Another project in the URL is not among the choices: the member's own project is shown.
    r = client.get(url, {"project": other_project.pk})
    assert r.context["project"] == project and "别人的业主" not in r.text


@pytest.mark.parametrize("n", [3, 30])
def test_project_list_queries_do_not_grow_with_customers(
    project, member, client_for, n, django_assert_max_num_queries
):
    amb = member("customer_ambassador", project)
    building = f.BuildingFactory(project=project)
    for _i in range(n):
        c = f.PurchaseFactory(
            unit=f.UnitFactory(building=building), customer=f.CustomerFactory(project=project)
        ).customer
        services.tick_step(customer=c, action_code="project_info", on=D(2026, 1, 3), by=amb)
    client = client_for(amb)
    client.get(reverse("feedback:step_list"))  # the login's own queries happen here
    with django_assert_max_num_queries(25):
        r = client.get(
            reverse("feedback:step_list"), {"project": project.pk, "building": building.pk}
        )
    assert r.context["page"].paginator.count == n * 19


def test_project_plus_two_form_for_the_centre_head(project, member, client_for):
    head = member("centre_head", project)
    client = client_for(head)
    r = client.get(reverse("feedback:step_list"))
    assert "project-step-form" in r.text
    r = client.post(
        reverse("feedback:project_step_record", args=[project.pk]),
        {"done_on": "2026-05-01", "note": "更新改造计划"},
    )
    assert r.status_code == 302
    assert ProjectStepRecord.objects.get(project=project).recorded_by == head
    amb = client_for(member("customer_ambassador", project))
    url = reverse("feedback:project_step_record", args=[project.pk])
    assert amb.post(url, {"done_on": "2026-05-01"}).status_code == 403


def test_core_customer_page_links_to_the_steps(project, member, client_for):
    c = _customer(project, created=(2026, 1, 3))
    r = client_for(member("customer_ambassador", project)).get(c.get_absolute_url())
    assert reverse("feedback:customer_steps", args=[c.pk]) in r.text


def test_demo_has_a_customer_with_all_19_actions_and_others_partly_done():
    from django.core.management import call_command

    from salesite.models import Project

    demo_snapshot.seed_demo()
    binjiang = Project.objects.get(code="binjiang")
    counts = sorted(
        Customer.objects.filter(project=binjiang)
        .annotate(n=models.Count("step_records"))
        .values_list("n", flat=True)
    )
    assert counts[-1] == 19 and 0 < counts[-2] < 19
    full = Customer.objects.filter(project=binjiang).annotate(n=models.Count("step_records"))
    full = full.get(n=19)
    days = sorted(
        CustomerStepRecord.objects.filter(customer=full).values_list("done_on", flat=True)
    )
    assert (days[-1] - days[0]).days > 365  # over time: from registration to the 1-year check
    assert CustomerStepRecord.objects.filter(customer=full, recorded_by__isnull=False).count() > 10
    records, notes = CustomerStepRecord.objects.count(), Notification.objects.count()
    call_command("seed_demo", verbosity=0)
    assert (CustomerStepRecord.objects.count(), Notification.objects.count()) == (records, notes)
