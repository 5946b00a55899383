"""Callback surveys answered by the owner through an SMS link (issue 14)."""

import datetime
import hashlib
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from feedback import services
from feedback.exceptions import CallbackClosed
from feedback.models import (
    CallbackAttempt,
    CallbackStatus,
    CallbackTask,
    Case,
    Channel,
    CustomerStepRecord,
    Question,
    SurveyLink,
)
from salesite.models import OutboundMessage
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    """The per-IP limit counts in the cache; every test starts with no request counted."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def task(project):
    customer = f.CustomerFactory(project=project)
    return CallbackTask.objects.create(
        project=project,
        customer=customer,
        rule="repair",
        source_key="case:1",
        due_date="2026-03-01",
    )


def _questions(task):
    return list(
        Question.objects.filter(questionnaire__rule=task.rule, is_active=True).order_by(
            "order", "pk"
        )
    )


def _url(token):
    return reverse("survey_answer", args=[token])


def _all(task, value):
    """Form data answering every question of the task's questionnaire with ``value``."""
    data = {}
    for q in _questions(task):
        if q.kind == Question.Kind.SCALE:
            data[f"q_{q.pk}"] = str(value)
        elif q.kind == Question.Kind.YES_NO:
            data[f"q_{q.pk}"] = "yes" if value >= 3 else "no"
    return data


def _sms(link):
    return OutboundMessage.objects.get(dedupe_key=f"feedback:survey:{link.pk}")


# --- the link ------------------------------------------------------------------------------


def test_token_is_stored_hashed_and_sent_only_in_the_sms(task):
    link = services.send_survey_link(task)
    token = link.token
    assert len(token) >= 22  # at least 128 random bits, URL-safe
    link.refresh_from_db()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(getattr(link, fld.attname)) for fld in SurveyLink._meta.concrete_fields]
    assert not any(token in value for value in stored)
    sms = _sms(link)
    assert sms.channel == "sms" and sms.recipient == task.customer.phone
    assert f"http://127.0.0.1:8000/s/{token}/" in sms.body
    assert link.sent_to == task.customer.phone
    assert link.expires_at - link.created_at == datetime.timedelta(days=14)


def test_the_link_works_once(client, task):
    token = services.send_survey_link(task).token
    r = client.get(_url(token))
    assert r.status_code == 200
    body = r.content.decode()
    for q in _questions(task):
        assert q.text in body
    assert "<script" not in body and " style=" not in body
    r = client.post(_url(token), _all(task, 5))
    assert r.status_code == 200 and "提交成功" in r.content.decode()
    # Used: the same link now answers 410 and records nothing more.
    r = client.get(_url(token))
    assert r.status_code == 410 and "已提交" in r.content.decode()
    r = client.post(_url(token), _all(task, 1))
    assert r.status_code == 410
    task.refresh_from_db()
    assert task.attempts == 1 and task.score == 5 and not task.dissatisfied
    assert not Case.objects.filter(source_callback=task).exists()


def test_answers_are_recorded_as_the_callback_outcome(client, task):
    link = services.send_survey_link(task)
    questions = _questions(task)
    data = {f"q_{questions[0].pk}": "4", f"q_{questions[1].pk}": "2", "comment": "维修太慢"}
    assert client.post(_url(link.token), data).status_code == 200
    task.refresh_from_db()
    assert task.status == CallbackStatus.REACHED and not task.is_open  # closed
    assert task.completed_at is not None
    assert task.answers == {str(questions[0].pk): 4, str(questions[1].pk): 2}
    assert task.score == 3 and task.dissatisfied
    attempt = CallbackAttempt.objects.get(task=task)
    assert attempt.outcome == "reached" and attempt.channel == CallbackAttempt.Channel.SURVEY
    assert attempt.by is None and attempt.note == "维修太慢"
    # Dissatisfied: the same follow-up complaint as a phone callback, with the survey channel.
    follow_up = Case.objects.get(source_callback=task)
    assert follow_up.kind == "complaint" and follow_up.channel == Channel.SURVEY
    assert questions[1].text in follow_up.content
    # The 6+2 step a callback ticks is ticked as for a phone callback.
    assert CustomerStepRecord.objects.filter(source=f"callback:{task.pk}").exists()
    link.refresh_from_db()
    assert link.used_at is not None and link.revoked_at is None


def test_missing_answers_are_refused_and_nothing_changes(client, task):
    token = services.send_survey_link(task).token
    questions = _questions(task)
    r = client.post(_url(token), {f"q_{questions[0].pk}": "5"})
    assert r.status_code == 200 and "请完成标有" in r.content.decode()
    r = client.post(_url(token), {**_all(task, 5), f"q_{questions[0].pk}": "9"})
    assert r.status_code == 200
    task.refresh_from_db()
    assert task.is_open and task.attempts == 0
    assert SurveyLink.objects.get().used_at is None
    assert client.post(_url(token), _all(task, 5)).status_code == 200  # still usable


def test_unknown_token_is_404(client, task):
    services.send_survey_link(task)
    r = client.get(_url("x" * 32))
    assert r.status_code == 404 and "问卷链接无效" in r.content.decode()
    assert client.post(_url("x" * 32), _all(task, 1)).status_code == 404
    task.refresh_from_db()
    assert task.attempts == 0


def test_an_expired_link_is_410_and_changes_nothing(client, task):
    token = services.send_survey_link(
        task, now=timezone.now() - datetime.timedelta(days=14, seconds=1)
    ).token
    r = client.get(_url(token))
    assert r.status_code == 410 and "已过期" in r.content.decode()
    assert client.post(_url(token), _all(task, 5)).status_code == 410
    task.refresh_from_db()
    assert task.is_open and task.attempts == 0


def test_a_link_whose_task_was_reached_by_phone_is_410(client, task):
    link = services.send_survey_link(task)
    token = link.token
    services.callback_record_outcome(task=task, reached=True, answers=_answers(task, 5))
    link.refresh_from_db()
    assert link.revoked_at is not None and link.used_at is None
    r = client.get(_url(token))
    assert r.status_code == 410 and "本次回访已完成" in r.content.decode()
    assert client.post(_url(token), _all(task, 1)).status_code == 410
    task.refresh_from_db()
    assert task.attempts == 1
    with pytest.raises(CallbackClosed):
        services.send_survey_link(task)


def _answers(task, value):
    return {q.pk: value for q in _questions(task) if q.kind == Question.Kind.SCALE}


def test_reissue_revokes_the_older_link(client, task):
    now = timezone.now()
    first = services.send_survey_link(task, now=now - datetime.timedelta(minutes=5))
    second = services.send_survey_link(task, now=now)
    assert second.pk != first.pk and second.token != first.token
    first.refresh_from_db()
    assert first.revoked_at == now
    r = client.get(_url(first.token))
    assert r.status_code == 410 and "已失效" in r.content.decode()
    assert client.get(_url(second.token)).status_code == 200
    assert OutboundMessage.objects.filter(dedupe_key__startswith="feedback:survey:").count() == 2


def test_a_job_sends_one_link_per_task(task):
    first = services.send_survey_link(task, reissue=False)
    later = timezone.now() + datetime.timedelta(hours=1)
    again = services.send_survey_link(task, reissue=False, now=later)
    assert again.pk == first.pk
    assert SurveyLink.objects.count() == 1 and OutboundMessage.objects.count() == 1


def test_the_job_helper_sends_once_and_skips_what_it_cannot_send(project, task):
    no_phone = CallbackTask.objects.create(
        project=project,
        customer=f.CustomerFactory(project=project, phone=""),
        rule="repair",
        source_key="case:3",
        due_date="2026-03-01",
    )
    tasks = CallbackTask.objects.filter(pk__in=[task.pk, no_phone.pk])
    assert services.survey_links_send(tasks) == {"sent": 1, "skipped": 1}
    assert services.survey_links_send(tasks) == {"sent": 0, "skipped": 1}
    assert SurveyLink.objects.count() == 1 and OutboundMessage.objects.count() == 1


def test_a_customer_without_mobile_gets_no_link(task):
    task.customer.phone = ""
    task.customer.save()
    with pytest.raises(services.DomainError):
        services.send_survey_link(task)
    assert not SurveyLink.objects.exists() and not OutboundMessage.objects.exists()


def test_requests_per_ip_are_limited(client, task, settings):
    assert settings.SURVEY_LIMIT_PER_IP == 60
    token = services.send_survey_link(task).token
    for _i in range(59):
        assert client.get(_url("y" * 32)).status_code == 404
    assert client.get(_url(token)).status_code == 200  # the 60th request of the hour
    r = client.get(_url(token))
    assert r.status_code == 429 and "请求过于频繁" in r.content.decode()
    assert client.post(_url(token), _all(task, 5)).status_code == 429
    task.refresh_from_db()
    assert task.is_open
    other = client.get(_url(token), REMOTE_ADDR="10.0.0.9")  # another address still counts alone
    assert other.status_code == 200


# --- staff ---------------------------------------------------------------------------------


def _send(c, task):
    return c.post(reverse("feedback:callback_survey_send", args=[task.pk]), follow=True)


def test_staff_send_the_link_from_the_task_page(project, member, client_for, task):
    desk = member("front_desk", project)
    c = client_for(desk)
    r = _send(c, task)
    assert r.status_code == 200 and "问卷链接已发送" in r.content.decode()
    link = SurveyLink.objects.get()
    assert link.created_by == desk
    page = c.get(task.get_absolute_url()).content.decode()
    assert "已发送，待填写" in page and "重新发送问卷链接" in page
    assert link.token_hash not in page
    # Answered by the owner: the page says so.
    token = re.search(r"/s/([\w-]+)/", _sms(link).body).group(1)
    assert c.post(_url(token), _all(task, 5)).status_code == 200
    page = c.get(task.get_absolute_url()).content.decode()
    assert "已填写" in page and "问卷" in page
    assert c.get(reverse("feedback:callback_survey_send", args=[task.pk])).status_code == 405


def test_a_double_click_sends_one_sms(project, member, client_for, task):
    c = client_for(member("front_desk", project))
    _send(c, task)
    _send(c, task)
    assert SurveyLink.objects.count() == 1
    assert OutboundMessage.objects.filter(channel="sms").count() == 1


def test_staff_of_another_project_cannot_send(other_project, member, client_for, task):
    outsider = member("front_desk", other_project)
    r = client_for(outsider).post(reverse("feedback:callback_survey_send", args=[task.pk]))
    assert r.status_code == 404
    assert not SurveyLink.objects.exists() and not OutboundMessage.objects.exists()


def test_a_role_that_cannot_record_callbacks_cannot_send(project, member, client_for, task):
    r = client_for(member("dev_sales_director", project)).post(
        reverse("feedback:callback_survey_send", args=[task.pk])
    )
    assert r.status_code in (403, 404)
    assert not SurveyLink.objects.exists()


def test_response_rates_on_the_callback_list(project, member, client_for, task):
    desk = member("front_desk", project)
    second = CallbackTask.objects.create(
        project=project,
        customer=f.CustomerFactory(project=project),
        rule="repair",
        source_key="case:2",
        due_date="2026-03-01",
    )
    token = services.send_survey_link(task).token
    services.send_survey_link(second)
    services.survey_answer(token=token, answers=_answers(task, 5))
    c = client_for(desk)
    r = c.get(reverse("feedback:callback_list"))
    rates = r.context["survey_rates"]
    assert [(x["project"], x["sent"], x["answered"], x["rate"]) for x in rates] == [
        (project.name, 2, 1, 50.0)
    ]
    assert "短信问卷回复率" in r.content.decode()
    answered = c.get(reverse("feedback:callback_list"), {"survey": "answered"})
    assert [t.pk for t in answered.context["page"]] == [task.pk]
    unanswered = c.get(reverse("feedback:callback_list"), {"survey": "unanswered"})
    assert [t.pk for t in unanswered.context["page"]] == [second.pk]


def test_response_rate_on_the_dashboard(project, task):
    from feedback.dashboard import dashboard_figures

    token = services.send_survey_link(task).token
    services.survey_answer(token=token, answers=_answers(task, 4))
    today = timezone.localdate()
    figures = {
        str(fig.title): fig
        for fig in dashboard_figures(None, [project.pk], today, today, today=today)
    }
    assert figures["问卷回复率"].value == 100.0
    assert "已发送 1，已回复 1" in figures["问卷回复率"].note


@pytest.mark.parametrize("n", [3, 30])
def test_callback_list_queries_bounded_with_links(
    project, member, client_for, n, django_assert_max_num_queries
):
    desk = member("front_desk", project)
    tasks = CallbackTask.objects.bulk_create(
        CallbackTask(
            project=project,
            customer=f.CustomerFactory(project=project),
            rule=rule,
            source_key="2026-02",
            due_date="2026-03-01",
        )
        for i in range(n)
        for rule in [("sales", "repair")[i % 2]]
    )
    for t in tasks:
        services.send_survey_link(t)
    c = client_for(desk)
    c.get(reverse("feedback:callback_list"))
    with django_assert_max_num_queries(15):
        r = c.get(reverse("feedback:callback_list"))
    assert r.status_code == 200 and sum(x["sent"] for x in r.context["survey_rates"]) == n


def test_the_daily_job_sends_links_for_due_design_callbacks_only_once(project, task):
    """设计回访 is answered by SMS questionnaire: the beat job sends its link once it is due;
    a phone rule (repair) and a design callback not yet due get nothing."""
    from django_celery_beat.models import PeriodicTask

    from feedback.tasks import feedback_survey_links_send

    customer = f.CustomerFactory(project=project)
    due = CallbackTask.objects.create(
        project=project, customer=customer, rule="design", source_key="h:1", due_date="2026-03-01"
    )
    CallbackTask.objects.create(
        project=project, customer=customer, rule="design", source_key="h:2", due_date="2099-01-01"
    )
    first = feedback_survey_links_send()
    assert first["sent"] == 1
    assert list(SurveyLink.objects.values_list("task", flat=True)) == [due.pk]
    assert feedback_survey_links_send()["sent"] == 0
    assert SurveyLink.objects.count() == 1
    assert PeriodicTask.objects.filter(task="feedback.tasks.feedback_survey_links_send").exists()
