"""Fixtures shared by every test module.

``member(role_code, project)`` makes a user with that role on the project; ``two_projects``
gives two projects of two different property companies with a front-desk user on each.
"""

import pytest
from django.test import Client

from tests import db_reset, db_template
from tests import factories as f

# The test databases are copies of a template migrated once (tests/db_template.py).
db_template.install()
# Transactional tests empty and refill it faster (tests/db_reset.py).
db_reset.install()


def _unaudited_factories() -> None:
    """Rows made by the test factories are not written to the audit log: they stand for what
    the database held before the test, not for anybody's action, and their log entries were
    about a quarter of the suite's time (the field diff of every created row). Rows made by
    the views, services and jobs under test are audited as in production, and the audit tests
    read those."""
    import factory.django
    from auditlog.context import disable_auditlog

    create = factory.django.DjangoModelFactory._create.__func__
    if getattr(create, "_salesite_unaudited", False):
        return

    def _create(cls, model_class, *args, **kwargs):
        with disable_auditlog():
            return create(cls, model_class, *args, **kwargs)

    _create._salesite_unaudited = True
    factory.django.DjangoModelFactory._create = classmethod(_create)


_unaudited_factories()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (zh-hans). A request of an earlier test in the
    same process leaves its language active in the thread (LocaleMiddleware activates it and
    nothing deactivates it): an English request of another module made the Chinese texts built
    outside a request (services, jobs) come out in English, depending on the test order."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def member(db):
    return f.member


@pytest.fixture
def project(db):
    return f.ProjectFactory()


@pytest.fixture
def other_project(db):
    return f.ProjectFactory()


@pytest.fixture
def client_for():
    """A logged-in test client for a user."""

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


# --- Service markers -------------------------------------------------------------------------
# Tests marked postgres, celery_worker or browser need a service that a bare checkout does not
# have; without it they are skipped with the reason, so `make test` passes on SQLite with eager
# Celery and runs them all under .ci/run (PostgreSQL, Redis, /usr/bin/chromium).
CHROMIUM = "/usr/bin/chromium"


def _service_skip_reasons():
    import os

    from django.conf import settings

    reasons = {}
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        reasons["postgres"] = (
            f"needs PostgreSQL: DATABASE_URL is not a postgres:// URL (engine {engine})"
        )
    if not str(settings.CELERY_BROKER_URL).startswith(("redis://", "rediss://")):
        reasons["celery_worker"] = (
            "needs a Redis broker for a real Celery worker: CELERY_BROKER_URL is not a redis:// URL"
        )
    if not os.access(CHROMIUM, os.X_OK):
        reasons["browser"] = f"needs Debian's chromium at {CHROMIUM} (apt-get install -y chromium)"
    return reasons


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's, which reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    reasons = _service_skip_reasons()
    unserialized = [
        item.nodeid
        for item in items
        if (m := item.get_closest_marker("django_db"))
        and m.kwargs.get("transaction")
        and not m.kwargs.get("serialized_rollback")
    ]
    if unserialized:
        # A transactional test without serialized_rollback flushes the database and lets
        # post_migrate recreate the content types under new ids; a later serialized test in the
        # same process then fails to restore them (duplicate content type on PostgreSQL).
        raise pytest.UsageError(
            "transactional tests need serialized_rollback=True: " + ", ".join(unserialized)
        )
    for item in items:
        for marker, reason in reasons.items():
            if item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))
        # `make test` spreads the tests over processes (pytest-xdist, --dist loadgroup): the
        # tests of one service run in one process, so that two Celery workers never share the
        # Redis queues. (The browser tests are not grouped: a few minutes in all, they would
        # keep one process busy long after the other had finished; each process seeds their
        # demo once.) NOTE: with pytest 9.2, pytest-xdist 3.8 cannot put the group into the
        # node id (it sets `_nodeid`, which pytest no longer reads), so these groups have no
        # effect for now: nothing relies on them.
        for marker in SERVICE_MARKERS:
            if item.get_closest_marker(marker):
                item.add_marker(pytest.mark.xdist_group(marker))
                break


SERVICE_MARKERS = ("celery_worker", "postgres")


class _ClusterFirst:
    """The cluster test (2–3 minutes, no test database) is scheduled first: sorted last among
    the tests without a database (pytest-django's order), it ran alone at the end of CI while
    the other process had finished. Then the tests marked ``long`` (tens of seconds of CPU):
    last in a process's queue, one ended the run alone. Then those marked ``waits`` (real
    seconds passing, the CPU idle): at the end of the run nothing else filled their waits, at
    the start the other processes do. Only tests that are not transactional may move forward
    (a transactional test's teardown empties the database the others expect migrated). Runs
    after pytest-django's reordering; the sort is stable, so its order holds otherwise."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        def moves_forward(item) -> bool:
            if item.get_closest_marker("waits") is None and item.get_closest_marker("long") is None:
                return False
            db = item.get_closest_marker("django_db")
            if db is not None and db.kwargs.get("transaction"):
                raise pytest.UsageError(
                    f"a transactional test cannot be marked waits or long: {item}"
                )
            return True

        items.sort(
            key=lambda item: (
                item.get_closest_marker("cluster") is None,
                not moves_forward(item),
                item.get_closest_marker("long") is None,
            )
        )


def pytest_configure(config):
    config.pluginmanager.register(_ClusterFirst(), "salesite-cluster-first")


@pytest.fixture(autouse=True)
def _fresh_content_type_cache():
    """A transactional test's flush recreates content types under new ids; Django's in-process
    ContentType cache would keep the old ids (an audit row then breaks its foreign key)."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield


def pytest_collection_finish(session):
    """Fewer garbage collections: the modules, the URL conf and the collected tests are moved
    out of the collector's reach once (``gc.freeze``), and a collection starts after 200,000
    new objects instead of 700. The suite allocates many short-lived objects (a page's ORM
    queries and template nodes); with the default thresholds Python spent about a tenth of the
    permission matrix's time in the collector. Memory stays bounded: cycles are still
    collected, less often (about 240 MB instead of 210 MB for the matrix in one process)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(200_000, 100, 100)


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist load`` (or ``loadgroup``, whose groups have no effect, see above) with the
    browser tests on a process of their own once there are three (tests/xdist_browser.py)."""
    if config.getvalue("dist") not in ("load", "loadgroup"):
        return None
    from tests.xdist_browser import BrowserAsideScheduling

    return BrowserAsideScheduling(config, log)
