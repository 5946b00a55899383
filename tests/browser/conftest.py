"""Browser tests: pytest-playwright driving Debian's headless chromium against live_server.

Playwright's own browser download does not work on the project's machines, so the browser
is /usr/bin/chromium (`apt-get install -y chromium`); without it these tests are skipped.
"""

import os
import re
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.testcases import LiveServerThread
from django.utils import timezone

from salesite.demo import DEMO_PASSWORD
from tests import demo_snapshot as demo_copy
from tests.demo_snapshot import model_tables, reset_sequences

# Playwright's sync API runs an event loop in the main thread; Django then refuses database
# access from that thread unless told that this is intended (live_server tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class TrackedWSGIServer(ThreadedWSGIServer):
    """The live server, counting the requests it is answering.

    A test ends when its last assertion holds, which can be while the browser still has a
    request in flight (a page's htmx poll, the page a click opened). The teardown's flush then
    empties every table with TRUNCATE while that request's queries hold locks on some of them:
    on PostgreSQL one of the two is chosen as a deadlock's victim, and when it is the flush, the
    test errors ("couldn't be flushed"). ``wait_idle`` lets the teardown wait for the answers
    to end first."""

    in_flight = 0
    idle = threading.Condition()

    def set_app(self, application):
        def tracked(environ, start_response):
            cls = TrackedWSGIServer
            with cls.idle:
                cls.in_flight += 1
            try:
                return self.call_app(application, environ, start_response)
            finally:
                with cls.idle:
                    cls.in_flight -= 1
                    cls.idle.notify_all()

        super().set_app(tracked)

    def call_app(self, application, environ, start_response):
        """The application's answer, read to the end (a request is in flight until then)."""
        result = application(environ, start_response)
        try:
            return [b"".join(result)]
        finally:
            if hasattr(result, "close"):
                result.close()

    @classmethod
    def wait_idle(cls, timeout: float = 10.0, quiet: float = 0.1) -> bool:
        """Wait until no request has been in flight for ``quiet`` seconds (a request the
        browser sent just before its context closed can still be in the accept queue); False
        if requests were still being answered after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with cls.idle:
            while (left := deadline - time.monotonic()) > 0:
                if cls.in_flight:
                    cls.idle.wait(left)
                elif not cls.idle.wait(min(quiet, left)) and not cls.in_flight:
                    return True
        return False


class SerialWSGIServer(TrackedWSGIServer):
    """The live server answering one request at a time, on SQLite.

    An in-memory SQLite test database is one connection that the live server's request threads
    share; two requests at once (a page polling a job while another loads) can block each other
    inside SQLite for good. Connections still run in threads (keep-alive), but the application
    is called under one lock, and its response is read to the end inside it."""

    app_lock = threading.Lock()

    def call_app(self, application, environ, start_response):
        with self.app_lock:
            return super().call_app(application, environ, start_response)

    def _close_connections(self):
        """After each request, close the connections of this thread, but not the test's
        in-memory database (``connections_override``): that one belongs to the test's thread,
        closing it does nothing, and once the server has stopped sharing it, a request thread
        still open (keep-alive) raised "DatabaseWrapper objects created in a thread can only
        be used in that same thread", a warning at the end of every run."""
        shared = set(map(id, (self.connections_override or {}).values()))
        for conn in connections.all(initialized_only=True):
            if id(conn) not in shared:
                conn.close()


LiveServerThread.server_class = (
    SerialWSGIServer if connections[DEFAULT_DB_ALIAS].vendor == "sqlite" else TrackedWSGIServer
)


@pytest.fixture(autouse=True)
def live_server_idle_at_teardown():
    """Before the database is flushed at a browser test's teardown, let the live server finish
    the requests it is answering (see TrackedWSGIServer). An autouse fixture of this directory
    is set up after pytest-django's database fixture, and so torn down before it: after the
    test's pages and contexts are closed, before the flush."""
    yield
    TrackedWSGIServer.wait_idle()


CHROMIUM = Path("/usr/bin/chromium")
# Chromium's new headless mode is the whole browser without a screen: every window (each test's
# browser context opens one) preloads the address bar's drop-down, a WebUI page
# (chrome://omnibox-popup.top-chrome/) in a renderer process of its own, about 0.7 s of CPU
# per context that no test uses. Measured over the 25 browser tests in one process: 109-122 s
# of CPU in all (Chromium, Playwright and the tests) before, 87-89 s after.
NOT_USED_FEATURES = ["WebUIOmniboxPopup", "WebUIOmniboxFullPopup", "WebUIOmniboxAimPopup"]


def playwright_disabled_features() -> list[str]:
    """The features Playwright's own ``--disable-features`` switch turns off (its
    chromiumSwitches). Chromium reads only the last ``--disable-features`` of its command line,
    so the one passed here must repeat them. Read from Playwright's driver bundle; empty if its
    layout changed (the browser tests still run, with Playwright's list replaced)."""
    import playwright

    bundle = Path(playwright.__file__).parent / "driver/package/lib/coreBundle.js"
    try:
        source = bundle.read_text(encoding="utf-8")
    except OSError:
        return []
    found = re.search(r"\bdisabledFeatures = (?:\(\) => )?\[(.*?)\]\.filter", source, re.S)
    if not found:
        return []
    listed = re.sub(r"//[^\n]*", "", found.group(1))
    return re.findall(r'"([A-Za-z0-9_]+)"', listed)


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_args() -> list[str]:
    """CHROMIUM_ARGS and the one ``--disable-features``: Playwright's list and ours. Read when
    a process launches Chromium, not when this conftest is imported (Playwright's bundle is
    3.6 MB, about 70 ms to read and search)."""
    features = dict.fromkeys([*playwright_disabled_features(), *NOT_USED_FEATURES])
    return [*CHROMIUM_ARGS, "--disable-features=" + ",".join(features)]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian's chromium at {CHROMIUM} (apt-get install -y chromium)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": chromium_args()}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Chinese UI as a real user gets it: the language comes from Accept-Language.
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture(scope="session", autouse=True)
def migrated_db_snapshot(django_db_setup, django_db_blocker):
    """The rows the migrations created (roles, schedules, ...), taken before Playwright starts.

    Once Playwright's sync API runs its event loop in the main thread, Django's connection
    handler (an asgiref Local) hands out a different connection object there, one without the
    test database's serialized contents, so the serialized rollback of transactional tests
    cannot restore those rows any more. demo_site restores them from this snapshot instead.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is None:
        with django_db_blocker.unblock():
            contents = connection.creation.serialize_db_to_string()
    return contents


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    """A browser test's setup skips the serialized rollback's restore of the migrated rows
    (``TransactionTestCase._fixture_setup``, about 0.4 s): ``demo_site`` then empties every
    table and writes back the whole demo, migrated rows included. The contents are put back once
    the test's fixtures are set up, for its teardown's flush (it must not send post_migrate) and
    for the transactional tests of other directories that this process runs next."""
    connection = connections[DEFAULT_DB_ALIAS]
    contents = connection.__dict__.pop("_test_serialized_contents", None)
    try:
        return (yield)
    finally:
        if contents is not None and not hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = contents


# Copies of the seeded tables live next to them under this prefix for the whole session; flush
# only empties the tables of Django models, so they survive every test's teardown.
SNAPSHOT_PREFIX = "bt_demo__"


def _snapshot_take(connection) -> list[str]:
    tables = model_tables()
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {q(SNAPSHOT_PREFIX + table)}")
            cursor.execute(f"CREATE TABLE {q(SNAPSHOT_PREFIX + table)} AS SELECT * FROM {q(table)}")
    return tables


def _snapshot_restore(connection, tables: list[str]) -> None:
    """Empty the database and copy the seeded rows back: a few hundred milliseconds, where
    seed_demo takes 15 s or more. One transaction, so that the (deferred) foreign keys are
    checked once every table is back."""
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    q = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            # Empty again: the flush's commit wrote the figure tokens (salesite.figure_versions).
            cursor.execute(f"DELETE FROM {q(table)}")
            cursor.execute(f"INSERT INTO {q(table)} SELECT * FROM {q(SNAPSHOT_PREFIX + table)}")
        reset_sequences(cursor)


@pytest.fixture(scope="session")
def demo_snapshot():
    """The seeded tables of the first browser test, kept for the session (see demo_site). The
    copies go with the test database; a kept database (--reuse-db) has them replaced next time."""
    return {"tables": None, "day": None}


@pytest.fixture
def demo_site(live_server, migrated_db_snapshot, demo_snapshot):
    """The live server with the demo data (seed_demo) in its database.

    The first browser test of the session seeds the demo (or writes back the copy a module of
    this process, or another process of the run, took of it: the same rows) and copies its
    tables; each later one gets exactly the same rows back from that copy instead of
    seeding again."""
    from salesite.models import Role

    connection = connections[DEFAULT_DB_ALIAS]
    # The demo is relative to the day it is seeded on (today's roster, deadlines): past
    # midnight the copy is stale and the demo is seeded afresh.
    if demo_snapshot["tables"] and demo_snapshot["day"] == timezone.localdate():
        _snapshot_restore(connection, demo_snapshot["tables"])
    else:
        if not Role.objects.exists():  # an earlier transactional test flushed the database
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            connection.creation.deserialize_db_from_string(migrated_db_snapshot)
        with transaction.atomic():
            # The copy an earlier module of this process took of the same demo, or the one the
            # processes of this run share, or else a fresh seed (committed: the live server
            # reads it).
            demo_copy.seed_demo()
        demo_snapshot["tables"] = _snapshot_take(connection)
        demo_snapshot["day"] = timezone.localdate()
    # Let later transactional tests (serialized_rollback) restore the rows themselves.
    connection._test_serialized_contents = migrated_db_snapshot
    return live_server


@pytest.fixture
def login(demo_site):
    """Log a page in through the login form, as a person would."""

    def do_login(page, username, password=DEMO_PASSWORD):
        page.set_default_timeout(10_000)
        page.goto(f"{demo_site.url}/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state("domcontentloaded")

    return do_login


@pytest.fixture
def signed_in(demo_site, client_for):
    """Sign a page's browser context in as a demo user without the login form, then open ``at``
    (a path or a full URL; None: stay where it is). The session is made by Django's test client
    and its cookie handed to the browser. The form's three page loads (the form, the post, the
    home page) cost Chromium about a second of CPU per login; the form itself is tested by
    ``test_login_and_browse.py``, with the ``login`` fixture."""
    from django.conf import settings

    from salesite.models import User

    def do_sign_in(page, username, at="/"):
        client = client_for(User.objects.get(username=username))
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": demo_site.url}
        page.context.add_cookies([cookie])
        page.set_default_timeout(10_000)
        if at is not None:
            page.goto(at if at.startswith("http") else f"{demo_site.url}{at}")

    return do_sign_in


def wait_until(page, expression: str, arg=None, timeout: float = 10.0) -> None:
    """Poll ``expression`` (as ``page.evaluate``/``handle.evaluate`` takes it) until it is
    truthy. ``page.wait_for_function`` evaluates its predicate with ``eval`` inside the page
    when the first check fails, which the site's Content Security Policy (no 'unsafe-eval')
    refuses: the test then failed whenever a script loaded a little late."""
    deadline = time.monotonic() + timeout
    while not (arg.evaluate(expression) if arg is not None else page.evaluate(expression)):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout:.0f} s: {expression}")
        page.wait_for_timeout(50)
