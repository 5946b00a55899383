"""Callback rules as rows (issue #20, R-FB-6): the ten default rows, generation from the rows
(offsets, new and inactive rules), the complaint callback and the admin."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from feedback import services
from feedback.models import (
    AmbassadorAssignment,
    CallbackRule,
    CallbackStatus,
    CallbackTask,
    Case,
    RuleCode,
)
from salesite.models import Role
from tests import factories as f

from .conftest import sh

pytestmark = pytest.mark.django_db

D = datetime.date
T = CallbackRule.Trigger


@pytest.mark.parametrize(
    "code, trigger, value, unit, channel",
    [
        ("sales", T.SIGNED_IN_MONTH, 0, "days", "phone"),
        ("delivery", T.HANDED_OVER_IN_MONTH, 0, "days", "phone"),
        ("residence_3m", T.AFTER_HANDOVER, 3, "months", "phone"),
        ("quality_1y", T.ONE_YEAR_AFTER_HANDOVER, 0, "days", "phone"),
        ("repair", T.REPAIR_CLOSED, 24, "hours", "phone"),
        ("repair_major", T.MAJOR_REPAIR_CLOSED, 2, "months", "phone"),
        ("rectification", T.RECTIFICATION_DONE, 1, "weeks", "phone"),
        ("complaint", T.COMPLAINT_CLOSED, 24, "hours", "phone"),
        ("property_service", T.AFTER_HANDOVER, 6, "months", "phone"),
        ("design", T.AFTER_HANDOVER, 9, "months", "sms_questionnaire"),
    ],
)
def test_default_rows(code, trigger, value, unit, channel):
    rule = CallbackRule.objects.get(code=code)
    assert (rule.trigger, rule.offset_value, rule.offset_unit, rule.channel) == (
        trigger,
        value,
        unit,
        channel,
    )
    assert rule.is_active and rule.max_attempts == 3
    assert rule.role.code == "customer_ambassador"
    assert rule.questionnaire.questions.exists()
    assert rule.sends_sms_link == (code == "design")


def test_exactly_the_ten_rules_ship():
    assert set(CallbackRule.objects.values_list("code", flat=True)) == set(RuleCode.values)


@pytest.mark.parametrize(
    "code, handover, today, due",
    [
        ("residence_3m", D(2026, 1, 15), D(2026, 4, 8), D(2026, 4, 15)),
        ("property_service", D(2026, 1, 15), D(2026, 7, 8), D(2026, 7, 15)),
        ("design", D(2026, 1, 15), D(2026, 10, 8), D(2026, 10, 15)),
        ("quality_1y", D(2025, 6, 1), D(2026, 5, 25), D(2026, 6, 1)),
    ],
)
def test_handover_rules_due_at_their_offset(owner, unit, code, handover, today, due):
    services.record_handover(customer=owner, unit=unit, handover_date=handover)
    counts = services.callbacks_generate(today=today - datetime.timedelta(days=1))
    assert counts[code] == 0  # more than a week ahead
    assert services.callbacks_generate(today=today)[code] == 1
    assert CallbackTask.objects.get(rule=code).due_date == due


def test_a_new_rule_row_creates_its_tasks_on_the_next_run_once(owner, unit):
    services.record_handover(customer=owner, unit=unit, handover_date=D(2026, 1, 15))
    assert services.callbacks_generate(today=D(2026, 7, 10)).get("extra_6m") is None
    CallbackRule.objects.create(
        code="extra_6m",
        name="交房后6个月加访",
        trigger=T.AFTER_HANDOVER,
        offset_value=26,
        offset_unit="weeks",
        channel="visit",
    )
    assert services.callbacks_generate(today=D(2026, 7, 10))["extra_6m"] == 1
    assert services.callbacks_generate(today=D(2026, 7, 11))["extra_6m"] == 0
    task = CallbackTask.objects.get(rule="extra_6m")
    assert task.due_date == D(2026, 1, 15) + datetime.timedelta(weeks=26)
    assert task.rule.channel == "visit" and task.get_rule_display() == "交房后6个月加访"


def test_an_inactive_rule_creates_nothing(project, owner, unit):
    CallbackRule.objects.filter(code__in=["sales", "delivery", "repair"]).update(is_active=False)
    f.PurchaseFactory(unit__building__project=project, signed_on=D(2026, 2, 10))
    services.record_handover(customer=owner, unit=unit, handover_date=D(2026, 2, 20))
    counts = services.callbacks_generate(today=D(2026, 3, 1))
    assert "sales" not in counts and "delivery" not in counts
    assert not CallbackTask.objects.filter(rule__in=["sales", "delivery"]).exists()
    now = sh(2026, 3, 2, 10, 0)
    case = services.case_create(project=project, kind="repair", subject="x", customer=owner)
    services.case_reply(case=case, reply="ok", now=now)
    case = services.case_close(case=case, now=now)
    assert case.callback_due is None  # no deadline for a callback nobody will make
    assert not CallbackTask.objects.filter(case=case).exists()


def test_monthly_rule_offset_moves_the_due_date(project):
    CallbackRule.objects.filter(code="sales").update(offset_value=2, offset_unit="weeks")
    f.PurchaseFactory(unit__building__project=project, signed_on=D(2026, 2, 10))
    services.callbacks_generate(today=D(2026, 3, 1))
    assert CallbackTask.objects.get(rule="sales").due_date == D(2026, 3, 15)


def test_closing_a_complaint_creates_its_callback_due_24_hours_later(project, owner):
    received = sh(2026, 3, 2, 9, 0)
    case = services.case_create(
        project=project,
        kind="complaint",
        subject="噪音",
        customer=owner,
        complaint_category="service",
        now=received,
    )
    services.case_reply(case=case, reply="已处理", now=received)
    assert not CallbackTask.objects.filter(case=case).exists()
    services.case_close(case=case, now=sh(2026, 3, 2, 23, 30))
    task = CallbackTask.objects.get(case=case)
    assert task.rule == RuleCode.COMPLAINT and task.source_key == f"case:{case.pk}"
    assert task.due_date == D(2026, 3, 3)
    # The job's safety net finds it already there.
    Case.objects.filter(pk=case.pk).update(closed_at=sh(2026, 3, 2, 23, 30))
    assert services.callbacks_generate(today=D(2026, 3, 3))["complaint"] == 0


def test_case_deadlines_read_the_rows(project, owner):
    CallbackRule.objects.filter(code="repair").update(offset_value=48)
    CallbackRule.objects.filter(code="rectification").update(offset_value=2)
    now = sh(2026, 3, 2, 10, 0)
    case = services.case_create(project=project, kind="repair", subject="x", customer=owner)
    services.case_reply(case=case, reply="ok", now=now)
    case = services.case_close(case=case, now=now)
    assert case.callback_due == now + datetime.timedelta(hours=48)
    case = services.case_rectification_done(case=case, now=now)
    assert case.survey_due == now + datetime.timedelta(weeks=2)
    assert CallbackTask.objects.get(rule="rectification").due_date == D(2026, 3, 16)


def test_retries_follow_the_rule(project, customer):
    CallbackRule.objects.filter(code="residence_3m").update(max_attempts=1)
    task = CallbackTask.objects.create(
        project=project, customer=customer, rule="residence_3m", source_key="t", due_date=D.today()
    )
    task = services.callback_record_outcome(task=task, reached=False)
    assert task.status == CallbackStatus.DONE and task.attempts == 1


def test_a_rule_of_another_role_is_left_to_assign(project, member):
    amb = member("customer_ambassador", project)
    p = f.PurchaseFactory(unit__building__project=project, signed_on=D(2026, 2, 10))
    AmbassadorAssignment.objects.create(project=project, user=amb, building=p.unit.building)
    CallbackRule.objects.filter(code="sales").update(role=Role.objects.get(code="front_desk"))
    services.callbacks_generate(today=D(2026, 3, 1))
    assert CallbackTask.objects.get(rule="sales").assigned_to is None


def test_a_task_takes_the_rule_or_its_code(project, customer):
    rule = CallbackRule.objects.get(code="repair")
    by_code = CallbackTask(project=project, customer=customer, rule="repair")
    by_row = CallbackTask(project=project, customer=customer, rule=rule)
    assert by_code.rule_id == by_row.rule_id == "repair"
    assert by_code.rule == "repair" and by_code.rule == rule and by_row.rule == "repair"
    assert {RuleCode.REPAIR: 1}.get(by_code.rule) == 1
    by_row.rule = RuleCode.SALES
    assert by_row.rule.code == "sales"


def test_hours_are_refused_on_date_rules():
    rule = CallbackRule(code="x", name="x", trigger=T.AFTER_HANDOVER, offset_unit="hours")
    with pytest.raises(ValidationError):
        rule.full_clean()
    CallbackRule(code="y", name="y", trigger=T.COMPLAINT_CLOSED, offset_unit="hours").full_clean()


def test_admin_lists_and_edits_rules(client):
    client.force_login(f.UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:feedback_callbackrule_changelist")
    page = client.get(url, {"trigger": "after_handover", "q": "回访"}).content.decode()
    assert "设计回访" in page and "维修回访" not in page
    rule = CallbackRule.objects.get(code="design")
    page = client.get(reverse("admin:feedback_callbackrule_change", args=[rule.pk]))
    assert page.status_code == 200
    assert reverse("admin:feedback_questionnaire_change", args=[rule.questionnaire.pk]) in (
        page.content.decode()
    )
    index = client.get(reverse("admin:index")).content.decode()
    assert index.index("回访规则") < index.index("回访问卷")
