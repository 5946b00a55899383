"""``local_date`` writes what the template's ``date`` filter writes (the row tags use it)."""

import datetime
import zoneinfo

import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation

from salesite.templatetags.salesite_tags import local_date

UTC = datetime.UTC
VALUES = [
    datetime.date(987, 3, 4),
    datetime.date(2026, 12, 31),
    datetime.datetime(2026, 12, 31, 16, 5, tzinfo=UTC),  # 2027-01-01 00:05 in Shanghai
    datetime.datetime(2026, 1, 2, 3, 4, tzinfo=zoneinfo.ZoneInfo("America/New_York")),
    datetime.datetime(2026, 7, 8, 9, 10),  # naive: written as it is
]


@pytest.mark.parametrize("fmt", ["Y-m-d", "m-d", "Y-m-d H:i", "m-d H:i", "Y年n月j日"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_local_date_writes_what_the_date_filter_writes(fmt, language):
    with translation.override(language):
        for value in VALUES:
            if not isinstance(value, datetime.datetime) and "H" in fmt:
                continue  # a time of a date: the filter refuses it, and so does local_date
            if isinstance(value, datetime.datetime) and timezone.is_aware(value):
                expected = date_filter(timezone.localtime(value), fmt)
            else:
                expected = date_filter(value, fmt)
            assert local_date(value, fmt) == expected, (value, fmt)
    assert local_date(None, fmt) == ""
