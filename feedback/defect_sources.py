"""Where the quarterly defect report (R-FB-11) finds its defects, without feedback importing the
apps that hold them: each app registers, in its ``AppConfig.ready``, a source — a code, a label
and a function ``rows(project_ids, start, end) -> list[dict]`` returning the defects found from
``start`` (inclusive) to ``end`` (exclusive, dates), one dict per defect:

- ``category``: the report's category (a ``DefectCategoryOption`` code: design, engineering,
  sales, service by default) — each app maps its own categories;
- ``source_category``: the app's own category label (shown in the drill-down);
- ``building_id`` and ``building`` (name), or None and "" for a project-level finding;
- ``project_id``, ``project`` (name), ``date``, ``description``, ``url`` (the record's page).

Feedback registers its own sources (complaints, dissatisfied callbacks, patrols) the same way.
The report shows the sources by their ``order``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DefectSource:
    code: str
    label: str
    rows: Callable
    order: int = 100


_SOURCES: dict[str, DefectSource] = {}


def register_defect_source(code: str, label, rows: Callable, *, order: int = 100) -> None:
    """Register (or replace) a defect source; idempotent."""
    _SOURCES[code] = DefectSource(code, label, rows, order)


def defect_sources() -> list[DefectSource]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.code))
