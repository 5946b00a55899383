"""Core Celery tasks: thin, idempotent, ids in."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from salesite.jobs import record_run
from salesite.models import Notification


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_send_email(notification_id: int) -> bool:
    """Mail one inbox message to its recipient; a second run sends nothing."""
    with transaction.atomic():
        n = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, email_sent_at__isnull=True)
            .first()
        )
        if n is None or not n.recipient.email:
            return False
        send_mail(
            subject=f"[Salesite] {n.title}",
            message=n.body or n.title,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[n.recipient.email],
        )
        n.email_sent_at = timezone.now()
        n.save(update_fields=["email_sent_at"])
    return True


@shared_task(acks_late=True)
def system_heartbeat() -> dict:
    """A scheduled no-op that proves worker and beat are alive; visible in job runs."""
    with record_run("system_heartbeat") as counts:
        counts["unread_notifications"] = Notification.objects.filter(read_at__isnull=True).count()
    return counts


@shared_task(acks_late=True)
def form_tokens_purge() -> dict:
    """Daily: delete the one-time form tokens older than a day (salesite.once)."""
    from salesite import once

    with record_run("form_tokens_purge") as counts:
        counts["deleted"] = once.purge()
    return counts
