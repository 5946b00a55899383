"""Writes for notifications. Jobs pass a ``dedupe_key`` so that a second run creates nothing."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from salesite.models import Notification, SMSMessage

from .sms import get_backend


def notify(
    *,
    recipient,
    title: str,
    body: str = "",
    url: str = "",
    project=None,
    level: str = Notification.Level.INFO,
    dedupe_key: str = "",
    email: bool = True,
) -> Notification | None:
    """Put a message in one user's inbox (once per dedupe_key) and mail it after commit."""
    created = notify_many(
        recipients=[recipient],
        title=title,
        body=body,
        url=url,
        project=project,
        level=level,
        dedupe_key=dedupe_key,
        email=email,
    )
    return created[0] if created else None


def notify_many(
    *,
    recipients: Iterable,
    title: str,
    body: str = "",
    url: str = "",
    project=None,
    level: str = Notification.Level.INFO,
    dedupe_key: str = "",
    email: bool = True,
) -> list[Notification]:
    from salesite.tasks import notification_send_email

    recipients = {r.pk: r for r in recipients if r is not None}.values()
    rows = [
        Notification(
            recipient=r,
            title=title[:200],
            body=body,
            url=url,
            project=project,
            level=level,
            dedupe_key=dedupe_key,
        )
        for r in recipients
    ]
    if not rows:
        return []
    if dedupe_key:
        existing = set(
            Notification.objects.filter(
                dedupe_key=dedupe_key, recipient__in=[r.recipient_id for r in rows]
            ).values_list("recipient_id", flat=True)
        )
        rows = [r for r in rows if r.recipient_id not in existing]
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        # ignore_conflicts leaves pks unset on some databases: fetch what this call created.
        rows = list(
            Notification.objects.filter(
                dedupe_key=dedupe_key,
                recipient__in=[r.recipient_id for r in rows],
                email_sent_at__isnull=True,
            ).select_related("recipient")  # the email step reads recipient.email per row
        )
    else:
        rows = Notification.objects.bulk_create(rows)
    if email:
        ids = [r.pk for r in rows if r.recipient.email]
        for pk in ids:
            transaction.on_commit(lambda pk=pk: notification_send_email.delay(pk))
    return rows


def send_sms(*, phone: str, body: str, project=None, dedupe_key: str = "") -> SMSMessage | None:
    """Send an SMS through the configured gateway and record it; once per (phone, dedupe_key)."""
    backend = get_backend()
    if dedupe_key and SMSMessage.objects.filter(phone=phone, dedupe_key=dedupe_key).exists():
        return None
    status, error = SMSMessage.Status.RECORDED, ""
    try:
        backend.send(phone, body)
        if getattr(backend, "delivers", True):
            status = SMSMessage.Status.SENT
    except Exception as exc:  # a gateway failure is recorded, not raised into the workflow
        status, error = SMSMessage.Status.FAILED, str(exc)
    try:
        with transaction.atomic():
            return SMSMessage.objects.create(
                phone=phone,
                body=body,
                status=status,
                error=error,
                backend=backend.name,
                project=project,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None
