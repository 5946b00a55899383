"""The outbox (issue #12, item 6): a broker outage never turns a saved action into an error
and never loses its messages; a frozen broker never hangs a request; the sweep sends what is
left, with a backoff and a last attempt; a row is sent by the one caller that claims it."""

import datetime
import logging
import os
import socket
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu import pools as kombu_pools

from handover.models import NoticeKind, NoticeStatus, ProgressMilestone, ProgressNotice
from handover.services import notices
from salesite import outbox, queue
from salesite.celery import app as celery_app
from salesite.models import Notification, OutboundMessage, SMSMessage
from salesite.notifications import notify, send_sms
from salesite.notifications.sms import SMSBackend
from salesite.queue import enqueue_on_commit
from salesite.tasks import outbox_sweep, system_heartbeat
from tests import factories as f

pytestmark = pytest.mark.django_db

Status = OutboundMessage.Status


class FailingSMSBackend(SMSBackend):
    name = "failing"

    def send(self, phone, body):
        raise ConnectionError("gateway down")


# --- a broker that is down or frozen ------------------------------------------------------


def _reset_producer_pools():
    """Forget the app's broker connections, so that the next publish connects anew."""
    kombu_pools.reset()  # closes and forgets every connection and producer pool
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    queue.reset_broker_state()


@pytest.fixture
def broker_at():
    """Point the Celery app at a broker URL with eager execution off (as in production)."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_transport_options, conf.task_always_eager)
    saved_env = os.environ.get("CELERY_BROKER_URL")

    def point(url):
        # Celery reads the CELERY_BROKER_URL environment variable before its own setting (as
        # CI sets it), so both point at the test's broker.
        os.environ["CELERY_BROKER_URL"] = url
        conf.broker_url = url
        conf.broker_transport_options = dict(django_settings.REDIS_BROKER_TRANSPORT_OPTIONS)
        conf.task_always_eager = False
        _reset_producer_pools()

    yield point
    if saved_env is None:
        os.environ.pop("CELERY_BROKER_URL", None)
    else:
        os.environ["CELERY_BROKER_URL"] = saved_env
    conf.broker_url, conf.broker_transport_options, conf.task_always_eager = saved
    _reset_producer_pools()


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def frozen_server():
    """A TCP server on loopback that accepts connections and never answers (a frozen Redis)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(50)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for c in [*held, server]:
        c.close()


def _notice_to_send(project):
    building = f.BuildingFactory(project=project)
    for i in range(2):
        f.PurchaseFactory(
            unit=f.UnitFactory(building=building),
            customer__email=f"buyer{i}@example.com",
            customer__phone=f"1380000000{i}",
        )
    return notices.notice_create(
        project=project,
        kind=NoticeKind.PROGRESS,
        milestone=ProgressMilestone.TOPPED_OUT,
        title="主体结构封顶",
        body="1-3幢已封顶",
        by_sms=True,
        by_email=True,
    )


def _send_notice_through_the_view(client_for, member, project):
    notice = _notice_to_send(project)
    lead = client_for(member("cs_lead", project))
    started = time.monotonic()
    response = lead.post(reverse("handover:notice_send", args=[notice.pk]))
    return notice, response, time.monotonic() - started


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_broker_down_saved_action_answers_redirect_and_the_sweep_sends_later(
    broker_at, client_for, member, project, caplog
):
    broker_at(f"redis://127.0.0.1:{closed_port()}/3")
    notice, response, _elapsed = _send_notice_through_the_view(client_for, member, project)

    assert response.status_code == 302  # before the outbox: 500, and the mails were lost
    assert "Connection refused" in caplog.text
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT
    rows = OutboundMessage.objects.order_by("channel", "recipient")
    assert [(r.channel, r.status) for r in rows] == [
        ("email", Status.PENDING),
        ("email", Status.PENDING),
        ("sms", Status.PENDING),
        ("sms", Status.PENDING),
    ]
    assert mail.outbox == [] and not SMSMessage.objects.exists()

    # The broker is back: the beat sweep sends what is pending, once.
    assert outbox_sweep() == {"due": 4, "sent": 4, "released": 0}
    assert sorted(m.to[0] for m in mail.outbox) == ["buyer0@example.com", "buyer1@example.com"]
    assert SMSMessage.objects.count() == 2
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    assert outbox_sweep()["sent"] == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_frozen_broker_does_not_hang_the_request(
    broker_at, frozen_server, client_for, member, project, caplog
):
    broker_at(f"redis://127.0.0.1:{frozen_server}/3")
    notice, response, elapsed = _send_notice_through_the_view(client_for, member, project)

    assert response.status_code == 302
    # Before: the publish waited for ever (61 s until gunicorn killed the worker). Now one
    # publish times out (2 s socket timeout) and the next is left to the sweep at once.
    assert elapsed < 6, f"the request took {elapsed:.1f} s with a frozen broker"
    assert "Timeout reading from socket" in caplog.text
    assert OutboundMessage.objects.filter(status=Status.PENDING).count() == 4
    ProgressNotice.objects.get(pk=notice.pk, status=NoticeStatus.SENT)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_enqueue_on_commit_logs_a_broker_error_instead_of_raising(broker_at, caplog):
    broker_at(f"redis://127.0.0.1:{closed_port()}/3")
    caplog.set_level(logging.INFO, logger="salesite.queue")
    from django.db import transaction

    with transaction.atomic():
        enqueue_on_commit(system_heartbeat)  # the commit publishes: must not raise
    assert "Could not enqueue salesite.tasks.system_heartbeat" in caplog.text
    assert "Connection refused" in caplog.text  # the broker's error, not a pool left closed
    # Work that a sweep also finds is not published again for a while (no second timeout).
    assert queue.enqueue(system_heartbeat, sweep_covers=True) is False
    assert "left to the sweep" in caplog.text


# --- queue, deliver, sweep -------------------------------------------------------------------


def test_a_message_is_a_row_of_the_callers_transaction(project, django_capture_on_commit_callbacks):
    user = f.UserFactory(email="staff@example.com")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        n = notify(recipient=user, title="整改到期", project=project)
    row = OutboundMessage.objects.get()
    assert (row.channel, row.recipient, row.status, row.notification) == (
        "email",
        "staff@example.com",
        Status.PENDING,
        n,
    )
    assert len(callbacks) == 1 and mail.outbox == []  # the send task waits for the commit
    callbacks[0]()
    row.refresh_from_db()
    assert row.status == Status.SENT and row.sent_at is not None
    n.refresh_from_db()
    assert n.email_sent_at == row.sent_at
    assert len(mail.outbox) == 1


def test_deliver_claims_once(project):
    row = send_sms(phone="13800000001", body="x", project=project, dedupe_key="k")
    assert outbox.deliver(row.pk) is True
    assert outbox.deliver(row.pk) is False  # a second delivery (redelivered task) sends nothing
    assert SMSMessage.objects.count() == 1


def test_failures_back_off_then_stop_after_the_last_attempt(settings, project):
    settings.SMS_BACKEND = f"{__name__}.FailingSMSBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    row = send_sms(phone="13800000001", body="x", project=project, dedupe_key="k")
    now = timezone.now()
    assert outbox.sweep(now=now)["sent"] == 0
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert row.next_attempt_at - now >= datetime.timedelta(seconds=59)
    assert outbox.sweep(now=now)["due"] == 0  # not due before the backoff has passed
    later = now + datetime.timedelta(minutes=1, seconds=1)
    outbox.sweep(now=later)
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at - later >= datetime.timedelta(minutes=2)
    outbox.sweep(now=later + datetime.timedelta(minutes=3))
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, 3)
    assert "gateway down" in row.last_error
    # An admin's "resend" puts it back; the gateway works again.
    settings.SMS_BACKEND = "salesite.notifications.sms.DatabaseSMSBackend"
    assert outbox.resend([row.pk]) == 1
    assert outbox.sweep()["sent"] == 1
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert SMSMessage.objects.get().status == SMSMessage.Status.RECORDED


def test_a_row_left_sending_by_a_dead_worker_is_sent_by_the_sweep(project):
    row = send_sms(phone="13800000001", body="x", project=project, dedupe_key="k")
    claimed = timezone.now() - datetime.timedelta(minutes=11)
    OutboundMessage.objects.filter(pk=row.pk).update(
        status=Status.SENDING, claimed_at=claimed, attempts=1
    )
    assert outbox.sweep(now=claimed + datetime.timedelta(minutes=5))["due"] == 0  # still fresh
    assert outbox.sweep() == {"due": 1, "sent": 1, "released": 1}


def test_resend_admin_action(admin_client, project):
    row = send_sms(phone="13800000001", body="x", project=project, dedupe_key="k")
    OutboundMessage.objects.filter(pk=row.pk).update(status=Status.FAILED, attempts=8)
    url = reverse("admin:salesite_outboundmessage_changelist")
    page = admin_client.get(url, {"q": "13800000001", "channel__exact": "sms"})
    assert page.status_code == 200 and "13800000001" in page.content.decode()
    response = admin_client.post(url, {"action": "resend", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.PENDING, 0)
    assert Notification.objects.count() == 0
