"""Reading query-string values that views parse by hand (``?date=``, ``?project=``).

A hostile value (``?date=9999-12-31``, ``?project=abc``, a 20-digit id) is ignored, falling
back to the default, instead of failing further down: the day after 9999-12-31 overflows, and
SQLite cannot bind an integer beyond 64 bits. Forms and django-filter lists get the same bounds
from ``salesite.forms.PlausibleInputMixin``.
"""

from __future__ import annotations

import datetime

from django.utils.dateparse import parse_date

from salesite.forms import EARLIEST_DATE, LATEST_DATE, PK_MAX


def query_pk(value) -> int | None:
    """The value as a record id, or None if it is not one (empty, not digits, out of range)."""
    value = (value or "").strip() if isinstance(value, str) else value
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit():
        number = int(value)
    else:
        return None
    return number if 0 < number <= PK_MAX else None


def query_date(value, default: datetime.date | None = None) -> datetime.date | None:
    """The value as a plausible date (EARLIEST_DATE..LATEST_DATE), else ``default``."""
    try:
        day = parse_date(value) if value else None
    except ValueError:  # well formed but not a date, e.g. 2026-02-30
        day = None
    if day is None or not EARLIEST_DATE <= day <= LATEST_DATE:
        return default
    return day
