"""Browser tests: pytest-playwright driving Debian's headless chromium against live_server.

Playwright's own browser download does not work on the project's machines, so the browser
is /usr/bin/chromium (`apt-get install -y chromium`); without it these tests are skipped.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections

from salesite.demo import DEMO_PASSWORD

# Playwright's sync API runs an event loop in the main thread; Django then refuses database
# access from that thread unless told that this is intended (live_server tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian's chromium at {CHROMIUM} (apt-get install -y chromium)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


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


@pytest.fixture
def demo_site(live_server, migrated_db_snapshot):
    """The live server with the demo data (seed_demo) in its database."""
    from salesite.models import Role

    connection = connections[DEFAULT_DB_ALIAS]
    if not Role.objects.exists():  # an earlier transactional test flushed the database
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(migrated_db_snapshot)
    # Let later transactional tests (serialized_rollback) restore the rows themselves.
    connection._test_serialized_contents = migrated_db_snapshot
    call_command("seed_demo", "--quiet-logins", stdout=open(os.devnull, "w"))  # noqa: SIM115
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
