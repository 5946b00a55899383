"""Rows written once for a whole module (or package) of tests instead of once per test."""

from __future__ import annotations

import contextlib

from django.db import connection, transaction


@contextlib.contextmanager
def rolled_back(django_db_blocker):
    """Database access for a module- or package-scoped fixture, inside a transaction rolled
    back at the end: each test's own transaction (pytest-django's) nests in it as a savepoint,
    so the tests see its rows and undo only their own writes, and other modules never see
    them. Refuses a database whose name is not a test database's."""
    with django_db_blocker.unblock():
        name = str(connection.settings_dict["NAME"])
        assert "test" in name or "memory" in name, (
            f"refusing to write to a non-test database {name}"
        )
        with transaction.atomic():
            try:
                yield
            finally:
                transaction.set_rollback(True)
