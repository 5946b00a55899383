"""The browser tests' own machinery: the live server counts the requests it is answering, so
that a test's teardown flushes the database only once none is left (``TrackedWSGIServer``);
Chromium's ``--disable-features`` keeps Playwright's list (``playwright_disabled_features``)."""

import threading

import pytest
from django.core.servers.basehttp import WSGIRequestHandler

from tests.browser.conftest import (
    NOT_USED_FEATURES,
    TrackedWSGIServer,
    chromium_args,
    playwright_disabled_features,
)

# No database is used here; the directory's session fixture (migrated_db_snapshot) reads it.
pytestmark = pytest.mark.django_db


def test_wait_idle_waits_for_the_request_in_flight():
    started, release = threading.Event(), threading.Event()

    def slow_app(environ, start_response):
        started.set()
        release.wait(5)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = TrackedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    try:
        server.set_app(slow_app)
        answer = []
        request = threading.Thread(
            target=lambda: answer.append(server.get_app()({}, lambda *args: None))
        )
        request.start()
        assert started.wait(5)
        assert TrackedWSGIServer.wait_idle(timeout=0.3) is False
        release.set()
        assert TrackedWSGIServer.wait_idle(timeout=5) is True
        request.join(5)
        assert answer == [[b"ok"]]
        assert TrackedWSGIServer.in_flight == 0
    finally:
        release.set()
        server.server_close()


def test_one_disable_features_switch_keeps_playwrights_list_and_adds_ours():
    """Chromium reads only the last --disable-features: Playwright's own one (HttpsUpgrades,
    PaintHolding, ...) would be lost if ours did not repeat it."""
    theirs = playwright_disabled_features()
    assert len(theirs) >= 5 and "HttpsUpgrades" in theirs, theirs
    switches = [a for a in chromium_args() if a.startswith("--disable-features=")]
    assert len(switches) == 1
    ours = switches[0].partition("=")[2].split(",")
    assert set(theirs) | set(NOT_USED_FEATURES) == set(ours)
