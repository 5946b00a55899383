"""Refresh the "Modules" column of docs/requirements.md from the ids the code cites.

    .venv/bin/python scripts/requirements_doc.py          # rewrite docs/requirements.md
    .venv/bin/python scripts/requirements_doc.py --check  # exit 1 if it is not up to date

The one-line meanings are the document's own (the specification is not in the repository): a
cited id with no row yet is added with a placeholder meaning to write by hand.
tests/salesite/test_requirements_doc.py fails when code cites an id the document lacks.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "requirements.md"
ID = re.compile(r"\bR-[A-Z]+(?:-[A-Z0-9]+)*")
SKIP_DIRS = {".venv", "node_modules", "var", "static", "locale", "media", "__pycache__"}
# Where ids are cited but nothing is implemented (tests, benchmarks, these tools).
NOT_IMPLEMENTING = ("tests/", "bench/", "scripts/")
ROW = re.compile(r"^\| (R-[A-Z0-9-]+) \| (.*?) \| (.*?) \|$")
SECTION = re.compile(r"^## (R-[A-Z]+) — (.*)$")
PLACEHOLDER = "(meaning to write)"


def python_files(root: Path = ROOT):
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if any(part in SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        yield rel


def cited_ids(root: Path = ROOT) -> dict[str, set[str]]:
    """Every id cited in a Python file → the files citing it."""
    cited: dict[str, set[str]] = defaultdict(set)
    for rel in python_files(root):
        for found in ID.findall((root / rel).read_text(encoding="utf-8")):
            cited[found].add(rel.as_posix())
    return cited


def documented_ids(text: str) -> set[str]:
    return set(ID.findall(text))


def _key(rid: str):
    return [int(p) if p.isdigit() else p for p in rid.split("-")]


def render(text: str, cited: dict[str, set[str]]) -> str:
    """The document with each row's modules recomputed (and rows added for new ids)."""
    sections: dict[str, str] = {}
    titles: dict[str, str] = {}
    head: list[str] = []
    seen_section = False
    for line in text.splitlines():
        if m := SECTION.match(line):
            sections[m.group(1)] = m.group(2)
            seen_section = True
        elif m := ROW.match(line):
            titles[m.group(1)] = m.group(2)
        elif not seen_section:
            head.append(line)
    for rid in cited:
        prefix = rid if rid.count("-") == 1 else rid.rsplit("-", 1)[0]
        sections.setdefault(prefix, PLACEHOLDER)
        if rid != prefix:
            titles.setdefault(rid, PLACEHOLDER)
    out = [*head]
    while out and not out[-1]:
        out.pop()
    for prefix, name in sections.items():
        out += ["", f"## {prefix} — {name}", ""]
        whole = modules_of(cited.get(prefix, ()))
        if whole:
            out += [f"Cited as a whole by: {whole}", ""]
        out += ["| Id | Meaning | Modules |", "| --- | --- | --- |"]
        rows = sorted((r for r in titles if r.rsplit("-", 1)[0] == prefix), key=_key)
        out += [f"| {r} | {titles[r]} | {modules_of(cited.get(r, ())) or '—'} |" for r in rows]
    return "\n".join(out) + "\n"


def modules_of(paths) -> str:
    return ", ".join(f"`{p}`" for p in sorted(paths) if not p.startswith(NOT_IMPLEMENTING))


def main(argv: list[str]) -> int:
    text = DOC.read_text(encoding="utf-8")
    new = render(text, cited_ids())
    if "--check" in argv:
        if new != text:
            print(f"{DOC.relative_to(ROOT)} is not up to date: run scripts/requirements_doc.py")
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
