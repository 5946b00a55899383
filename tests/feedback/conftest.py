"""Fixtures of the feedback tests."""

import datetime
import zoneinfo

import pytest

from tests import factories as f

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def sh(*args) -> datetime.datetime:
    """An aware datetime in Asia/Shanghai."""
    return datetime.datetime(*args, tzinfo=SH)


@pytest.fixture
def unit(project):
    building = f.BuildingFactory(project=project)
    return f.UnitFactory(building=building)


@pytest.fixture
def customer(project):
    return f.CustomerFactory(project=project)


@pytest.fixture
def owner(unit):
    """A customer who bought ``unit``."""
    return f.PurchaseFactory(unit=unit).customer
