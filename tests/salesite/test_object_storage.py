"""Uploads on S3-compatible object storage (issue #18, item 1), against moto's in-process S3.

With ``AWS_STORAGE_BUCKET_NAME`` set, attachments go to the bucket as private objects, are
streamed to the user only by the checking view (the same 404/403 answers as on the local disk)
and no signed URL is handed out; ``move_files_to_storage`` copies the files already on the
disk into the bucket, verified by SHA-256, and a second run copies nothing.
"""

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from salesite.models import Attachment
from tests import factories as f
from tests.salesite.test_attachments import PDF, PNG, download, post_file, stored_files

moto = pytest.importorskip(
    "moto", reason="moto is not installed (pip install -r requirements.txt): no S3 to test on"
)
boto3 = pytest.importorskip("boto3", reason="boto3 is not installed")

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "salesite-test-media"


def s3_storages(settings, **options):
    """The STORAGES setting as salesite/settings/base.py builds it for a bucket."""
    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "salesite.storage.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "signature_version": "s3v4",
                "default_acl": "private",
                "file_overwrite": False,
                "querystring_auth": True,
                "querystring_expire": 60,
                "max_memory_size": 2 * 1024 * 1024,
                **options,
            },
        },
    }


@pytest.fixture
def s3(monkeypatch):
    """moto's S3 in this process, with an empty private bucket; yields a boto3 client."""
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.delenv("AWS_S3_ENDPOINT_URL", raising=False)
    with moto.mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


@pytest.fixture
def bucket(s3, settings, media_root):
    settings.STORAGES = s3_storages(settings)
    return s3


def keys(client) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def body(client, key) -> bytes:
    return client.get_object(Bucket=BUCKET, Key=key)["Body"].read()


@pytest.fixture
def customer(project):
    return f.CustomerFactory(project=project)


@pytest.fixture
def desk(member, project):
    return member("front_desk", project)


def test_upload_goes_to_the_bucket_as_a_private_object(
    bucket, client_for, desk, customer, media_root
):
    response = post_file(client_for(desk), customer, "平面图.png", PNG)
    assert "附件已上传。" in response.content.decode()
    attachment = Attachment.objects.get()
    assert keys(bucket) == [attachment.file.name]
    assert attachment.file.name.startswith(f"attachments/{customer.project_id}/")
    assert body(bucket, attachment.file.name) == PNG
    assert stored_files(media_root) == []  # nothing on this node's disk
    # Private: the only grant is the owner's (no AllUsers / AuthenticatedUsers read).
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=attachment.file.name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all("URI" not in g["Grantee"] for g in grants)
    # No signed or bucket URL leaves the server (the admin's file link is the dead media path).
    url = attachment.file.url
    assert url == "/private-media/" + attachment.file.name
    assert "Signature" not in url and BUCKET not in url


def test_download_streams_from_the_bucket_with_the_same_checks(
    bucket, member, client_for, desk, customer, project
):
    desk_client = client_for(desk)
    post_file(desk_client, customer, "合同扫描.pdf", PDF)
    post_file(desk_client, customer, "身份证.png", PNG, personal="on")
    plan = Attachment.objects.get(personal=False)
    scan = Attachment.objects.get(personal=True)

    response, content = download(desk_client, plan)
    assert (response.status_code, content) == (200, PDF)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(PDF))
    assert response["Cache-Control"] == "private, no-store"
    assert download(desk_client, scan)[1] == PNG

    # Another project's user: 404; a role without personal-data access: 403 for the scan only;
    # a role that may not view the record: 403; anonymous: the login page.
    outsider = f.UserFactory()
    f.MembershipFactory(user=outsider)
    assert download(client_for(outsider), plan)[0].status_code == 404
    engineer = client_for(member("engineering", project))
    assert download(engineer, scan)[0].status_code == 403
    assert download(engineer, plan)[0].status_code == 200
    dev = client_for(member("dev_sales_director", project))
    assert download(dev, plan)[0].status_code == 403
    anonymous = Client().get(reverse("salesite:attachment_download", args=[plan.pk]))
    assert anonymous.status_code == 302


def test_a_second_node_reads_what_the_first_stored(bucket, settings, client_for, desk, customer):
    """Two nodes share nothing but the bucket: the file written by one is read by the other,
    even with a different (empty) local media root."""
    post_file(client_for(desk), customer, "平面图.png", PNG)
    attachment = Attachment.objects.get()
    settings.MEDIA_ROOT = "/nonexistent-node-b-media"
    settings.STORAGES = s3_storages(settings)  # a fresh storage object, as on another node
    assert download(client_for(desk), attachment)[1] == PNG


def _local_attachments(customer, desk, contents):
    """Attachments stored on the local disk (the default storage before the switch)."""
    from django.core.files.base import ContentFile

    rows = []
    for i, content in enumerate(contents):
        a = Attachment(
            project=customer.project,
            owner=customer,
            original_name=f"f{i}.png",
            mime_type="image/png",
            size=len(content),
            uploaded_by=desk,
        )
        a.file.save(f"f{i}.png", ContentFile(content), save=True)
        rows.append(a)
    return rows


def test_move_files_to_storage_copies_verifies_and_is_idempotent(
    s3, settings, media_root, client_for, desk, customer
):
    contents = [PNG, PDF, b"\x89PNG\r\n\x1a\n" + os.urandom(3000)]
    rows = _local_attachments(customer, desk, contents)
    names = sorted(a.file.name for a in rows)
    assert len(stored_files(media_root)) == 3

    settings.STORAGES = s3_storages(settings)
    out = io.StringIO()
    call_command("move_files_to_storage", stdout=out)
    assert "copied=3 already=0 missing=0 failed=0" in out.getvalue()
    assert sorted(keys(s3)) == names
    for a, content in zip(rows, contents, strict=True):
        assert hashlib.sha256(body(s3, a.file.name)).digest() == hashlib.sha256(content).digest()
        assert download(client_for(desk), a)[1] == content  # the rows need no change

    # Run again: nothing copied.
    out = io.StringIO()
    call_command("move_files_to_storage", stdout=out)
    assert "copied=0 already=3 missing=0 failed=0" in out.getvalue()

    # A damaged object (partial upload) is copied again; a file gone from the disk and the
    # bucket is reported missing; one gone from the disk but in the bucket is fine.
    s3.put_object(Bucket=BUCKET, Key=rows[0].file.name, Body=b"partial")
    (media_root / rows[1].file.name).unlink()
    lost = _local_attachments(customer, desk, [PNG])[0]  # saved to S3 now: remove it there
    s3.delete_object(Bucket=BUCKET, Key=lost.file.name)
    out = io.StringIO()
    call_command("move_files_to_storage", stdout=out)
    assert "copied=1 already=2 missing=1 failed=0" in out.getvalue()
    assert f"missing: {lost.file.name}" in out.getvalue()
    assert body(s3, rows[0].file.name) == PNG


def test_move_files_to_storage_dry_run_copies_nothing(s3, settings, media_root, desk, customer):
    _local_attachments(customer, desk, [PNG, PDF])
    settings.STORAGES = s3_storages(settings)
    out = io.StringIO()
    call_command("move_files_to_storage", "--dry-run", stdout=out)
    assert "[dry run] copied=2 already=0 missing=0 failed=0" in out.getvalue()
    assert keys(s3) == []


def test_move_files_to_storage_refuses_without_a_bucket(media_root):
    assert not default_storage.exists("anything")  # the local disk (test settings)
    with pytest.raises(CommandError, match="AWS_STORAGE_BUCKET_NAME"):
        call_command("move_files_to_storage")


def _settings_in_subprocess(expr: str, **env) -> str:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_", "AWS_"))
    }
    clean.pop("CACHE_URL", None)
    clean.update(env, DJANGO_SETTINGS_MODULE="salesite.settings.production")
    clean.update(SECRET_KEY="x" * 60, ALLOWED_HOSTS="example.com")
    code = f"import django; django.setup(); from django.conf import settings as s; print({expr})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_settings_select_the_bucket_and_redis_cache_from_the_environment():
    # Empty: the local disk and the per-process cache stay the defaults.
    assert _settings_in_subprocess("s.STORAGES['default']['BACKEND']") == (
        "django.core.files.storage.FileSystemStorage"
    )
    assert _settings_in_subprocess("s.CACHES['default']['BACKEND']").endswith("LocMemCache")
    assert _settings_in_subprocess("s.SESSION_ENGINE") == "django.contrib.sessions.backends.db"
    assert _settings_in_subprocess("s.AXES_HANDLER") == "axes.handlers.database.AxesDatabaseHandler"
    options = _settings_in_subprocess(
        "sorted((k, v) for k, v in s.STORAGES['default']['OPTIONS'].items() if k in "
        "('bucket_name', 'endpoint_url', 'addressing_style', 'default_acl', 'access_key'))",
        AWS_STORAGE_BUCKET_NAME="media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        AWS_S3_ADDRESSING_STYLE="path",
        AWS_ACCESS_KEY_ID="k",
        AWS_SECRET_ACCESS_KEY="s",
    )
    assert options == (
        "[('access_key', 'k'), ('addressing_style', 'path'), ('bucket_name', 'media'), "
        "('default_acl', 'private'), ('endpoint_url', 'http://127.0.0.1:9000')]"
    )
    cache = _settings_in_subprocess(
        "s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION']",
        CACHE_URL="redis://127.0.0.1:6379/1",
    )
    assert cache == "django.core.cache.backends.redis.RedisCache redis://127.0.0.1:6379/1"


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/1", socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379 (CACHE_URL)")
def test_throttle_counts_are_shared_through_the_redis_cache(settings):
    """Two web nodes with CACHE_URL=redis://... count one client's requests together: a
    second connection (another node) sees the first one's counts and refuses the next."""
    import uuid

    from django.core.cache import caches

    from salesite import throttle

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/1",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    key = "owner@example.com"
    assert [throttle.allow("reset", key, limit=3, period=60) for _ in range(3)] == [True] * 3
    node_b = caches.create_connection("default")  # a fresh client, as in another process
    assert node_b.get(throttle._cache_key("reset", key)) == 3
    assert throttle.allow("reset", key, limit=3, period=60) is False
    caches["default"].delete(throttle._cache_key("reset", key))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_owner_register_import_reads_its_file_from_the_bucket(bucket, project, media_root, kind):
    """The worker reads the uploaded register from the bucket (an .xlsx is a zip: it must be
    seekable there too) and imports it; nothing is written to the local disk."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from salesite import imports
    from salesite.models import ImportBatch
    from tests.salesite.test_imports import (
        GOOD_ROWS,
        assert_good_file_imported,
        csv_bytes,
        xlsx_bytes,
    )

    content = csv_bytes(GOOD_ROWS) if kind == "csv" else xlsx_bytes(GOOD_ROWS)
    batch = imports.import_register(
        project=project, uploaded=SimpleUploadedFile(f"register.{kind}", content)
    )
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED, batch.errors
    assert keys(bucket) == [batch.file.name]
    assert body(bucket, batch.file.name) == content
    assert stored_files(media_root) == []
    assert_good_file_imported(project, batch)
