import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from feedback import services
from feedback.exceptions import CallbackClosed
from feedback.models import (
    AmbassadorAssignment,
    CallbackStatus,
    CallbackTask,
    Case,
    CustomerStepRecord,
    Question,
    RuleCode,
)
from tests import factories as f

from .conftest import sh

pytestmark = pytest.mark.django_db

D = datetime.date


def _rule_count(rule):
    return CallbackTask.objects.filter(rule=rule).count()


def test_sales_callbacks_for_previous_month_signings(project, member):
    amb = member("customer_ambassador", project)
    in_month = f.PurchaseFactory(unit__building__project=project, signed_on=D(2026, 2, 10))
    AmbassadorAssignment.objects.create(project=project, user=amb, building=in_month.unit.building)
    f.PurchaseFactory(unit__building__project=project, signed_on=D(2026, 1, 31))
    f.PurchaseFactory(unit__building__project=project, signed_on=D(2026, 3, 1))
    counts = services.callbacks_generate(today=D(2026, 3, 1))
    assert counts["sales"] == 1
    task = CallbackTask.objects.get(rule=RuleCode.SALES)
    assert task.customer_id == in_month.customer_id
    assert task.due_date == D(2026, 3, 1)
    assert task.source_key == "2026-02"
    assert task.assigned_to == amb
    # Second run creates nothing.
    assert services.callbacks_generate(today=D(2026, 3, 1))["sales"] == 0
    assert _rule_count("sales") == 1


def test_delivery_callbacks_for_previous_month_handovers(owner, unit):
    services.record_handover(customer=owner, unit=unit, handover_date=D(2026, 2, 28))
    counts = services.callbacks_generate(today=D(2026, 3, 1))
    assert counts["delivery"] == 1
    assert services.callbacks_generate(today=D(2026, 3, 2))["delivery"] == 0
    assert CallbackTask.objects.get(rule="delivery").due_date == D(2026, 3, 1)


def test_three_month_callback_generated_a_week_ahead(owner, unit):
    services.record_handover(customer=owner, unit=unit, handover_date=D(2026, 1, 15))
    assert services.callbacks_generate(today=D(2026, 4, 7))["residence_3m"] == 0
    assert services.callbacks_generate(today=D(2026, 4, 8))["residence_3m"] == 1
    task = CallbackTask.objects.get(rule="residence_3m")
    assert task.due_date == D(2026, 4, 15)
    assert services.callbacks_generate(today=D(2026, 4, 20))["residence_3m"] == 0


def test_one_year_callback(owner, unit):
    services.record_handover(customer=owner, unit=unit, handover_date=D(2025, 6, 1))
    assert services.callbacks_generate(today=D(2026, 5, 20))["quality_1y"] == 0
    assert services.callbacks_generate(today=D(2026, 5, 28))["quality_1y"] == 1
    assert CallbackTask.objects.get(rule="quality_1y").due_date == D(2026, 6, 1)
    assert services.callbacks_generate(today=D(2026, 5, 29))["quality_1y"] == 0


def test_repair_callbacks_by_job_are_idempotent(project, owner):
    now = sh(2026, 3, 2, 10, 0)
    case = services.case_create(
        project=project, kind="repair", subject="x", customer=owner, is_major=True, now=now
    )
    services.case_dispatch(case=case, responsible_person="x", now=now)
    services.case_reply(case=case, reply="ok", now=now)
    services.case_close(case=case, now=now)
    assert _rule_count("repair") == 1 and _rule_count("repair_major") == 1
    CallbackTask.objects.all().delete()
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now())
    counts = services.callbacks_generate(today=D(2026, 3, 3))
    assert counts["repair"] == 1 and counts["repair_major"] == 1
    counts = services.callbacks_generate(today=D(2026, 3, 3))
    assert counts["repair"] == 0 and counts["repair_major"] == 0


def test_rectification_callback_by_job(project, owner):
    case = services.case_create(
        project=project, kind="complaint", subject="x", customer=owner, complaint_category="design"
    )
    services.case_rectification_done(case=case)
    assert _rule_count("rectification") == 1
    assert services.callbacks_generate()["rectification"] == 0


def _task(project, customer, rule="residence_3m"):
    return CallbackTask.objects.create(
        project=project, customer=customer, rule=rule, source_key="t", due_date=D(2026, 3, 1)
    )


def test_scoring_formula(project, customer):
    qs = list(Question.objects.filter(questionnaire__rule="residence_3m").order_by("order"))
    scale = [q for q in qs if q.kind == "scale"]
    answers = {str(scale[0].pk): 5, str(scale[1].pk): 4, str(scale[2].pk): 4}
    score, bad = services.score_answers(qs, answers)
    assert score == Decimal("4.33") and bad is False
    yes_no = list(Question.objects.filter(questionnaire__rule="sales", kind="yes_no"))
    score, bad = services.score_answers(yes_no, {str(yes_no[0].pk): "yes", str(yes_no[1].pk): "no"})
    assert score == Decimal("3.00") and bad is True


def test_reached_records_answers_score_and_ticks_step(project, customer):
    task = _task(project, customer)
    q = Question.objects.filter(questionnaire__rule="residence_3m", kind="scale").first()
    now = sh(2026, 3, 1, 10, 0)
    task = services.callback_record_outcome(task=task, reached=True, answers={q.pk: 4}, now=now)
    assert task.status == CallbackStatus.REACHED
    assert task.score == Decimal("4.00") and task.attempts == 1
    assert not Case.objects.exists()
    rec = CustomerStepRecord.objects.get(customer=customer)
    assert rec.action.code == "callback_3m" and rec.done_on == D(2026, 3, 1)
    with pytest.raises(CallbackClosed):
        services.callback_record_outcome(task=task, reached=True, answers={})


def test_dissatisfied_answer_opens_follow_up_complaint(project, customer):
    task = _task(project, customer, rule="sales")
    q = Question.objects.filter(questionnaire__rule="sales", kind="yes_no").first()
    task = services.callback_record_outcome(task=task, reached=True, answers={q.pk: "no"})
    assert task.dissatisfied
    case = Case.objects.get()
    assert case.kind == "complaint" and case.source_callback == task
    assert case.customer == customer and q.text in case.content


def test_low_score_opens_follow_up(project, customer):
    task = _task(project, customer, rule="repair")
    q = Question.objects.filter(questionnaire__rule="repair").first()
    services.callback_record_outcome(task=task, reached=True, answers={q.pk: 2})
    assert Case.objects.filter(source_callback=task).count() == 1


def test_retries_until_max_attempts(project, customer, settings):
    settings.FEEDBACK_CALLBACK_MAX_ATTEMPTS = 3
    task = _task(project, customer)
    task = services.callback_record_outcome(task=task, reached=False)
    assert task.status == CallbackStatus.NOT_REACHED and task.attempts == 1
    task = services.callback_record_outcome(task=task, reached=False)
    assert task.status == CallbackStatus.NOT_REACHED
    task = services.callback_record_outcome(task=task, reached=False)
    assert task.status == CallbackStatus.DONE and task.attempts == 3
    assert task.attempt_rows.count() == 3
    with pytest.raises(CallbackClosed):
        services.callback_record_outcome(task=task, reached=False)


def test_retry_then_reached(project, customer):
    task = _task(project, customer)
    services.callback_record_outcome(task=task, reached=False)
    task = services.callback_record_outcome(task=task, reached=True, answers={})
    assert task.status == CallbackStatus.REACHED and task.attempts == 2


def test_generate_task_records_job_run(owner, unit):
    from feedback.tasks import feedback_callbacks_generate
    from salesite.models import JobRun

    feedback_callbacks_generate.delay().get()
    assert JobRun.objects.get(job_name="feedback_callbacks_generate").status == "success"


def test_generation_query_count_does_not_grow(project, django_assert_max_num_queries):
    for n in (3, 30):
        CallbackTask.objects.all().delete()
        for _i in range(n):
            p = f.PurchaseFactory(unit__building__project=project, signed_on=D(2026, 2, 10))
            services.record_handover(customer=p.customer, unit=p.unit, handover_date=D(2026, 2, 11))
        with django_assert_max_num_queries(30):
            services.callbacks_generate(today=D(2026, 3, 1))


@pytest.mark.parametrize(
    "handover, today, due",
    [
        (D(2025, 11, 30), D(2026, 2, 25), D(2026, 2, 28)),  # clamped to the month's end
        (D(2023, 11, 29), D(2024, 2, 25), D(2024, 2, 29)),  # leap year
        (D(2025, 12, 31), D(2026, 3, 28), D(2026, 3, 31)),
    ],
)
def test_three_month_due_date_is_computed_in_sql_like_relativedelta(
    owner, unit, handover, today, due
):
    services.record_handover(customer=owner, unit=unit, handover_date=handover)
    assert services.callbacks_generate(today=today)["residence_3m"] == 1
    assert CallbackTask.objects.get(rule="residence_3m").due_date == due


def test_generation_counts_only_new_rows_and_keeps_existing(project, member):
    """The set-based insert leaves existing tasks untouched (answers kept) and counts only
    what it created."""
    a = f.PurchaseFactory(unit__building__project=project, signed_on=D(2026, 2, 10))
    services.callbacks_generate(today=D(2026, 3, 1))
    CallbackTask.objects.filter(customer=a.customer).update(status="reached", attempts=1)
    b = f.PurchaseFactory(unit__building__project=project, signed_on=D(2026, 2, 11))
    assert services.callbacks_generate(today=D(2026, 3, 1))["sales"] == 1
    assert CallbackTask.objects.get(customer=a.customer).status == "reached"
    assert CallbackTask.objects.get(customer=b.customer).status == "pending"
    # A customer with two purchases signed in the month gets one task.
    f.PurchaseFactory(
        unit__building__project=project, customer=b.customer, signed_on=D(2026, 2, 12)
    )
    assert services.callbacks_generate(today=D(2026, 3, 1))["sales"] == 0


def test_generation_job_records_run():
    from feedback.tasks import feedback_callbacks_generate
    from salesite.models import JobRun

    feedback_callbacks_generate()
    run = JobRun.objects.filter(job_name="feedback_callbacks_generate").latest("pk")
    assert "sales" in run.counts


@pytest.mark.postgres
def test_add_months_sql_on_postgresql():
    from django.db import connection

    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        expr = services._add_months_sql("CAST(%s AS date)", 3)
        cursor.execute(f"SELECT {expr}", [D(2025, 11, 30)])
        assert cursor.fetchone()[0] == D(2026, 2, 28)
