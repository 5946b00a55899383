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
ids for many-to-many rows and changed schedule timestamps). On PostgreSQL a flush deletes the
rows of every table in one transaction (the foreign keys are deferred, so the order does not
matter) instead of truncating them; with ``reset_sequences`` it still truncates. Any other
serialization (another database's, a test's own) goes through Django's deserializer as before.
``SALESITE_TEST_FAST_RESET=0`` turns both off.
"""

from __future__ import annotations

import os

from django.db import DEFAULT_DB_ALIAS, transaction

from salesite import figure_versions
from tests import demo_snapshot

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
        if self.connection.alias == DEFAULT_DB_ALIAS:  # what demo_snapshot reads and writes
            _COPIES[_key(self.connection)] = (data, demo_snapshot.take_tables(non_empty=True))
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


def _write_back(connection, copied: dict[str, object]) -> None:
    """Replace the rows of the copied tables by the copy, in one transaction (the deferred
    foreign keys are checked once every table is back)."""
    with transaction.atomic(using=connection.alias):
        demo_snapshot.restore_tables(copied, all_sequences=False)
        # The dashboards' figures see a change, as they saw the deserializer's saves (a COPY is
        # not one of the writes salesite.figure_versions recognises).
        figure_versions.replace_tokens(connection, {figure_versions.ANY})
