"""Notifications: inbox rows (deduplicated), email and SMS through the outbox (a row in the
same transaction, sent by a Celery task after commit and only once), SMS recorded by the
default gateway, the unread count in the header, job runs."""

import pytest
from django.core import mail
from django.urls import reverse

from salesite.jobs import record_run
from salesite.models import JobRun, Notification, OutboundMessage, SMSMessage
from salesite.notifications import notify, notify_many, send_sms
from salesite.notifications.sms import SMSBackend
from salesite.tasks import outbox_send, system_heartbeat
from tests import factories as f

pytestmark = pytest.mark.django_db


class FailingSMSBackend(SMSBackend):
    name = "failing"

    def send(self, phone, body):
        raise ConnectionError("gateway down")


@pytest.fixture
def user(db):
    return f.UserFactory(email="staff@example.com")


def test_notify_creates_one_inbox_row(user, project):
    n = notify(
        recipient=user, title="回访提醒", body="请今天完成回访", project=project, email=False
    )
    assert Notification.objects.get() == n
    assert (n.recipient, n.title, n.body, n.project, n.read_at) == (
        user,
        "回访提醒",
        "请今天完成回访",
        project,
        None,
    )


def test_dedupe_key_makes_a_second_call_create_nothing(user):
    first = notify(recipient=user, title="逾期", dedupe_key="job:1:2026-03-01", email=False)
    assert first is not None
    second = notify(recipient=user, title="逾期", dedupe_key="job:1:2026-03-01", email=False)
    assert second is None
    assert Notification.objects.count() == 1
    # another key, or another recipient, is a new message
    notify(recipient=user, title="逾期", dedupe_key="job:1:2026-03-02", email=False)
    notify(recipient=f.UserFactory(), title="逾期", dedupe_key="job:1:2026-03-01", email=False)
    assert Notification.objects.count() == 3


def test_notify_many_is_bulk_and_deduplicated(
    django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    users = [f.UserFactory() for _ in range(20)]
    with django_capture_on_commit_callbacks() as callbacks, django_assert_max_num_queries(4):
        created = notify_many(recipients=users, title="周例会", dedupe_key="weekly:9")
    assert len(created) == 20
    # 20 outbox rows, and one send task for them all queued for after commit.
    assert OutboundMessage.objects.filter(channel="email", status="pending").count() == 20
    assert len(callbacks) == 1
    newcomer = f.UserFactory()
    with django_capture_on_commit_callbacks() as callbacks, django_assert_max_num_queries(4):
        again = notify_many(recipients=[*users, newcomer], title="周例会", dedupe_key="weekly:9")
    assert [n.recipient for n in again] == [newcomer]
    assert len(callbacks) == 1
    assert Notification.objects.count() == 21


def test_email_is_sent_by_the_task_only_after_commit(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        n = notify(recipient=user, title="整改到期", body="3 项整改今天到期")
        assert mail.outbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["staff@example.com"]
    assert "整改到期" in message.subject
    assert message.body == "3 项整改今天到期"
    n.refresh_from_db()
    assert n.email_sent_at is not None


def test_email_is_not_sent_when_the_transaction_does_not_commit(
    user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        notify(recipient=user, title="不会发送")
    assert mail.outbox == []
    assert Notification.objects.get().email_sent_at is None


def test_email_task_sends_only_once(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        n = notify(recipient=user, title="一次")
    assert len(mail.outbox) == 1
    row = OutboundMessage.objects.get(notification_id=n.pk)
    assert outbox_send.delay([row.pk]).get() == 0  # a redelivered task
    assert outbox_send([row.pk]) == 0
    assert len(mail.outbox) == 1


def test_email_task_for_a_deleted_row_or_no_address(user):
    assert outbox_send([999999]) == 0
    no_mail = f.UserFactory(email="")
    n = notify(recipient=no_mail, title="无邮箱")
    assert not OutboundMessage.objects.filter(notification_id=n.pk).exists()
    assert mail.outbox == []


def test_deduplicated_notification_is_not_mailed_twice(user, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipient=user, title="去重", dedupe_key="k1")
    assert len(mail.outbox) == 1


def test_send_sms_records_the_message_and_dedupes(project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queued = send_sms(
            phone="13812345678", body="您的房屋已可交付", project=project, dedupe_key="ho:1"
        )
        assert SMSMessage.objects.count() == 0  # nothing leaves before the commit
    assert queued == OutboundMessage.objects.get()
    sms = SMSMessage.objects.get()
    assert (sms.status, sms.backend, sms.phone, sms.project) == (
        SMSMessage.Status.RECORDED,
        "database",
        "13812345678",
        project,
    )
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == (OutboundMessage.Status.SENT, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_sms(phone="13812345678", body="您的房屋已可交付", dedupe_key="ho:1") is None
    assert SMSMessage.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        send_sms(phone="13812345678", body="无去重键")
        send_sms(phone="13812345678", body="无去重键")
    assert SMSMessage.objects.count() == 3


def test_sms_gateway_failure_is_recorded_not_raised(settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = f"{__name__}.FailingSMSBackend"
    with django_capture_on_commit_callbacks(execute=True):
        queued = send_sms(phone="13812345678", body="x")
    sms = SMSMessage.objects.get()
    assert sms.status == SMSMessage.Status.FAILED
    assert "gateway down" in sms.error
    assert sms.backend == "failing"
    queued.refresh_from_db()  # kept for the sweep to retry later
    assert queued.status == OutboundMessage.Status.PENDING and queued.attempts == 1
    assert "gateway down" in queued.last_error and queued.next_attempt_at > queued.created_at


# --- inbox and header ----------------------------------------------------------------------


def test_header_shows_unread_count_and_marking_read_works(client_for, user):
    other = f.UserFactory()
    first = notify(recipient=user, title="第一条", email=False)
    notify(recipient=user, title="第二条", email=False)
    notify(recipient=other, title="别人的", email=False)
    c = client_for(user)
    html = c.get(reverse("home")).content.decode()
    assert 'id="unread-count">2<' in html

    inbox = c.get(reverse("salesite:inbox"))
    assert {n.title for n in inbox.context["page"]} == {"第一条", "第二条"}
    assert "别人的" not in inbox.content.decode()

    response = c.post(reverse("salesite:inbox_read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert 'id="unread-count">1<' in c.get(reverse("home")).content.decode()
    unread = c.get(reverse("salesite:inbox"), {"unread": 1})
    assert [n.title for n in unread.context["page"]] == ["第二条"]

    response = c.post(reverse("salesite:inbox_read_all"), follow=True)
    assert "已将 1 条通知标为已读。" in response.content.decode()
    assert 'id="unread-count"' not in response.content.decode()
    assert Notification.objects.get(recipient=other).read_at is None


def test_cannot_mark_someone_elses_notification(client_for, user):
    theirs = notify(recipient=f.UserFactory(), title="别人的", email=False)
    response = client_for(user).post(reverse("salesite:inbox_read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_needs_post(client_for, user):
    n = notify(recipient=user, title="x", email=False)
    assert client_for(user).get(reverse("salesite:inbox_read", args=[n.pk])).status_code == 405


def test_follow_link_only_within_the_site(client_for, user):
    inside = notify(recipient=user, title="内部", url="/core/customers/", email=False)
    outside = notify(recipient=user, title="外部", url="https://evil.example/", email=False)
    c = client_for(user)
    response = c.post(reverse("salesite:inbox_read", args=[inside.pk]), {"follow": "1"})
    assert response.url == "/core/customers/"
    response = c.post(reverse("salesite:inbox_read", args=[outside.pk]), {"follow": "1"})
    assert "evil.example" not in response.url


# --- job runs ------------------------------------------------------------------------------


def test_heartbeat_records_a_successful_run(user):
    notify(recipient=user, title="未读", email=False)
    result = system_heartbeat.delay().get()
    run = JobRun.objects.get()
    assert run.job_name == "system_heartbeat"
    assert run.status == JobRun.Status.SUCCESS
    assert run.counts == {"unread_notifications": 1} == result
    assert run.finished_at is not None and run.finished_at >= run.started_at
    assert run.error == ""


def test_failing_job_records_status_failed_with_the_error():
    with pytest.raises(RuntimeError), record_run("broken_job") as counts:
        counts["done"] = 3
        raise RuntimeError("数据库连接中断")
    run = JobRun.objects.get()
    assert run.status == JobRun.Status.FAILED
    assert "RuntimeError: 数据库连接中断" in run.error
    assert run.counts == {"done": 3}
    assert run.finished_at is not None


def test_notify_each_once_tells_each_role_holder_once_per_row(member, project):
    from salesite.notifications import notify_each_once

    lead = member("cs_lead", project)
    desk = member("front_desk", project)
    member("security", project)
    other = f.ProjectFactory()
    other_lead = member("cs_lead", other)
    rows = [f.CustomerFactory(project=project), f.CustomerFactory(project=other)]

    def run():
        return notify_each_once(
            rows,
            roles=lambda c: (
                ["cs_lead", "front_desk"] if c.project_id == project.pk else ["cs_lead"]
            ),
            message=lambda c: {"title": f"请回访 {c.name}", "url": "/x/"},
            key=lambda c: f"test:customer:{c.pk}",
        )

    assert run() == {"due": 2, "notified": 3}
    assert run() == {"due": 2, "notified": 0}  # a second run sends nothing twice
    got = {(n.recipient_id, n.project_id) for n in Notification.objects.all()}
    assert got == {(lead.pk, project.pk), (desk.pk, project.pk), (other_lead.pk, other.pk)}
    assert set(Notification.objects.values_list("level", flat=True)) == {"reminder"}


def test_notify_each_once_static_roles_extra_recipients_and_marks(member, project):
    import datetime

    from django.utils import timezone

    from salesite.models import Customer
    from salesite.notifications import notify_each_once

    lead = member("cs_lead", project)
    desk = member("front_desk", project)
    assignee = f.UserFactory()
    rows = [
        f.CustomerFactory(project=project, birthday=datetime.date(1990, 1, 2)),
        f.CustomerFactory(project=project, birthday=datetime.date(1991, 3, 4)),
    ]

    def run(mark):
        return notify_each_once(
            rows,
            roles=["front_desk", "cs_lead"],  # their holders in membership order
            message=lambda c: {"title": f"请回访 {c.name}", "level": "overdue"},
            key=lambda c: f"test:customer:{c.pk}",
            extra=lambda c: [assignee, desk] if c.pk == rows[0].pk else [],
            mark=mark,
        )

    assert run({"is_vip": True}) == {"due": 2, "notified": 5}
    first = Notification.objects.filter(dedupe_key=f"test:customer:{rows[0].pk}")
    assert list(first.order_by("pk").values_list("recipient_id", flat=True)) == [
        lead.pk,
        desk.pk,
        assignee.pk,
    ]
    assert set(Notification.objects.values_list("level", flat=True)) == {"overdue"}
    assert list(
        Customer.objects.filter(pk__in=[c.pk for c in rows]).values_list("is_vip", flat=True)
    ) == [True, True]

    assert run(lambda c: {"club_joined_on": c.birthday})["notified"] == 0
    for c in rows:
        c.refresh_from_db()
        assert c.club_joined_on == c.birthday

    at = timezone.now() - datetime.timedelta(days=1)
    notify_each_once(
        rows,
        roles=["cs_lead"],
        message=lambda c: {"title": "x"},
        key=lambda c: "k",
        mark="updated_at",
        now=at,
    )
    assert set(
        Customer.objects.filter(pk__in=[c.pk for c in rows]).values_list("updated_at", flat=True)
    ) == {at}
