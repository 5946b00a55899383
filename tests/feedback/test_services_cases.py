import datetime

import pytest

from feedback import services
from feedback.exceptions import CaseNotReplied, DomainError, InvalidTransition
from feedback.models import (
    AmbassadorAssignment,
    BreachKind,
    CallbackStatus,
    CallbackTask,
    Case,
    CaseEvent,
    CaseStatus,
    DeadlineBreach,
    RuleCode,
)
from salesite.models import Notification

from .conftest import sh

pytestmark = pytest.mark.django_db


def test_request_not_settled_gets_dispatch_and_answer_deadlines(project, customer):
    now = sh(2026, 3, 2, 9, 0)
    case = services.case_create(
        project=project, kind="request", subject="门禁卡", customer=customer, now=now
    )
    assert case.dispatch_due == now + datetime.timedelta(minutes=10)
    assert case.answer_due == now + datetime.timedelta(days=1)
    assert case.status == CaseStatus.NEW
    assert case.contact_phone == customer.phone
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_request_answer_due_is_the_promised_time(project, customer):
    now = sh(2026, 3, 2, 9, 0)
    promised = sh(2026, 3, 2, 15, 0)
    case = services.case_create(
        project=project,
        kind="request",
        subject="x",
        customer=customer,
        now=now,
        promised_at=promised,
    )
    assert case.answer_due == promised


def test_request_settled_on_spot_has_no_deadline_and_is_replied(project, customer):
    case = services.case_create(
        project=project,
        kind="request",
        subject="x",
        customer=customer,
        settled_on_spot=True,
        reply="已当场答复",
        now=sh(2026, 3, 2, 9, 0),
    )
    assert case.dispatch_due is None and case.answer_due is None
    assert case.status == CaseStatus.REPLIED


def test_repair_has_10_minute_dispatch(project, customer):
    now = sh(2026, 3, 2, 9, 0)
    case = services.case_create(
        project=project, kind="repair", subject="漏水", customer=customer, now=now
    )
    assert case.dispatch_due == now + datetime.timedelta(minutes=10)
    assert case.answer_due is None


def test_deadline_across_midnight_shanghai(project, customer):
    now = sh(2026, 3, 2, 23, 55)
    case = services.case_create(
        project=project, kind="request", subject="x", customer=customer, now=now
    )
    assert case.dispatch_due == sh(2026, 3, 3, 0, 5)
    assert case.answer_due == sh(2026, 3, 3, 23, 55)


def test_complaint_requires_category(project, customer):
    with pytest.raises(DomainError):
        services.case_create(project=project, kind="complaint", subject="x", customer=customer)
    assert not Case.objects.exists()


def test_walk_in_or_customer_required(project):
    with pytest.raises(DomainError):
        services.case_create(project=project, kind="visit", subject="x")
    case = services.case_create(project=project, kind="visit", subject="x", walk_in_name="张先生")
    assert case.customer_label == "张先生"


def test_customer_of_other_project_refused(project, other_project):
    from tests import factories as f

    stranger = f.CustomerFactory(project=other_project)
    with pytest.raises(DomainError):
        services.case_create(project=project, kind="visit", subject="x", customer=stranger)


def test_major_visit_escalated_to_centre_head(project, customer, member):
    head = member("centre_head", project)
    desk = member("front_desk", project)
    case = services.case_create(
        project=project,
        kind="visit",
        subject="水管爆裂",
        customer=customer,
        is_major=True,
        user=desk,
    )
    assert case.escalated_at is not None
    n = Notification.objects.get(recipient=head)
    assert n.level == Notification.Level.ESCALATION
    assert not Notification.objects.filter(recipient=desk).exists()


def test_full_flow_and_history(project, customer, member):
    desk = member("front_desk", project)
    case = services.case_create(project=project, kind="request", subject="x", customer=customer)
    case = services.case_dispatch(case=case, user=desk, responsible_person="李工")
    assert case.status == CaseStatus.DISPATCHED and case.dispatched_at
    case = services.case_start(case=case, user=desk)
    case = services.case_reply(case=case, user=desk, reply="已处理")
    case = services.case_close(case=case, user=desk)
    assert case.status == CaseStatus.CLOSED
    assert list(case.events.values_list("to_status", flat=True)) == [
        "new",
        "dispatched",
        "in_progress",
        "replied",
        "closed",
    ]


def test_dispatch_requires_responsible(project, customer):
    case = services.case_create(project=project, kind="request", subject="x", customer=customer)
    with pytest.raises(DomainError):
        services.case_dispatch(case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_closing_without_reply_refused(project, customer):
    case = services.case_create(
        project=project,
        kind="complaint",
        subject="x",
        customer=customer,
        complaint_category="service",
    )
    services.case_dispatch(case=case, responsible_person="王")
    with pytest.raises(CaseNotReplied):
        services.case_close(case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED
    assert case.closed_at is None
    assert not case.events.filter(to_status="closed").exists()


def test_reply_cannot_be_empty(project, customer):
    case = services.case_create(project=project, kind="visit", subject="x", customer=customer)
    with pytest.raises(CaseNotReplied):
        services.case_reply(case=case, reply="  ")


def test_invalid_transition(project, customer):
    case = services.case_create(project=project, kind="visit", subject="x", customer=customer)
    services.case_reply(case=case, reply="ok")
    services.case_close(case=case)
    with pytest.raises(InvalidTransition):
        services.case_start(case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_repair_close_sets_callback_deadlines_and_tasks(project, owner, unit):
    now = sh(2026, 3, 2, 23, 30)
    case = services.case_create(
        project=project,
        kind="repair",
        subject="漏水",
        customer=owner,
        unit=unit,
        is_major=True,
        now=now,
    )
    services.case_dispatch(
        case=case, responsible_person="维修组", repair_contractor="甲公司", now=now
    )
    services.case_reply(case=case, reply="已修好", now=now)
    case = services.case_close(case=case, now=now)
    assert case.callback_due == sh(2026, 3, 3, 23, 30)
    assert case.second_callback_due == sh(2026, 5, 2, 23, 30)
    tasks = {t.rule: t for t in CallbackTask.objects.filter(case=case)}
    assert tasks[RuleCode.REPAIR].due_date == datetime.date(2026, 3, 3)
    assert tasks[RuleCode.REPAIR_MAJOR].due_date == datetime.date(2026, 5, 2)
    assert case.repair_contractor == "甲公司"


def test_rectification_survey_within_a_week(project, owner):
    case = services.case_create(
        project=project,
        kind="complaint",
        subject="x",
        customer=owner,
        complaint_category="build_quality",
    )
    now = sh(2026, 3, 2, 10, 0)
    case = services.case_rectification_done(case=case, now=now)
    assert case.survey_due == sh(2026, 3, 9, 10, 0)
    task = CallbackTask.objects.get(case=case, rule=RuleCode.RECTIFICATION)
    assert task.due_date == datetime.date(2026, 3, 9)


def test_breaches_marked_once_and_notified_once(project, customer, member):
    lead = member("cs_lead", project)
    received = sh(2026, 3, 2, 23, 55)
    case = services.case_create(
        project=project, kind="request", subject="x", customer=customer, now=received
    )
    # 00:04 the next day: not yet late.
    counts = services.deadline_breaches_mark(now=sh(2026, 3, 3, 0, 4))
    assert counts["dispatch"] == 0
    counts = services.deadline_breaches_mark(now=sh(2026, 3, 3, 0, 6))
    assert counts["dispatch"] == 1 and counts["answer"] == 0
    b = DeadlineBreach.objects.get(case=case)
    assert b.kind == BreachKind.DISPATCH and b.notified
    assert Notification.objects.filter(recipient=lead).count() == 1
    counts = services.deadline_breaches_mark(now=sh(2026, 3, 3, 0, 10))
    assert counts["dispatch"] == 0 and counts["notified"] == 0
    assert Notification.objects.filter(recipient=lead).count() == 1
    # The answer is due 23:55 the next day.
    services.deadline_breaches_mark(now=sh(2026, 3, 3, 23, 54))
    assert DeadlineBreach.objects.filter(kind="answer").count() == 0
    services.deadline_breaches_mark(now=sh(2026, 3, 3, 23, 56))
    assert DeadlineBreach.objects.filter(kind="answer").count() == 1


def test_dispatched_in_time_is_no_breach(project, customer):
    received = sh(2026, 3, 2, 9, 0)
    case = services.case_create(
        project=project, kind="repair", subject="x", customer=customer, now=received
    )
    services.case_dispatch(case=case, responsible_person="x", now=sh(2026, 3, 2, 9, 5))
    services.deadline_breaches_mark(now=sh(2026, 3, 2, 12, 0))
    assert not DeadlineBreach.objects.exists()


def test_repair_callback_breach_unless_done(project, owner):
    now = sh(2026, 3, 2, 10, 0)
    case = services.case_create(
        project=project, kind="repair", subject="x", customer=owner, now=now
    )
    services.case_dispatch(case=case, responsible_person="x", now=now)
    services.case_reply(case=case, reply="ok", now=now)
    services.case_close(case=case, now=now)
    services.deadline_breaches_mark(now=sh(2026, 3, 3, 9, 0))
    assert not DeadlineBreach.objects.filter(kind="callback").exists()
    services.deadline_breaches_mark(now=sh(2026, 3, 3, 10, 1))
    assert DeadlineBreach.objects.filter(kind="callback", case=case).count() == 1

    # A second repair whose callback was made in time has no breach.
    case2 = services.case_create(
        project=project, kind="repair", subject="y", customer=owner, now=now
    )
    services.case_dispatch(case=case2, responsible_person="x", now=now)
    services.case_reply(case=case2, reply="ok", now=now)
    services.case_close(case=case2, now=now)
    task = CallbackTask.objects.get(case=case2, rule="repair")
    services.callback_record_outcome(task=task, reached=True, answers={}, now=now)
    assert CallbackTask.objects.get(pk=task.pk).status == CallbackStatus.REACHED
    services.deadline_breaches_mark(now=sh(2026, 3, 3, 10, 1))
    assert not DeadlineBreach.objects.filter(case=case2).exists()


def test_ambassador_notified_of_case_in_their_building(project, owner, unit, member):
    amb = member("customer_ambassador", project)
    AmbassadorAssignment.objects.create(project=project, user=amb, building=unit.building)
    services.case_create(
        project=project,
        kind="complaint",
        subject="x",
        customer=owner,
        unit=unit,
        complaint_category="design",
    )
    assert Notification.objects.filter(recipient=amb).count() == 1


def test_breach_task_records_job_run(project, customer):
    from feedback.tasks import feedback_deadline_breaches
    from salesite.models import JobRun

    services.case_create(
        project=project, kind="repair", subject="x", customer=customer, now=sh(2020, 1, 1, 9, 0)
    )
    result = feedback_deadline_breaches.delay().get()
    assert result["dispatch"] == 1
    run = JobRun.objects.get(job_name="feedback_deadline_breaches")
    assert run.status == JobRun.Status.SUCCESS
