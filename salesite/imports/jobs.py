"""The import job (R-X-6): the uploaded batch, its Celery processing, progress and the stale-job
sweep; ``import_register`` runs it synchronously."""

from __future__ import annotations

import contextlib
import datetime
import gc
import hashlib
import logging
import os
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from salesite.imports import apply
from salesite.imports.columns import VALIDATION_SHARE, Row
from salesite.imports.validation import Errors, validate_file
from salesite.models import ImportBatch, Project
from salesite.queue import enqueue_on_commit

# The package's logger, as it was named before the split.
logger = logging.getLogger("salesite.imports")

# --- the job -------------------------------------------------------------------------------


def _set(batch_id: int, **fields) -> int:
    """Update an unfinished batch (autocommit, so that the batch page sees it at once)."""
    return (
        ImportBatch.objects.filter(pk=batch_id)
        .exclude(status__in=ImportBatch.FINISHED)
        .update(**fields)
    )


def _claim(batch_id: int) -> ImportBatch | None:
    """Take an unfinished batch for processing; None if it is gone or already finished.

    A batch left validating or applying by a crashed worker is taken again: nothing of it was
    applied (the apply is one transaction), so the run starts clean."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.is_finished:
            return None
        batch.status = ImportBatch.Status.VALIDATING
        batch.attempts += 1
        batch.progress = 0
        batch.started_at = timezone.now()
        batch.errors, batch.error_count = [], 0
        batch.save(
            update_fields=["status", "attempts", "progress", "started_at", "errors", "error_count"]
        )
    return batch


def process_batch(batch_id: int) -> str | None:
    """Validate a stored batch, then apply all of it in one transaction, or nothing.

    Idempotent: a finished batch is left alone, and a second run at the same time waits for
    the first one's apply on the batch row lock and then finds it finished. Returns the final
    status, or None when there was nothing to do."""
    batch = _claim(batch_id)
    if batch is None:
        return None
    last_progress = [0.0]

    def on_progress(done: int, expected: int) -> None:
        if time.monotonic() - last_progress[0] >= 1:
            last_progress[0] = time.monotonic()
            percent = min(VALIDATION_SHARE - 1, VALIDATION_SHARE * done // max(expected, 1))
            _set(batch_id, progress=percent, row_count=done)

    try:
        with _gc_paused():
            rows, errors = _validate_stored(batch, on_progress)
        if errors:
            _finish(
                batch_id,
                ImportBatch.Status.REJECTED,
                row_count=len(rows),
                errors=errors.stored(),
                error_count=errors.count,
            )
            return ImportBatch.Status.REJECTED
        if not _set(
            batch_id,
            status=ImportBatch.Status.APPLYING,
            progress=VALIDATION_SHARE,
            row_count=len(rows),
        ):
            return None
        for attempt in (1, 2):
            try:
                with _gc_paused():
                    return _apply_batch(batch_id, batch.project, rows)
            except IntegrityError:
                # A record of the same natural key was written by someone else meanwhile:
                # the transaction rolled back whole, so applying again starts clean.
                if attempt == 2:
                    raise
    except Exception:
        logger.exception("owner-register import %s failed", batch_id)
        _finish(
            batch_id,
            ImportBatch.Status.FAILED,
            errors=[
                {
                    "row": 0,
                    "column": "",
                    "message": _(
                        "导入时发生系统错误，未导入任何数据。请稍后重新上传或联系管理员。"
                    ),
                }
            ],
            error_count=1,
        )
        return ImportBatch.Status.FAILED
    return None


@contextlib.contextmanager
def _gc_paused():
    """The cyclic garbage collector off while a file is read and applied: the tens of
    thousands of rows held make every full collection walk them all, which more than doubled
    the time of a 50,000-row .xlsx (44 s -> 20 s). Reading creates no reference cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _validate_stored(batch: ImportBatch, on_progress) -> tuple[list[Row], Errors]:
    limit = settings.IMPORT_MAX_BYTES
    if batch.file_size > limit:
        errors = Errors()
        errors.add(
            1,
            "",
            _("文件过大（%(size)s），不能超过 %(limit)s。")
            % {"size": filesizeformat(batch.file_size), "limit": filesizeformat(limit)},
        )
        return [], errors
    with batch.file.open("rb") as fh:
        return validate_file(batch.file_name, fh, on_progress=on_progress)


def _apply_batch(batch_id: int, project: Project, rows: list[Row]) -> str | None:
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status != ImportBatch.Status.APPLYING:
            return None
        batch.created_counts, batch.updated_counts = apply.apply_rows(
            project, rows, actor_id=batch.imported_by_id, batch_id=batch.pk
        )
        batch.status = ImportBatch.Status.IMPORTED
        batch.progress = 100
        batch.finished_at = timezone.now()
        batch.save(
            update_fields=["created_counts", "updated_counts", "status", "progress", "finished_at"]
        )
    return ImportBatch.Status.IMPORTED


def _finish(batch_id: int, status: str, **fields) -> None:
    _set(batch_id, status=status, progress=100, finished_at=timezone.now(), **fields)


# --- entry points ------------------------------------------------------------------------------


@transaction.atomic
def import_batch_create(*, project: Project, uploaded, user=None, enqueue: bool = True):
    """Store the uploaded file and record a queued batch; the worker is asked to process it
    once this transaction commits."""
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    name = os.path.basename(getattr(uploaded, "name", None) or "upload.csv")
    batch = ImportBatch(
        project=project,
        file_name=name[:255],
        file_size=uploaded.size or 0,
        sha256=digest.hexdigest(),
        imported_by=user,
        status=ImportBatch.Status.QUEUED,
    )
    batch.file.save(name, uploaded, save=False)
    batch.save()
    if enqueue:
        from salesite.tasks import import_batch_process

        # A broker error is logged, not raised: the batch stays queued for the requeue sweep.
        enqueue_on_commit(import_batch_process, batch.pk)
    return batch


# A queued batch older than this was never handed to a worker (the broker was down at the
# upload); a batch validating or applying for longer lost its worker without a redelivery.
STALE_QUEUED = datetime.timedelta(minutes=10)
STALE_RUNNING = datetime.timedelta(minutes=30)


def stale_batch_ids(now=None) -> list[int]:
    """Unfinished batches that no worker seems to hold: the beat sweep queues them again
    (the task is idempotent, so a batch still running meanwhile is not applied twice)."""
    now = now or timezone.now()
    return list(
        ImportBatch.objects.filter(
            Q(status=ImportBatch.Status.QUEUED, created_at__lt=now - STALE_QUEUED)
            | Q(
                status__in=[ImportBatch.Status.VALIDATING, ImportBatch.Status.APPLYING],
                started_at__lt=now - STALE_RUNNING,
            )
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def import_register(*, project: Project, uploaded, user=None) -> ImportBatch:
    """Validate the whole file, then import all of it in one transaction — or nothing; in
    this process (the command line and the demo use it; the upload page queues the job)."""
    batch = import_batch_create(project=project, uploaded=uploaded, user=user, enqueue=False)
    process_batch(batch.pk)
    batch.refresh_from_db()
    return batch
