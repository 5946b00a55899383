"""The outbox: every email and SMS is a row before it is a message.

``queue(messages)`` writes the rows in the caller's transaction (so the action and its
messages commit together, or neither does) and, after commit, asks a worker to send them
(best effort: a broker error is logged, not raised). ``deliver(id)`` claims one pending row
(pending → sending, committed before the gateway is called; only the caller whose update
changed the row sends it), calls the gateway, then marks the row sent, or pending again with
a backoff, or failed after the last attempt. ``sweep()`` (beat, every minute) sends what is
still due: rows whose task never reached the broker, retries, and rows left "sending" by a
worker that died in the gateway call (at-least-once: such a row may be sent a second time).

A row is unique per (channel, recipient, dedupe_key), so a job that runs twice, or two runs at
the same time, queue one message per recipient and key.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from salesite.models import Notification, OutboundMessage, SMSMessage
from salesite.notifications.sms import get_backend
from salesite.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

Channel = OutboundMessage.Channel
Status = OutboundMessage.Status

TASK_BATCH = 500  # message ids per worker task
ONCE_PREFIX = "once:"  # dedupe keys of messages without a caller's key


def max_attempts() -> int:
    return settings.OUTBOX_MAX_ATTEMPTS


def retry_delay(attempts: int) -> datetime.timedelta:
    """1, 2, 4, … minutes after the n-th failed attempt, at most 6 hours."""
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def stale_sending_after() -> datetime.timedelta:
    """A row still "sending" this long after its claim belongs to a worker that died."""
    return datetime.timedelta(seconds=getattr(settings, "OUTBOX_STALE_SENDING_SECONDS", 600))


@dataclasses.dataclass(frozen=True)
class Message:
    channel: str
    recipient: str
    body: str
    subject: str = ""
    project_id: int | None = None
    dedupe_key: str = ""
    notification_id: int | None = None

    def key(self) -> tuple[str, str, str]:
        return (self.channel, self.recipient, self.dedupe_key)


def _row(m: Message, now) -> OutboundMessage:
    return OutboundMessage(
        channel=m.channel,
        recipient=m.recipient,
        subject=m.subject[:200],
        body=m.body,
        project_id=m.project_id,
        dedupe_key=m.dedupe_key,
        notification_id=m.notification_id,
        next_attempt_at=now,
    )


def queue(
    messages: Iterable[Message], *, upsert: bool = False, enqueue: bool = True
) -> list[OutboundMessage]:
    """Record the messages (once per channel, recipient and key) and send them after commit.

    Returns the rows this call created. ``upsert=True`` (one query, for callers that do not
    need to know which rows are new) returns every row of the messages, new or existing."""
    now = timezone.now()
    unique: dict[tuple, Message] = {}
    for m in messages:
        if not m.recipient:
            continue
        if not m.dedupe_key:
            m = dataclasses.replace(m, dedupe_key=f"{ONCE_PREFIX}{uuid.uuid4().hex}")
        unique.setdefault(m.key(), m)
    if not unique:
        return []
    if upsert:
        # ON CONFLICT DO UPDATE (a no-op update) returns the ids of existing rows too.
        rows = OutboundMessage.objects.bulk_create(
            [_row(m, now) for m in unique.values()],
            update_conflicts=True,
            unique_fields=["channel", "recipient", "dedupe_key"],
            update_fields=["dedupe_key"],
            batch_size=1000,
        )
    else:
        keys = {k[2] for k in unique}
        existing = set()
        for chunk in _chunks(sorted(keys), 900):
            existing |= set(
                OutboundMessage.objects.filter(dedupe_key__in=chunk).values_list(
                    "channel", "recipient", "dedupe_key"
                )
            )
        new = {k: m for k, m in unique.items() if k not in existing}
        if not new:
            return []
        # A concurrent run may insert the same keys meanwhile: its rows win, ours are ignored
        # (and its claim decides who sends, see deliver()). Rows go in key order, so that two
        # runs waiting on each other's uncommitted keys cannot deadlock.
        OutboundMessage.objects.bulk_create(
            [_row(new[k], now) for k in sorted(new)], ignore_conflicts=True, batch_size=1000
        )
        rows = []
        for chunk in _chunks(sorted({k[2] for k in new}), 900):
            rows += [
                r
                for r in OutboundMessage.objects.filter(dedupe_key__in=chunk, attempts=0)
                if (r.channel, r.recipient, r.dedupe_key) in new
            ]
    if enqueue:
        from salesite.tasks import outbox_send

        for chunk in _chunks([r.pk for r in rows], TASK_BATCH):
            enqueue_on_commit(outbox_send, chunk, sweep_covers=True)
    return rows


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- delivery ------------------------------------------------------------------------------


def deliver(message_id: int, *, now=None) -> bool:
    """Send one due pending message if this call claims it; True when it was sent now."""
    now = now or timezone.now()
    claimed = OutboundMessage.objects.filter(
        pk=message_id, status=Status.PENDING, next_attempt_at__lte=now
    ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False  # sent, being sent by another worker, not due yet, or gone
    msg = OutboundMessage.objects.get(pk=message_id)
    try:
        if msg.channel == Channel.SMS:
            _send_sms(msg)
        else:
            send_mail(
                subject=msg.subject,
                message=msg.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[msg.recipient],
            )
    except Exception as exc:  # a gateway failure is retried later, not raised into the job
        failed = msg.attempts >= max_attempts()
        OutboundMessage.objects.filter(pk=msg.pk).update(
            status=Status.FAILED if failed else Status.PENDING,
            next_attempt_at=max(now, timezone.now()) + retry_delay(msg.attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.warning(
            "Outbound %s #%s failed (attempt %s): %s", msg.channel, msg.pk, msg.attempts, exc
        )
        return False
    sent_at = timezone.now()
    OutboundMessage.objects.filter(pk=msg.pk).update(
        status=Status.SENT, sent_at=sent_at, last_error=""
    )
    if msg.notification_id:
        Notification.objects.filter(pk=msg.notification_id, email_sent_at__isnull=True).update(
            email_sent_at=sent_at
        )
    return True


def _send_sms(msg: OutboundMessage) -> None:
    """Call the SMS gateway and keep its log row (one per message, updated on a retry)."""
    backend = get_backend()
    status, error = SMSMessage.Status.RECORDED, ""
    try:
        backend.send(msg.recipient, msg.body)
        if getattr(backend, "delivers", True):
            status = SMSMessage.Status.SENT
    except Exception as exc:
        status, error = SMSMessage.Status.FAILED, str(exc)
        raise
    finally:
        key = "" if msg.dedupe_key.startswith(ONCE_PREFIX) else msg.dedupe_key
        values = {
            "body": msg.body,
            "status": status,
            "error": error,
            "backend": backend.name,
            "project_id": msg.project_id,
        }
        if key:
            try:
                with transaction.atomic():
                    SMSMessage.objects.update_or_create(
                        phone=msg.recipient, dedupe_key=key, defaults=values
                    )
            except IntegrityError:
                pass
        else:
            SMSMessage.objects.create(phone=msg.recipient, dedupe_key="", **values)


def deliver_many(message_ids: Iterable[int]) -> int:
    return sum(1 for pk in message_ids if deliver(pk))


def sweep(*, now=None, limit: int = 1000) -> dict:
    """Beat, every minute: send the due pending rows; give stale "sending" rows back."""
    now = now or timezone.now()
    released = OutboundMessage.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - stale_sending_after()
    ).update(status=Status.PENDING, next_attempt_at=now)
    due = list(
        OutboundMessage.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = sum(1 for pk in due if deliver(pk, now=now))
    return {"due": len(due), "sent": sent, "released": released}


def resend(message_ids: Iterable[int]) -> int:
    """Admin action: put sent or failed messages back to pending, due now."""
    return (
        OutboundMessage.objects.filter(pk__in=list(message_ids))
        .exclude(status=Status.SENDING)
        .update(status=Status.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error="")
    )
