"""Fixtures for the handover tests."""

import pytest

from handover import services
from tests.handover.factories import FeeItemFactory, sold_unit


@pytest.fixture
def front_desk(member, project):
    return member("front_desk", project)


@pytest.fixture
def case(project, front_desk):
    FeeItemFactory(project=project, name="物业管理费", rate="2.50")
    unit, _purchase = sold_unit(project)
    return services.case_start(unit=unit, user=front_desk)
