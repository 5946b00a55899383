"""Settings of issue 12 (items 12, 13) read from the environment: session lifetime, database
connection health checks, the shared cache, trusted proxies and the request size limit."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
NAMES = [
    "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "SESSION_SAVE_EVERY_REQUEST",
    "CONN_MAX_AGE",
    "CONN_HEALTH_CHECKS",
    "CACHE_BACKEND",
    "CACHE_LOCATION",
    "TRUSTED_PROXIES",
    "AXES_IPWARE_PROXY_COUNT",
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "MAX_REQUEST_BYTES",
]
CODE = """
import json
from salesite.settings import base as s
db = s.DATABASES["default"]
print(json.dumps({
    "SESSION_COOKIE_AGE": s.SESSION_COOKIE_AGE,
    "SESSION_EXPIRE_AT_BROWSER_CLOSE": s.SESSION_EXPIRE_AT_BROWSER_CLOSE,
    "SESSION_SAVE_EVERY_REQUEST": s.SESSION_SAVE_EVERY_REQUEST,
    "CONN_MAX_AGE": db["CONN_MAX_AGE"],
    "CONN_HEALTH_CHECKS": db["CONN_HEALTH_CHECKS"],
    "CACHE_BACKEND": s.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": s.CACHES["default"].get("LOCATION"),
    "TRUSTED_PROXIES": s.TRUSTED_PROXIES,
    "AXES_IPWARE_PROXY_COUNT": s.AXES_IPWARE_PROXY_COUNT,
    "AXES_IPWARE_META_PRECEDENCE_ORDER": s.AXES_IPWARE_META_PRECEDENCE_ORDER,
    "MAX_REQUEST_BYTES": s.MAX_REQUEST_BYTES,
}))
"""


def settings_with(**env_overrides) -> dict:
    """The base settings as a fresh process reads them from this environment (no .env)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST_")) and k not in NAMES + ["CACHE_URL"]
    }
    env.pop("DATABASE_URL", None)
    env.update(env_overrides)
    result = subprocess.run(
        [sys.executable, "-c", CODE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_suit_a_shared_front_desk_computer():
    s = settings_with()
    assert s["SESSION_COOKIE_AGE"] == 8 * 60 * 60
    assert s["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert s["SESSION_SAVE_EVERY_REQUEST"] is False
    assert s["CONN_MAX_AGE"] == 0 and s["CONN_HEALTH_CHECKS"] is False
    assert s["CACHE_BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert s["TRUSTED_PROXIES"] == []
    assert s["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["REMOTE_ADDR"]
    assert s["AXES_IPWARE_PROXY_COUNT"] is None
    assert s["MAX_REQUEST_BYTES"] == 25 * 1024 * 1024


def test_environment_sets_session_lifetime_cache_proxies_and_limits():
    s = settings_with(
        SESSION_COOKIE_AGE="1800",
        SESSION_EXPIRE_AT_BROWSER_CLOSE="False",
        SESSION_SAVE_EVERY_REQUEST="True",
        CONN_MAX_AGE="60",
        CACHE_URL="redis://127.0.0.1:6379/6",
        TRUSTED_PROXIES="10.0.0.2, 10.0.1.0/24",
        TRUSTED_PROXY_COUNT="2",
        MAX_REQUEST_BYTES="1048576",
    )
    assert s["SESSION_COOKIE_AGE"] == 1800
    assert s["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is False
    assert s["SESSION_SAVE_EVERY_REQUEST"] is True
    # Persistent connections are checked before reuse.
    assert s["CONN_MAX_AGE"] == 60 and s["CONN_HEALTH_CHECKS"] is True
    assert s["CACHE_BACKEND"].endswith("RedisCache")
    assert "127.0.0.1:6379" in str(s["CACHE_LOCATION"])
    assert s["TRUSTED_PROXIES"] == ["10.0.0.2", "10.0.1.0/24"]
    assert s["AXES_IPWARE_PROXY_COUNT"] == 2
    assert s["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    assert s["MAX_REQUEST_BYTES"] == 1048576


def test_a_trusted_proxy_that_is_not_an_address_stops_the_start():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env["TRUSTED_PROXIES"] = "10.0.0.2, nginx"
    result = subprocess.run(
        [sys.executable, "-c", CODE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'nginx' is not an IP or network" in result.stderr


def test_unlimited_persistent_connections_are_health_checked_too():
    s = settings_with(DATABASE_URL="postgres://u@127.0.0.1:5432/x?conn_max_age=None")
    assert s["CONN_MAX_AGE"] is None
    assert s["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
def test_the_login_cookie_ends_with_the_browser():
    user = f.UserFactory(username="zhaoliu")
    c = Client()
    c.post(reverse("login"), {"username": "zhaoliu", "password": f.PASSWORD})
    cookie = c.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value and not cookie["expires"] and not cookie["max-age"]
    assert c.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert int(c.session["_auth_user_id"]) == user.pk


def test_test_settings_use_the_session_and_ip_settings():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.AXES_CLIENT_IP_CALLABLE == "salesite.client_ip.client_ip"
    assert "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE
