"""Fixtures for the communication tests."""

import pytest

from tests.communication.factories import level


@pytest.fixture
def levels(db):
    """The default levels from migration 0002, by code."""
    codes = [
        "daily",
        "weekly",
        "monthly",
        "quarterly",
        "dept_daily_review",
        "dept_weekly_meeting",
        "centre_daily_review",
        "centre_weekly_meeting",
        "weekly_report",
        "monthly_report",
    ]
    return {c: level(c) for c in codes}
