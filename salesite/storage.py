"""Private file storage for uploads: the local disk by default, S3-compatible object storage
(Aliyun OSS, Tencent COS, MinIO, AWS S3) when ``AWS_STORAGE_BUCKET_NAME`` is set.

Either way a file is reached only through the views that check access
(salesite.attachment_views.attachment_download streams it from the storage). The S3 storage
here therefore never hands out a URL that opens the object: ``url()`` gives the same
unrouted ``MEDIA_URL`` path as the local disk (the admin's link to a file, for example),
not a signed link that would bypass the checks.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.storage import Storage
from storages.backends.s3 import S3Storage

CHUNK = 1024 * 1024


class PrivateS3Storage(S3Storage):
    """django-storages' S3 backend for private uploads: objects are private, names are never
    overwritten, and no signed or public URL leaves the server."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return f"{settings.MEDIA_URL}{name}"


def sha256_of(storage: Storage, name: str) -> str:
    """The SHA-256 of a stored file, read in chunks (from the disk or the bucket)."""
    digest = hashlib.sha256()
    with storage.open(name, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def is_object_storage(storage: Storage) -> bool:
    return isinstance(storage, S3Storage)
