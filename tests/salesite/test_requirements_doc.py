"""docs/requirements.md lists every requirement id (R-…) the code cites (issue 13, item 6).

The specification is not in the repository: the page is where a reader of a docstring citing
``R-COM-3`` finds what it means. After adding an id, give it a row there (the modules column
is refreshed by ``scripts/requirements_doc.py``).
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ID = re.compile(r"\bR-[A-Z]+(?:-[A-Z0-9]+)*")
SKIP_DIRS = {".venv", "node_modules", "var", "static", "locale", "media", "__pycache__"}


def cited_ids() -> dict[str, str]:
    """Every id cited in a Python file of the repository → one file citing it."""
    cited = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if any(part in SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        for found in ID.findall(path.read_text(encoding="utf-8")):
            cited.setdefault(found, rel.as_posix())
    return cited


def test_every_cited_requirement_id_is_in_docs_requirements():
    documented = set(ID.findall((ROOT / "docs" / "requirements.md").read_text(encoding="utf-8")))
    cited = cited_ids()
    assert len(cited) > 50  # the scan found the code
    missing = {rid: where for rid, where in cited.items() if rid not in documented}
    assert not missing, f"cited but not listed in docs/requirements.md: {missing}"


def test_every_documented_row_has_a_meaning():
    rows = re.findall(
        r"^\| (R-[A-Z0-9-]+) \| (.*?) \|", (ROOT / "docs/requirements.md").read_text(), re.M
    )
    assert rows
    assert all(meaning.strip() and "meaning to write" not in meaning for _r, meaning in rows)


def test_app_packages_point_to_the_page():
    for app in ("salesite", "operations", "communication", "handover", "renovation", "feedback"):
        doc = (ROOT / app / "__init__.py").read_text(encoding="utf-8")
        assert "docs/requirements.md" in doc, app
