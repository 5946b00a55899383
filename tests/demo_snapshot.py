"""The demo (``seed_demo``) in a test's transaction without seeding it for every test.

Seeding the demo costs 12–15 s of CPU; many tests need it. The first call in a test process
seeds it for real and copies every table's rows into memory (about 12,000 rows); each later
call empties the tables and writes the copy back in the caller's transaction, a fraction of a
second, so the data is exactly what a fresh seed of the same day gives. The caller's
transaction (the test's, or a module fixture's) rolls it back as before.

A copy is only taken from a clean database (nothing but what the migrations create), and only
reused on the day it was seeded (the demo is relative to today) and with the same MEDIA_ROOT
(the attachments' files live there).

The test processes of one run share the copy through a file (``var/test-db/demo-<key>.pickle``,
with the files the seed wrote under MEDIA_ROOT): the first process to need the demo seeds it
under a lock, the others wait and read it (each process seeded it for itself before, 6 s of
CPU each). The file is used for ``SHARED_MINUTES`` after it was written, on the same day, by
the same code (its key hashes the project's Python files and migrations): as long as a run
lasts, no longer than a process's own copy lives.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import io
import pickle
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from tests import db_template

_COPY: dict = {"key": None, "tables": None, "output": ""}

SHARED_MINUTES = 15
SHARED_DIR = Path(settings.BASE_DIR) / "var" / "test-db"
# The project's own code (what seed_demo runs); tests/ is left out, but for this file.
CODE_DIRS = (
    "salesite",
    "communication",
    "feedback",
    "handover",
    "renovation",
    "operations",
    "owners",
)


def seed_demo(*, quiet: bool = True) -> str:
    """Put the demo into the current transaction; return what ``seed_demo`` printed (the table
    of logins and the demo owner, unless ``quiet``)."""
    name = str(connection.settings_dict["NAME"])
    assert "test" in name or "memory" in name, f"refusing to seed a non-test database {name}"
    assert connection.in_atomic_block, "seed the demo inside a transaction that is rolled back"
    key = (timezone.localdate(), str(settings.MEDIA_ROOT), connection.vendor)
    if _COPY["key"] == key:
        restore_tables(_COPY["tables"])
        return "" if quiet else _COPY["output"]
    if not _is_clean():
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        return "" if quiet else out.getvalue()
    path = _shared_file()  # hashes the project's code: once per seed
    with db_template.file_lock(SHARED_DIR / "demo.lock"):
        shared = _read_shared(path)
        if shared is None:
            media_before = _media_files()
            out = io.StringIO()
            call_command("seed_demo", stdout=out)
            shared = {
                "tables": take_tables(),
                "output": out.getvalue(),
                "media": {
                    name: (Path(settings.MEDIA_ROOT) / name).read_bytes()
                    for name in sorted(_media_files() - media_before)
                },
            }
            _write_shared(path, shared)
        else:
            restore_tables(shared["tables"])
            _write_media(shared["media"])
    _COPY.update(key=key, tables=shared["tables"], output=shared["output"])
    return "" if quiet else shared["output"]


def _shared_key() -> str:
    digest = hashlib.sha256()
    digest.update(f"{timezone.localdate()}|{connection.vendor}|{db_template.key()}".encode())
    base = Path(settings.BASE_DIR)
    files = [Path(__file__)]
    for folder in CODE_DIRS:
        files += sorted((base / folder).rglob("*.py"))
    for path in files:
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _shared_file() -> Path:
    return SHARED_DIR / f"demo-{_shared_key()}.pickle"


def _read_shared(path: Path) -> dict | None:
    try:
        if time.time() - path.stat().st_mtime > SHARED_MINUTES * 60:
            return None
        return pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError):
        return None


def _write_shared(path: Path, shared: dict) -> None:
    for old in SHARED_DIR.glob("demo-*.pickle"):  # copies of earlier days or code
        old.unlink(missing_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_bytes(pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL))
    partial.replace(path)


def _media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return set()
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def _write_media(media: dict[str, bytes]) -> None:
    """The files the seed wrote, under this process's MEDIA_ROOT (a temporary folder each)."""
    root = Path(settings.MEDIA_ROOT)
    for name, data in media.items():
        target = root / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


def _is_clean() -> bool:
    """Nothing beyond the migrations' rows: no project, company or user yet."""
    from salesite.models import Company, Project, User

    return not (Project.objects.exists() or Company.objects.exists() or User.objects.exists())


def model_tables() -> list[str]:
    """The tables of the project's models (what a flush empties)."""
    return sorted(connection.introspection.django_table_names(only_existing=True))


def reset_sequences(cursor, tables=None) -> None:
    """Point the id sequences (of the models of ``tables``, or of all) past the rows written
    with explicit ids (PostgreSQL; SQLite keeps its counters itself)."""
    models = apps.get_models(include_auto_created=True)
    if tables is not None:
        models = [m for m in models if m._meta.db_table in tables]
    for sql in connection.ops.sequence_reset_sql(no_style(), models):
        cursor.execute(sql)


def take_tables(*, non_empty: bool = False) -> dict[str, object]:
    """Every table's rows as they are (``COPY`` text on PostgreSQL, columns and rows on
    SQLite); with ``non_empty``, only the tables that have rows."""
    q = connection.ops.quote_name
    tables = {}
    with connection.cursor() as cursor:
        for table in model_tables():
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                cursor.copy_expert(f"COPY {q(table)} TO STDOUT", buffer)
                data = buffer.getvalue()
                has_rows = bool(data)
            else:
                cursor.execute(f"SELECT * FROM {q(table)}")
                columns = [c[0] for c in cursor.description]
                data = (columns, [tuple(map(_stored, row)) for row in cursor])
                has_rows = bool(data[1])
            if has_rows or not non_empty:
                tables[table] = data
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


def restore_tables(tables: dict[str, object], *, all_sequences: bool = True) -> None:
    """Replace the rows of ``tables`` by those taken (``take_tables``), in the caller's
    transaction; the id sequences of every model, or only of those tables, are moved past
    them."""
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
        reset_sequences(cursor, None if all_sequences else tables)
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
