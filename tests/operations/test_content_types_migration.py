"""operations 0002 relabels the moved models' content types salesite → operations, keeping
their ids (so permissions, role grants, audit entries and attachments keep pointing at them),
and merges an operations content type a fresh migrate may have created meanwhile."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from salesite.models import Role

pytestmark = pytest.mark.django_db

migration = importlib.import_module("operations.migrations.0002_content_types")


@pytest.fixture(autouse=True)
def _fresh_cache():
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


def _as_before_the_move(model):
    ct = ContentType.objects.get(app_label="operations", model=model)
    ct.app_label = "salesite"
    ct.save()
    return ct


def test_a_database_from_before_the_move_keeps_its_ids():
    ct = _as_before_the_move("sitearea")
    perms = set(Permission.objects.filter(content_type=ct).values_list("pk", flat=True))
    role = Role.objects.get(code="centre_head")
    granted = set(role.permissions.filter(content_type=ct).values_list("pk", flat=True))
    assert granted
    migration.forwards(apps, None)
    ct.refresh_from_db()
    assert ct.app_label == "operations"
    assert set(Permission.objects.filter(content_type=ct).values_list("pk", flat=True)) == perms
    assert set(role.permissions.filter(content_type=ct).values_list("pk", flat=True)) == granted
    assert not ContentType.objects.filter(app_label="salesite", model="sitearea").exists()


def test_a_duplicate_operations_content_type_is_merged_into_the_old_one():
    old = _as_before_the_move("serviceplan")
    dup = ContentType.objects.create(app_label="operations", model="serviceplan")
    same = Permission.objects.create(content_type=dup, codename="view_serviceplan", name="x")
    extra = Permission.objects.create(content_type=dup, codename="archive_serviceplan", name="y")
    engineering = Role.objects.get(code="engineering")
    engineering.permissions.add(same, extra)
    kept = Permission.objects.get(content_type=old, codename="view_serviceplan")

    migration.forwards(apps, None)

    assert list(ContentType.objects.filter(model="serviceplan").values_list("pk", "app_label")) == [
        (old.pk, "operations")
    ]
    assert not Permission.objects.filter(pk=same.pk).exists()
    extra.refresh_from_db()
    assert extra.content_type_id == old.pk
    assert set(engineering.permissions.filter(content_type=old)) >= {kept, extra}
