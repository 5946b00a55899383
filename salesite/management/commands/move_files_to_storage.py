"""Copy the uploads kept on the local disk into the configured object storage bucket:
``python manage.py move_files_to_storage [--source DIR] [--dry-run]``.

Run it once after setting ``AWS_STORAGE_BUCKET_NAME`` (and the endpoint and keys), before or
after the web nodes switch over. Every file that a row names (each ``FileField`` of every
model: attachments, import files) is copied under the same name, read back from the bucket and
compared by SHA-256; the rows need no change. Idempotent: a file already in the bucket with the
same hash is left alone, one whose hash differs is copied again. The local files are kept
(delete them yourself once the counts say every file is verified).
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand, CommandError
from django.db import models

from salesite.storage import is_object_storage, sha256_of


def stored_names() -> list[str]:
    """Every file name that a row refers to, over all models' file fields, sorted."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and not field.many_to_many:
                values = (
                    model._default_manager.exclude(**{field.name: ""})
                    .exclude(**{f"{field.name}__isnull": True})
                    .values_list(field.name, flat=True)
                    .distinct()
                )
                names.update(v for v in values if v)
    return sorted(names)


class Command(BaseCommand):
    help = "把本地磁盘上的上传文件复制到已配置的对象存储，并逐个用 SHA-256 校验。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            default=None,
            help="本地文件目录（默认 MEDIA_ROOT）(local folder, default MEDIA_ROOT)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="只统计，不复制 (count only, copy nothing)"
        )

    def handle(self, *args, source=None, dry_run=False, verbosity=1, **options):
        target = storages["default"]
        if not is_object_storage(target):
            raise CommandError(
                "未配置对象存储：请先设置 AWS_STORAGE_BUCKET_NAME（及端点、密钥）。"
                " (no object storage configured: set AWS_STORAGE_BUCKET_NAME)"
            )
        local = FileSystemStorage(location=source or settings.MEDIA_ROOT)
        counts = {"copied": 0, "already": 0, "missing": 0, "failed": 0}
        for name in stored_names():
            outcome = self._move(local, target, name, dry_run)
            counts[outcome] += 1
            if outcome in ("missing", "failed") or verbosity > 1:
                self.stdout.write(f"{outcome}: {name}")
        self.stdout.write(
            ("[dry run] " if dry_run else "")
            + "copied={copied} already={already} missing={missing} failed={failed}".format(**counts)
        )
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} 个文件校验失败 (files failed verification)")
        return None

    def _move(self, local, target, name: str, dry_run: bool) -> str:
        on_disk = local.exists(name)
        in_bucket = target.exists(name)
        if not on_disk:
            # Moved earlier and deleted from the disk since: fine. Neither: lost before now.
            return "already" if in_bucket else "missing"
        digest = sha256_of(local, name)
        if in_bucket and sha256_of(target, name) == digest:
            return "already"
        if dry_run:
            return "copied"
        try:
            if in_bucket:  # a different (partial, older) object under this name: replace it
                target.delete(name)
            with local.open(name, "rb") as fh:
                saved = target.save(name, fh)
            if saved != name or sha256_of(target, name) != digest:
                return "failed"
        except Exception as exc:  # one bad file must not stop the others; it is reported
            self.stderr.write(f"failed: {name}: {exc}")
            return "failed"
        return "copied"
