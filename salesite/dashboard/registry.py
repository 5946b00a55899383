"""The registry of dashboard providers.

An app registers two kinds of read-only functions in its ``AppConfig.ready()``:

- ``work_items(user, today) -> list[WorkItem]``: what is due today or overdue for the user
  (R-DASH-2), in a fixed number of queries whatever the number of rows;
- ``dashboard_figures(user, project_ids, date_from, date_to, *, today) -> list[Figure]``:
  figures of the manager dashboard (R-DASH-1) for the given projects (``None``: every
  project, only for users who see all), in a fixed number of queries whatever the number of
  projects;
- ``home_blocks(user, today) -> list[HomeBlock]``: blocks of the home page, each a template
  and its context, rendered in the order the apps registered them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

# Work items and figures a provider returns at most: a page, not a report.
MAX_ITEMS_PER_PROVIDER = 100


@dataclass(frozen=True)
class WorkItem:
    title: str
    project: str
    due: datetime.date | datetime.datetime
    overdue: bool
    url: str
    kind: str

    @property
    def due_date(self) -> datetime.date:
        if isinstance(self.due, datetime.datetime):
            return timezone.localdate(self.due)
        return self.due

    @property
    def has_time(self) -> bool:
        return isinstance(self.due, datetime.datetime)

    def sort_key(self):
        due = self.due
        if not isinstance(due, datetime.datetime):
            due = datetime.datetime.combine(
                due, datetime.time.min, tzinfo=timezone.get_current_timezone()
            )
        return (not self.overdue, due, self.kind, self.title)


@dataclass
class Figure:
    title: str
    value: object  # a number, a percentage, or None when there is nothing to count
    url: str
    group: str = ""
    suffix: str = ""  # "%" for rates
    note: str = ""
    level: str = ""  # a Bootstrap contextual colour for values that need attention
    series: list[tuple[str, float | None]] = field(default_factory=list)  # chart points
    series_period: str = ""  # the chart's step ("按月"); blank: weekly

    @property
    def is_empty(self) -> bool:
        return self.value is None


@dataclass
class HomeBlock:
    template: str
    context: dict = field(default_factory=dict)


WorkProvider = Callable[..., list[WorkItem]]
FigureProvider = Callable[..., list[Figure]]
HomeBlockProvider = Callable[..., list[HomeBlock]]

_work_providers: list[WorkProvider] = []
_figure_providers: list[FigureProvider] = []
_home_block_providers: list[HomeBlockProvider] = []


def register(
    *,
    work_items: WorkProvider | None = None,
    dashboard_figures: FigureProvider | None = None,
    home_blocks: HomeBlockProvider | None = None,
):
    """Called from an app's ``ready()``; registering the same function twice is a no-op."""
    if work_items is not None and work_items not in _work_providers:
        _work_providers.append(work_items)
    if dashboard_figures is not None and dashboard_figures not in _figure_providers:
        _figure_providers.append(dashboard_figures)
    if home_blocks is not None and home_blocks not in _home_block_providers:
        _home_block_providers.append(home_blocks)


def work_items(user, today: datetime.date) -> list[WorkItem]:
    """Every provider's items, overdue first, then by due time."""
    items: list[WorkItem] = []
    for provider in _work_providers:
        items.extend(provider(user, today)[:MAX_ITEMS_PER_PROVIDER])
    return sorted(items, key=WorkItem.sort_key)


def dashboard_figures(user, project_ids, date_from, date_to, *, today) -> list[Figure]:
    figures: list[Figure] = []
    for provider in _figure_providers:
        figures.extend(provider(user, project_ids, date_from, date_to, today=today))
    return figures


def home_blocks(user, today: datetime.date) -> list[HomeBlock]:
    """Every provider's home page blocks, in registration order."""
    blocks: list[HomeBlock] = []
    for provider in _home_block_providers:
        blocks.extend(provider(user, today))
    return blocks
