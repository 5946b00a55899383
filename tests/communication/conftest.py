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


@pytest.fixture
def project(db):
    """A project whose sales site is open: the levels' default phases apply (R-COM-6)."""
    from tests import factories as f

    return f.ProjectFactory(marketing_phase="opened")


@pytest.fixture
def other_project(db):
    from tests import factories as f

    return f.ProjectFactory(marketing_phase="displaying")
