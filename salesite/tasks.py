"""Core Celery tasks: thin, idempotent, ids in."""

from celery import shared_task

from salesite import outbox
from salesite.jobs import record_run, scheduled_job
from salesite.models import Notification
from salesite.queue import enqueue


@shared_task(acks_late=True)
def outbox_send(message_ids: list[int]) -> int:
    """Send the given outbox rows; a row already claimed or sent is skipped (run-twice safe)."""
    return outbox.deliver_many(message_ids)


@shared_task(acks_late=True)
@scheduled_job("outbox_sweep", lease_seconds=5 * 60)
def outbox_sweep() -> dict:
    """Every minute: send what is still pending (broker was away, retries after a failure)."""
    with record_run("outbox_sweep") as counts:
        counts.update(outbox.sweep())
    return counts


@shared_task(acks_late=True)
@scheduled_job("system_heartbeat")
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
@scheduled_job("import_batches_requeue")
def import_batches_requeue() -> dict:
    """Beat sweep: queue again the imports that no worker took (the broker was down at the
    upload) or that lost their worker."""
    from salesite.imports import stale_batch_ids

    with record_run("import_batches_requeue") as counts:
        ids = stale_batch_ids()
        for batch_id in ids:
            enqueue(import_batch_process, batch_id)
        counts["requeued"] = len(ids)
    return counts


@shared_task(acks_late=True)
@scheduled_job("form_tokens_purge")
def form_tokens_purge() -> dict:
    """Daily: delete the one-time form tokens older than a day (salesite.once)."""
    from salesite import once

    with record_run("form_tokens_purge") as counts:
        counts["deleted"] = once.purge()
    return counts


@shared_task(acks_late=True)
@scheduled_job("contractor_documents_remind")
def contractor_documents_remind() -> dict:
    """Daily: contractor licences and qualifications expiring within 30 days, told once."""
    from salesite.contractor_services import contractor_documents_remind as remind

    with record_run("contractor_documents_remind") as counts:
        counts.update(remind())
    return counts


@shared_task(acks_late=True)
@scheduled_job("refresh_daily_figures", lease_seconds=30 * 60)
def refresh_daily_figures() -> dict:
    """Nightly: store the dashboard's daily totals of the last closed days, and of the days
    an edit invalidated (salesite.rollups); run twice, it replaces the same rows."""
    from salesite import rollups

    with record_run("refresh_daily_figures") as counts:
        counts.update(rollups.refresh_days(rollups.days_to_refresh()))
    return counts
