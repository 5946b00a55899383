"""The demo (``seed_demo``) in a test's transaction without seeding it for every test.

Seeding the demo costs 12–15 s of CPU; many tests need it. The first call in a test process
seeds it for real and copies every table's rows into memory (about 12,000 rows); each later
call empties the tables and writes the copy back in the caller's transaction, a fraction of a
second, so the data is exactly what a fresh seed of the same day gives. The caller's
transaction (the test's, or a module fixture's) rolls it back as before.

A copy is only taken from a clean database (nothing but what the migrations create), and only
reused on the day it was seeded (the demo is relative to today) and with the same MEDIA_ROOT
(the attachments' files live there).
"""

from __future__ import annotations

import datetime
import decimal
import io

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

_COPY: dict = {"key": None, "tables": None, "output": ""}


def seed_demo(*, quiet: bool = True) -> str:
    """Put the demo into the current transaction; return what ``seed_demo`` printed (the table
    of logins and the demo owner, unless ``quiet``)."""
    name = str(connection.settings_dict["NAME"])
    assert "test" in name or "memory" in name, f"refusing to seed a non-test database {name}"
    assert connection.in_atomic_block, "seed the demo inside a transaction that is rolled back"
    key = (timezone.localdate(), str(settings.MEDIA_ROOT), connection.vendor)
    if _COPY["key"] == key:
        _restore(_COPY["tables"])
        return "" if quiet else _COPY["output"]
    clean = _is_clean()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    if clean:
        _COPY.update(key=key, tables=_take(), output=out.getvalue())
    return "" if quiet else out.getvalue()


def restore_copy() -> bool:
    """Put this process's copy of the demo back, if it has one of today (every table emptied
    first, so the database needs nothing beforehand); False when there is none. Call it inside
    a transaction: the browser tests' live server, whose tests commit, reuses the copy a
    module took instead of seeding the demo once more."""
    assert connection.in_atomic_block, "restore the demo inside a transaction"
    if _COPY["key"] != (timezone.localdate(), str(settings.MEDIA_ROOT), connection.vendor):
        return False
    _restore(_COPY["tables"])
    return True


def _is_clean() -> bool:
    """Nothing beyond the migrations' rows: no project, company or user yet."""
    from salesite.models import Company, Project, User

    return not (Project.objects.exists() or Company.objects.exists() or User.objects.exists())


def model_tables() -> list[str]:
    """The tables of the project's models (what a flush empties)."""
    return sorted(connection.introspection.django_table_names(only_existing=True))


def reset_sequences(cursor) -> None:
    """Point the id sequences past the rows written with explicit ids (PostgreSQL; SQLite
    keeps its counters itself)."""
    models = apps.get_models(include_auto_created=True)
    for sql in connection.ops.sequence_reset_sql(no_style(), models):
        cursor.execute(sql)


def _take() -> dict[str, object]:
    q = connection.ops.quote_name
    tables = {}
    with connection.cursor() as cursor:
        for table in model_tables():
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                cursor.copy_expert(f"COPY {q(table)} TO STDOUT", buffer)
                tables[table] = buffer.getvalue()
            else:
                cursor.execute(f"SELECT * FROM {q(table)}")
                columns = [c[0] for c in cursor.description]
                tables[table] = (columns, [tuple(map(_stored, row)) for row in cursor])
    return tables


def _stored(value):
    """A value as SQLite stores it: the connection parses dates, times and decimals on the way
    out (PARSE_DECLTYPES) but has no adapter for some of them on the way back in."""
    if isinstance(value, datetime.datetime):
        return value.isoformat(" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _restore(tables: dict[str, object]) -> None:
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in tables:
            cursor.execute(f"DELETE FROM {q(table)}")
        for table, data in tables.items():
            if connection.vendor == "postgresql":
                if data:
                    cursor.copy_expert(f"COPY {q(table)} FROM STDIN", io.StringIO(data))
                continue
            columns, rows = data
            if rows:
                names = ", ".join(q(c) for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {q(table)} ({names}) VALUES ({marks})", rows)
        reset_sequences(cursor)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def check_constraints_now() -> None:
    """Check the deferred foreign keys of the rows written so far in this transaction, once.

    On PostgreSQL every test's teardown runs ``SET CONSTRAINTS ALL IMMEDIATE``, which checks
    every foreign key still pending in the enclosing transaction: with the demo seeded in a
    module's transaction, that is 12,000 rows again after each test (0.1 s a test)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
