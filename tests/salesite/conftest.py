"""Fixtures for the core's tests."""

import pytest

from tests import factories as f


@pytest.fixture
def project_a(db):
    return f.ProjectFactory(name="甲项目", code="proj-a")


@pytest.fixture
def project_b(db):
    """A project of another property company (and another service centre)."""
    return f.ProjectFactory(name="乙项目", code="proj-b")


@pytest.fixture
def sibling_of_a(db, project_a):
    """A project served by project A's property company through another service centre."""
    centre = f.CentreFactory(parent=project_a.property_company)
    return f.ProjectFactory(name="丙项目", code="proj-c", service_centre=centre)


@pytest.fixture
def media_root(settings, tmp_path):
    """A private media root of this test's own, outside the static directories."""
    settings.MEDIA_ROOT = str(tmp_path / "private-media")
    return tmp_path / "private-media"
