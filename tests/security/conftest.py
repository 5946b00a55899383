"""The demo (seed_demo, with the permission matrix's additions), seeded once for the tests of
this package inside a transaction rolled back at the end; plus a logged-in superuser client."""

import pytest
from django.test import Client

from tests import module_db
from tests.permissions import test_matrix as matrix


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    """The demo, seeded once for this package inside a transaction rolled back at the end."""
    with module_db.rolled_back(django_db_blocker):
        built = matrix.build_demo()
        from salesite.models import User

        admin = Client()
        admin.force_login(User.objects.get(username="admin"))
        built.clients = {"admin": admin, **built.clients}
        yield built


@pytest.fixture
def same_field_markup(monkeypatch):
    """While the test runs, every form field written by ``crispy_bootstrap5_field`` is also
    rendered with crispy's own template; the test compares them at its end
    (``test_form_markup.field_markup_differences``). A field rendered again with the same
    markup (the same form posted with another field's hostile value) is compared once."""
    from salesite.templatetags import salesite_tags

    checked = DistinctFields()
    monkeypatch.setattr(salesite_tags, "FIELD_CHECK", checked)
    return checked


class DistinctFields(list):
    """``FIELD_CHECK`` entries, each distinct markup of a form's field once (``seen``)."""

    def __init__(self):
        super().__init__()
        self.seen: set = set()
