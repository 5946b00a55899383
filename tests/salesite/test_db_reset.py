"""The test harness's fast flush and write-back of the migrated rows (tests/db_reset.py): what a
transactional test starts from is exactly what the migrations created, and a flush empties
every table."""

import os

import pytest
from django.core.management import call_command
from django.db import connection

from salesite.models import Company, FigureVersion, Role
from tests.demo_snapshot import model_tables

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        os.environ.get("SALESITE_TEST_FAST_RESET", "1") == "0", reason="the fast reset is off"
    ),
]


def rows() -> dict[str, list[str]]:
    """Every non-empty table's rows, but the dashboards' figure tokens (replaced by writes)."""
    found = {}
    with connection.cursor() as cursor:
        for table in model_tables():
            if table == FigureVersion._meta.db_table:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            if content := sorted(repr(row) for row in cursor.fetchall()):
                found[table] = content
    return found


def test_flush_then_write_back_gives_the_migrated_rows_exactly():
    migrated = rows()
    assert "salesite_role" in migrated and "django_content_type" in migrated
    Company.objects.create(name="测试公司", kind=Company.Kind.DEVELOPER_GROUP)
    role = Role.objects.first()
    role.permissions.clear()

    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    assert rows() == {}, "the flush empties every table"
    token = FigureVersion.objects.get(scope="*").token

    connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
    # Django's deserializer would have left audit entries of the rows it saved, new ids for
    # the many-to-many rows and new timestamps on the beat's schedules.
    assert rows() == migrated
    assert FigureVersion.objects.get(scope="*").token != token, "the dashboards see a change"
    # The id sequences are past the rows written back.
    Role.objects.create(code="fast_reset_check", name="检查", side=Role.Side.values[0])
