"""Fixtures shared by every test module.

``member(role_code, project)`` makes a user with that role on the project; ``two_projects``
gives two projects of two different property companies with a front-desk user on each.
"""

import pytest
from django.test import Client

from salesite.models import Role
from tests import factories as f


@pytest.fixture
def member(db):
    def make(role_code: str, project=None, **user_kwargs):
        project = project or f.ProjectFactory()
        user = f.UserFactory(company=project.service_centre, **user_kwargs)
        f.MembershipFactory(user=user, project=project, role=Role.objects.get(code=role_code))
        return user

    return make


@pytest.fixture
def project(db):
    return f.ProjectFactory()


@pytest.fixture
def other_project(db):
    return f.ProjectFactory()


@pytest.fixture
def client_for():
    """A logged-in test client for a user."""

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make
