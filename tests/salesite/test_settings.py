"""Settings (issue 2, R-X-3): production passes `check --deploy`, has no default secret; the
defaults need no server (SQLite, filesystem broker); Chinese and Shanghai time."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def run(args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def production_env(**overrides):
    return {
        "DJANGO_SETTINGS_MODULE": "salesite.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "salesite.example.com",
        "DEBUG": "False",
        **overrides,
    }


def test_check_deploy_passes_with_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run(["manage.py", "check"], **production_env(SECRET_KEY=None))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_flags_debug_in_production():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **production_env(DEBUG="True"),
    )
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout


PRINT_DB_AND_LOADERS = (
    "import django; django.setup(); from django.conf import settings; "
    "from django.template import engines; db = settings.DATABASES['default']; "
    "print(db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS']); "
    "print([type(l).__module__ for l in engines['django'].engine.template_loaders])"
)


@pytest.mark.parametrize(
    ("conn_max_age", "expected"),
    [(None, "60 True"), ("0", "0 False"), ("300", "300 True")],
)
def test_production_keeps_checked_connections_and_caches_templates(conn_max_age, expected):
    result = run(["-c", PRINT_DB_AND_LOADERS], **production_env(CONN_MAX_AGE=conn_max_age))
    assert result.returncode == 0, result.stderr
    db_line, loaders_line = result.stdout.strip().splitlines()[-2:]
    assert db_line == expected
    assert loaders_line == "['django.template.loaders.cached']"


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert ("en", "English") in [(code, str(name)) for code, name in settings.LANGUAGES]


def test_defaults_need_no_server():
    """Without DATABASE_URL and CELERY_BROKER_URL: SQLite and kombu's filesystem transport."""
    dotenv = ROOT / ".env"
    if dotenv.exists() and any(
        line.startswith(("DATABASE_URL", "CELERY_BROKER_URL"))
        for line in dotenv.read_text().splitlines()
    ):
        pytest.skip(".env overrides the defaults on this machine")
    code = (
        "from salesite.settings import local as s;"
        "print(s.DATABASES['default']['ENGINE']);"
        "print(s.DATABASES['default']['NAME']);"
        "print(s.CELERY_BROKER_URL)"
    )
    result = run(["-c", code], DATABASE_URL=None, CELERY_BROKER_URL=None)
    assert result.returncode == 0, result.stderr
    engine, name, broker = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert name.endswith(".sqlite3")
    assert broker == "filesystem://"


def test_private_media_is_not_static():
    media = Path(settings.MEDIA_ROOT).resolve()
    for static_dir in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]:
        assert not media.is_relative_to(Path(static_dir).resolve())
