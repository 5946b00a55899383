"""The server and worker entry points default to the production settings (issue 13, item 6): a
gunicorn or celery started without DJANGO_SETTINGS_MODULE must not run with DEBUG on or with
the development secret key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    clean.pop("SECRET_KEY", None)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("module", ["salesite.wsgi", "salesite.celery"])
def test_without_settings_module_the_entry_point_refuses_to_start_without_a_secret(module):
    result = run(f"import {module}; from django.conf import settings; settings.SECRET_KEY")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("module", ["salesite.wsgi", "salesite.celery"])
def test_without_settings_module_the_entry_point_runs_production(module):
    code = (
        f"import os, {module}; from django.conf import settings; "
        "print(os.environ['DJANGO_SETTINGS_MODULE'], settings.DEBUG, settings.SESSION_COOKIE_SECURE)"
    )
    result = run(code, SECRET_KEY="x" * 50, ALLOWED_HOSTS="salesite.example.com")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["salesite.settings.production", "False", "True"]
