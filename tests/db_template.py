"""A migrated test database, built once and copied for every test process and every run.

Applying the 140-odd migrations costs about a minute of CPU (almost all of it Django rendering
the historical model states), once per pytest-xdist process and run. The test database is
instead copied from a template that was migrated once: a SQLite file under ``var/test-db/``
(loaded into the in-memory test database with SQLite's backup API) or, on PostgreSQL, a
database ``salesite_tpl_<key>`` (``CREATE DATABASE … TEMPLATE``). The key is a hash of every
migration file of the project and of requirements.txt (the third-party apps' migrations), so a
new or changed migration builds a new template; the first process to need it builds it under a
lock while the others wait. ``SALESITE_TEST_DB_TEMPLATE=0`` turns it off (plain migrate).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import sqlite3
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def key() -> str:
    digest = hashlib.sha256()
    files = sorted(BASE_DIR.glob("*/migrations/*.py"))
    for path in [*files, BASE_DIR / "requirements.txt"]:
        digest.update(str(path.relative_to(BASE_DIR)).encode())
        digest.update(path.read_bytes())
    digest.update(repr(settings.INSTALLED_APPS).encode())
    return digest.hexdigest()[:16]


PG_PREFIX = "salesite_tpl_"


def postgresql_template() -> str:
    """The name of the PostgreSQL template database of the current migrations."""
    return f"{PG_PREFIX}{key()}"


def install() -> None:
    """Wrap test database creation (once per process)."""
    if os.environ.get("SALESITE_TEST_DB_TEMPLATE", "1") == "0":
        return
    from django.db.backends.base import creation

    original = creation.BaseDatabaseCreation.create_test_db
    if getattr(original, "_salesite_template", False):
        return

    def create_test_db(self, *args, **kwargs):
        import django.core.management as management

        plain = management.call_command

        def call_command(name, *cargs, **ckwargs):
            if name == "migrate" and not cargs and self.connection.vendor in ENGINES:
                return ENGINES[self.connection.vendor](self.connection, plain, ckwargs)
            return plain(name, *cargs, **ckwargs)

        management.call_command = call_command
        try:
            return original(self, *args, **kwargs)
        finally:
            management.call_command = plain

    create_test_db._salesite_template = True
    creation.BaseDatabaseCreation.create_test_db = create_test_db


@contextlib.contextmanager
def file_lock(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sqlite(connection, migrate, options) -> None:
    folder = BASE_DIR / "var" / "test-db"
    template = folder / f"{key()}.sqlite3"
    with file_lock(folder / f"{template.name}.lock"):
        if not template.exists():
            migrate("migrate", **options)
            partial = template.with_suffix(".partial")
            target = sqlite3.connect(partial)
            connection.ensure_connection()
            connection.connection.backup(target)
            target.close()
            partial.replace(template)
            for old in folder.glob("*.sqlite3"):  # templates of earlier migrations
                if old != template:
                    old.unlink(missing_ok=True)
            return
    source = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
    connection.ensure_connection()
    source.backup(connection.connection)
    source.close()


def _postgresql(connection, migrate, options) -> None:
    template = postgresql_template()
    name = connection.settings_dict["NAME"]
    q = connection.ops.quote_name
    connection.close()
    with connection._nodb_cursor() as cursor:
        # One process builds the template; the lock goes with this session.
        cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [template])
        try:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
            if cursor.fetchone() is None:
                migrate("migrate", **options)
                connection.close()
                cursor.execute(f"CREATE DATABASE {q(template)} TEMPLATE {q(name)}")
                cursor.execute(
                    f"SELECT datname FROM pg_database WHERE datname LIKE '{PG_PREFIX}%%' "
                    "AND datname <> %s",
                    [template],
                )
                for (old,) in cursor.fetchall():
                    cursor.execute(f"DROP DATABASE IF EXISTS {q(old)}")
                return
        finally:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [template])
        cursor.execute(f"DROP DATABASE {q(name)}")
        cursor.execute(f"CREATE DATABASE {q(name)} TEMPLATE {q(template)}")


ENGINES = {"sqlite": _sqlite, "postgresql": _postgresql}


def main() -> None:
    """Build the SQLite template now, if the current migrations have none: ``make run``
    (scripts/run_demo.sh) starts this in the background once the demo answers, so that the
    first ``make test`` of the Quick start copies the template instead of migrating."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesite.settings.test")
    django.setup()
    from django.db import connection

    template = BASE_DIR / "var" / "test-db" / f"{key()}.sqlite3"
    if connection.vendor != "sqlite" or template.exists():
        return
    install()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
