"""Packages mirror the models (issue 13): no module of the apps is over MAX_LINES lines.

A module that outgrows it is split by sub-domain, as ``models/``, ``services/`` and ``views/``
are; migrations (generated) are not counted."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("salesite", "operations", "communication", "handover", "renovation", "feedback", "owners")
MAX_LINES = 500


def test_no_app_module_is_over_the_limit():
    too_long = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            lines = path.read_text(encoding="utf-8").count("\n")
            if lines > MAX_LINES:
                too_long[str(path.relative_to(ROOT))] = lines
    assert not too_long, f"split these modules by sub-domain (over {MAX_LINES} lines): {too_long}"
