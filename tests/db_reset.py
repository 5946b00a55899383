"""Transactional tests empty and refill the test database faster than Django does by itself.

A transactional test (``django_db(transaction=True, serialized_rollback=True)``, the browser
tests among them) starts by writing back the rows the migrations created (roles, permissions,
schedules, policies: about 1,200) and ends by emptying every table. Django does the first
with its JSON deserializer, one ``save()`` per row (an UPDATE, then an INSERT), and the
second on PostgreSQL with one ``TRUNCATE`` of the 200-odd tables, which gives each table and
index a new file. Measured on PostgreSQL: 0.9 s and 0.8 s per test, most of the CI run's
transactional time.

Here, when Django serializes the migrated rows (once per test process), the same rows are also
copied as they are (``COPY … TO`` on PostgreSQL, ``SELECT *`` on SQLite); writing back that
serialization writes back the copy instead: the rows of the copied tables are replaced, their
id sequences moved past them, and the dashboards' figure token ``*`` is replaced. The result
is the migrated rows exactly (Django's deserializer also left audit entries of them, new
ids for many-to-many rows and changed schedule timestamps). On PostgreSQL a flush deletes the rows of every table in one
transaction (the foreign keys are deferred, so the order does not matter) instead of
truncating them; with ``reset_sequences`` it still truncates. Any other serialization (another
database's, a test's own) goes through Django's deserializer as before.
``SALESITE_TEST_FAST_RESET=0`` turns both off.
"""

from __future__ import annotations

import io
import os

from django.apps import apps
from django.core.management.color import no_style
from django.db import transaction

from salesite import figure_versions
from tests.demo_snapshot import _stored

# (alias, database name) → (the serialized string, {table: rows as copied})
_COPIES: dict[tuple[str, str], tuple[str, dict[str, object]]] = {}


def install() -> None:
    if os.environ.get("SALESITE_TEST_FAST_RESET", "1") == "0":
        return
    from django.db.backends.base import creation
    from django.db.backends.postgresql import operations

    base = creation.BaseDatabaseCreation
    if getattr(base.serialize_db_to_string, "_salesite_fast", False):
        return
    serialize, deserialize = base.serialize_db_to_string, base.deserialize_db_from_string
    sql_flush = operations.DatabaseOperations.sql_flush

    def serialize_db_to_string(self):
        data = serialize(self)
        _COPIES[_key(self.connection)] = (data, _copy(self.connection))
        return data

    def deserialize_db_from_string(self, data):
        saved = _COPIES.get(_key(self.connection))
        if saved is None or (saved[0] is not data and saved[0] != data):
            return deserialize(self, data)
        _write_back(self.connection, saved[1])

    def postgresql_sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return sql_flush(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # One statement a table: the dashboards' figure versions see each table written to
        # (salesite.figure_versions), as they see a TRUNCATE.
        q = self.quote_name
        return ["SET CONSTRAINTS ALL DEFERRED", *(f"DELETE FROM {q(table)}" for table in tables)]

    serialize_db_to_string._salesite_fast = True
    base.serialize_db_to_string = serialize_db_to_string
    base.deserialize_db_from_string = deserialize_db_from_string
    operations.DatabaseOperations.sql_flush = postgresql_sql_flush


def _key(connection) -> tuple[str, str]:
    return connection.alias, str(connection.settings_dict["NAME"])


def _copy(connection) -> dict[str, object]:
    """The rows of every non-empty table of the project's models."""
    q = connection.ops.quote_name
    copied: dict[str, object] = {}
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                cursor.copy_expert(f"COPY {q(table)} TO STDOUT", buffer)
                if buffer.getvalue():
                    copied[table] = buffer.getvalue()
            else:
                cursor.execute(f"SELECT * FROM {q(table)}")
                columns = [c[0] for c in cursor.description]
                rows = [tuple(_stored(v) for v in row) for row in cursor]
                if rows:
                    copied[table] = (columns, rows)
    return copied


def _write_back(connection, copied: dict[str, object]) -> None:
    """Replace the rows of the copied tables by the copy, in one transaction (the deferred
    foreign keys are checked once every table is back)."""
    q = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in copied:
            cursor.execute(f"DELETE FROM {q(table)}")
        for table, data in copied.items():
            if connection.vendor == "postgresql":
                cursor.copy_expert(f"COPY {q(table)} FROM STDIN", io.StringIO(data))
                continue
            columns, rows = data
            names = ", ".join(q(c) for c in columns)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {q(table)} ({names}) VALUES ({marks})", rows)
        if connection.vendor == "postgresql":
            models = [
                m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in copied
            ]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        # The dashboards' figures see a change, as they saw the deserializer's saves (a COPY is
        # not one of the writes salesite.figure_versions recognises).
        figure_versions.replace_tokens(connection, {figure_versions.ANY})
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
