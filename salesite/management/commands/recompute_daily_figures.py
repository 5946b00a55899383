"""Recompute the dashboard's daily rollups (salesite.rollups):
``python manage.py recompute_daily_figures [--from YYYY-MM-DD] [--to YYYY-MM-DD]``.

Without dates: the whole history, from the first day any metric has data to yesterday. Today
is never stored (the dashboard counts it live). Idempotent: a day is replaced, never added
twice; the work is done a month at a time, each month in its own transaction.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from salesite import rollups

CHUNK_DAYS = 31


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = "重新计算仪表盘的每日汇总数（默认全部历史，至昨天为止）。"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="last day, YYYY-MM-DD")

    def handle(self, *args, date_from=None, date_to=None, **options):
        today = timezone.localdate()
        last = _date(date_to) if date_to else today - datetime.timedelta(days=1)
        last = min(last, today - datetime.timedelta(days=1))
        first = _date(date_from) if date_from else rollups.first_day()
        if first is None or first > last:
            self.stdout.write("nothing to compute")
            return
        totals = {"days": 0, "rows": 0}
        start = first
        while start <= last:
            end = min(last, start + datetime.timedelta(days=CHUNK_DAYS - 1))
            for key, value in rollups.refresh(start, end, today=today).items():
                totals[key] += value
            start = end + datetime.timedelta(days=1)
        self.stdout.write(
            f"{first}..{last}: {totals['days']} metric-days, {totals['rows']} rows stored"
        )
