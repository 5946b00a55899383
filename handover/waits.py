"""Waiting-time figures of handover days (issue #15 item 3), computed in Python over the day's
tickets (a day has at most a few hundred).

- wait: arrival → called; desk time: called → completed (tickets not yet completed count for
  the wait only);
- owners served: tickets called;
- the 95th percentile is the nearest-rank one: sort the n values ascending and take the one at
  rank ceil(0.95 × n) (1-based) — always one of the observed values;
- "by hour": tickets grouped by the local hour of their arrival.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import HandoverDay, QueueTicket, TicketStatus


def percentile_nearest_rank(values: list[float], pct: float = 95) -> float | None:
    """The nearest-rank percentile: the value at rank ceil(pct/100 × n) of the sorted values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def _minutes(start, end) -> float:
    return (end - start).total_seconds() / 60


@dataclass
class WaitFigures:
    label: str
    served: int = 0
    waits: list[float] = field(default_factory=list)
    desk_times: list[float] = field(default_factory=list)

    @property
    def avg_wait(self) -> float | None:
        return round(sum(self.waits) / len(self.waits), 1) if self.waits else None

    @property
    def p95_wait(self) -> float | None:
        value = percentile_nearest_rank(self.waits)
        return None if value is None else round(value, 1)

    @property
    def avg_desk(self) -> float | None:
        return round(sum(self.desk_times) / len(self.desk_times), 1) if self.desk_times else None

    def add(self, ticket: QueueTicket) -> None:
        if ticket.called_at is None:
            return
        self.served += 1
        self.waits.append(_minutes(ticket.arrived_at, ticket.called_at))
        if ticket.completed_at is not None:
            self.desk_times.append(_minutes(ticket.called_at, ticket.completed_at))

    def cells(self) -> list:
        return [self.label, self.served, self.avg_wait, self.p95_wait, self.avg_desk]


HEADERS = [
    _("时段"),
    _("已服务户数"),
    _("平均等候(分钟)"),
    _("95%等候(分钟)"),
    _("平均办理(分钟)"),
]


def day_figures(day: HandoverDay, tickets=None) -> dict:
    """``{"total": WaitFigures, "hours": [WaitFigures by arrival hour]}`` for one day."""
    if tickets is None:
        tickets = list(day.tickets.order_by("arrived_at"))
    total = WaitFigures(label=str(_("全天")))
    hours: dict[int, WaitFigures] = {}
    for t in tickets:
        total.add(t)
        hour = timezone.localtime(t.arrived_at).hour
        bucket = hours.setdefault(hour, WaitFigures(label=f"{hour:02d}:00–{hour + 1:02d}:00"))
        bucket.add(t)
    return {"total": total, "hours": [hours[h] for h in sorted(hours)]}


def batch_figures(batch) -> list[tuple[HandoverDay, dict]]:
    """Every day of the batch with its figures (two queries)."""
    days = list(batch.handover_days.order_by("date"))
    by_day: dict[int, list] = {d.pk: [] for d in days}
    for t in QueueTicket.objects.filter(day__in=days).order_by("arrived_at"):
        by_day[t.day_id].append(t)
    return [(d, day_figures(d, by_day[d.pk])) for d in days]


def report_rows(batch) -> list[list]:
    """The rows of the printed and exported waiting-time report: per day, its hours then the
    day's total."""
    rows = []
    for day, figures in batch_figures(batch):
        for bucket in [*figures["hours"], figures["total"]]:
            rows.append([day.date.isoformat(), *bucket.cells()])
    return rows


def current_wait_minutes(day: HandoverDay, now=None) -> float | None:
    """How long the earliest owner still waiting has waited (None: nobody waits)."""
    first = day.tickets.filter(status=TicketStatus.WAITING).order_by("arrived_at").first()
    if first is None:
        return None
    return round(_minutes(first.arrived_at, now or timezone.now()), 1)
