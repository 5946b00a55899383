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
def import_batch_process(batch_id: int) -> str | None:
    """Validate and apply one uploaded owner register (salesite.imports.process_batch).

    Safe to run twice: a finished batch is left alone, and a run interrupted by a crash left
    nothing applied (the apply is one transaction), so running it again starts clean."""
    from salesite.imports import process_batch

    return process_batch(batch_id)


@shared_task(acks_late=True)
def import_batches_requeue() -> dict:
    """Beat sweep: queue again the imports that no worker took (the broker was down at the
    upload) or that lost their worker."""
    from salesite.imports import stale_batch_ids

    with record_run("import_batches_requeue") as counts:
        ids = stale_batch_ids()
        for batch_id in ids:
            import_batch_process.delay(batch_id)
        counts["requeued"] = len(ids)
    return counts
