import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = [
    "patrolrecord",
    "missedpatrol",
    "violation",
    "fine",
    "hotworkpermit",
    "materialrefusal",
    "completioninspection",
    "renovationlecture",
    "lectureattendee",
]


def test_admin_pages_of_new_models(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for model in MODELS:
        assert client.get(reverse(f"admin:renovation_{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:renovation_renovationlecture_add")).status_code == 200
