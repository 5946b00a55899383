"""The owner-register import as a background job (issue 12, item 4): the upload stores the file
and queues a batch at once, a Celery task validates and applies it in one transaction with bulk
writes (a fixed number of queries, whatever the number of rows), a finished batch is never run
twice, a run interrupted by a crash starts clean, and the batch page polls with htmx until the
result is there. Only users with the import permission on the batch's project see it."""

import hashlib
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salesite import imports
from salesite.models import Building, Customer, ImportBatch, Purchase, Unit
from salesite.tasks import import_batch_process
from tests.salesite.test_imports import (
    GOOD_ROWS,
    assert_good_file_imported,
    counts,
    csv_bytes,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


def upload(name="register.csv", content=None):
    return SimpleUploadedFile(name, content if content is not None else csv_bytes(GOOD_ROWS))


def register(n: int) -> bytes:
    """N rows, one owner per unit, ten units per building."""
    rows = [
        [f"{i // 10 + 1}幢", "", f"{i % 10 + 101}", "", "", "90"]
        + [f"业主{i}", f"138{i:08d}", "护照", f"E{i:08d}", "", "", "", "", ""]
        for i in range(n)
    ]
    return csv_bytes(rows)


# --- the upload queues; the task applies -------------------------------------------------------


def test_upload_creates_a_queued_batch_at_once_and_stores_the_file(
    member, client_for, project, django_capture_on_commit_callbacks
):
    lead = member("cs_lead", project)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(lead).post(
            reverse("salesite:import_register", args=[project.pk]),
            {"file": upload("good.xlsx", xlsx_bytes(GOOD_ROWS))},
        )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("salesite:import_batch", args=[batch.pk])
    assert (batch.status, batch.imported_by, batch.file_name) == ("queued", lead, "good.xlsx")
    assert batch.file.name.startswith(f"imports/{project.pk}/")
    with batch.file.open("rb") as fh:
        stored = fh.read()
    assert hashlib.sha256(stored).hexdigest() == batch.sha256
    assert batch.file_size == len(stored) > 0
    assert counts() == (0, 0, 0, 0)  # nothing applied in the request
    assert len(callbacks) == 1  # the task is queued once the upload commits
    callbacks[0]()
    batch.refresh_from_db()
    assert (batch.status, batch.progress, batch.attempts) == ("imported", 100, 1)
    assert_good_file_imported(project, batch)


def test_batch_page_polls_while_the_job_runs_and_stops_when_done(member, client_for, project):
    lead = member("cs_lead", project)
    batch = imports.import_batch_create(project=project, uploaded=upload(), enqueue=False)
    c = client_for(lead)
    url = reverse("salesite:import_batch", args=[batch.pk])
    html = c.get(url).content.decode()
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 2s"' in html
    assert "排队中" in html and "<progress" in html
    assert "<script>" not in html.replace('<script src="', "")  # no inline script
    # htmx asks for the fragment only
    fragment = c.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="import-status"')
    assert "<html" not in fragment
    import_batch_process.delay(batch.pk)
    fragment = c.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment
    assert "导入成功：共 4 行，新增 11，更新 0。" in fragment


def test_task_runs_a_finished_batch_no_second_time(project):
    batch = imports.import_register(project=project, uploaded=upload())
    assert batch.status == ImportBatch.Status.IMPORTED
    before = counts()
    assert import_batch_process.delay(batch.pk).get() is None
    batch.refresh_from_db()
    assert batch.attempts == 1
    assert counts() == before


def test_a_failure_while_applying_leaves_nothing_and_a_rerun_starts_clean(project, monkeypatch):
    """All or nothing: the apply is one transaction. A crash (here: an error on the last bulk
    insert) leaves no building, unit or customer; the task run again after the crash imports
    the whole file."""
    batch = imports.import_batch_create(project=project, uploaded=upload(), enqueue=False)
    real = Purchase.objects.bulk_create

    def crash(*args, **kwargs):
        raise RuntimeError("worker lost")

    monkeypatch.setattr(Purchase.objects, "bulk_create", crash)
    assert imports.process_batch(batch.pk) == ImportBatch.Status.FAILED
    assert counts() == (0, 0, 0, 0)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "系统错误" in batch.errors[0]["message"]

    # A killed worker leaves the batch "applying"; the redelivered task takes it again.
    monkeypatch.setattr(Purchase.objects, "bulk_create", real)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.APPLYING)
    assert import_batch_process.delay(batch.pk).get() == ImportBatch.Status.IMPORTED
    batch.refresh_from_db()
    assert batch.attempts == 2
    assert_good_file_imported(project, batch)


def test_apply_takes_a_few_queries_whatever_the_number_of_rows(project, other_project):
    def queries(target, content):
        batch = imports.import_batch_create(
            project=target, uploaded=upload("r.csv", content), enqueue=False
        )
        with CaptureQueriesContext(connection) as ctx:
            assert imports.process_batch(batch.pk) == ImportBatch.Status.IMPORTED
        return len(ctx.captured_queries)

    small = queries(project, register(20))
    large = queries(other_project, register(200))
    assert Customer.objects.filter(project=other_project).count() == 200
    assert Unit.objects.filter(project=other_project).count() == 200
    assert Building.objects.filter(project=other_project).count() == 20
    # Bulk inserts: ten times the rows adds a few insert batches (SQLite caps the parameters
    # of one statement), never a query per row.
    assert large - small <= 200 // 20, (small, large)


def test_reimport_updates_in_bulk_and_keeps_other_values(project):
    imports.import_register(project=project, uploaded=upload("a.csv", register(30)))
    changed = register(30).replace("业主7".encode(), "业主七".encode())
    batch = imports.import_register(project=project, uploaded=upload("a.csv", changed))
    assert batch.updated_counts == {"buildings": 0, "units": 0, "customers": 1, "purchases": 0}
    assert batch.created_counts == {"buildings": 0, "units": 0, "customers": 0, "purchases": 0}
    assert Customer.objects.get(id_number="E00000007").name == "业主七"
    assert Purchase.objects.filter(project=project).count() == 30


def test_updates_are_in_the_audit_log_with_the_batch_and_the_user(project, member):
    from auditlog.models import LogEntry

    lead = member("cs_lead", project)
    imports.import_register(project=project, uploaded=upload("a.csv", register(3)), user=lead)
    changed = register(3).replace(b"13800000001", b"13900000001")
    batch = imports.import_register(project=project, uploaded=upload("a.csv", changed), user=lead)
    customer = Customer.objects.get(id_number="E00000001")
    entry = LogEntry.objects.get(object_id=customer.pk, action=LogEntry.Action.UPDATE)
    assert entry.changes == {"phone": ["13800000001", "13900000001"]}
    assert (entry.actor, entry.object_repr) == (lead, "业主1")
    assert entry.additional_data == {"import_batch": batch.pk}


def test_upload_answers_even_when_the_broker_is_down(
    member, client_for, project, django_capture_on_commit_callbacks, monkeypatch
):
    """The batch is saved and stays queued; the upload does not turn into an error page."""

    def down(*args, **kwargs):
        raise OSError("broker unreachable")

    monkeypatch.setattr(import_batch_process, "apply_async", down)
    conf = import_batch_process.app.conf
    eager, conf.task_always_eager = conf.task_always_eager, False  # publish as in production
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(member("cs_lead", project)).post(
                reverse("salesite:import_register", args=[project.pk]), {"file": upload()}
            )
    finally:
        conf.task_always_eager = eager
    assert response.status_code == 302
    assert ImportBatch.objects.get().status == ImportBatch.Status.QUEUED


def test_beat_sweep_queues_again_what_no_worker_took(project, other_project):
    """A batch queued while the broker was down (or whose worker was lost) is processed by
    the sweep; a fresh queued batch is left to its own task."""
    from datetime import timedelta

    from django.utils import timezone
    from django_celery_beat.models import PeriodicTask

    from salesite.tasks import import_batches_requeue

    stale = imports.import_batch_create(project=project, uploaded=upload(), enqueue=False)
    fresh = imports.import_batch_create(project=other_project, uploaded=upload(), enqueue=False)
    ImportBatch.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timedelta(minutes=11)
    )
    assert import_batches_requeue.delay().get() == {"requeued": 1}
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, fresh.status) == ("imported", "queued")
    assert PeriodicTask.objects.filter(task="salesite.tasks.import_batches_requeue").exists()


# --- who may see a batch -----------------------------------------------------------------------


def test_batch_page_of_another_project_is_not_found(member, client_for, project, other_project):
    batch = imports.import_register(project=other_project, uploaded=upload())
    lead = member("cs_lead", project)  # may import, but on another project
    url = reverse("salesite:import_batch", args=[batch.pk])
    assert client_for(lead).get(url).status_code == 404
    assert client_for(lead).get(url, headers={"HX-Request": "true"}).status_code == 404
    assert client_for(member("cs_lead", other_project)).get(url).status_code == 200


def test_batch_page_needs_the_import_permission(member, client_for, project):
    batch = imports.import_register(project=project, uploaded=upload())
    url = reverse("salesite:import_batch", args=[batch.pk])
    assert client_for(member("security", project)).get(url).status_code == 403


def test_demo_import_batch_is_recorded(project):
    """seed_demo goes through the same service: a stored file and a finished batch."""
    batch = imports.import_register(project=project, uploaded=upload())
    assert batch.file and batch.finished_at and batch.started_at
    assert batch.error_count == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_running_one_batch_import_it_once(project):
    """A duplicate delivery: two runs at the same time. The second waits on the batch row and
    finds it finished, or validates in parallel and finds it finished before applying."""
    batch = imports.import_batch_create(project=project, uploaded=upload(), enqueue=False)
    results = []

    def run():
        try:
            results.append(imports.process_batch(batch.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results, key=str) == sorted([ImportBatch.Status.IMPORTED, None], key=str)
    assert counts() == (2, 3, 3, 3)
