"""Fixtures of the owner portal tests: an owner with a unit, and a client logged in as them."""

import re

import pytest
from django.test import Client

from owners.selectors import load_owner
from owners.sessions import SESSION_KEY, session_data
from salesite.models import OutboundMessage
from tests import factories as f


@pytest.fixture
def purchase(db):
    return f.PurchaseFactory(customer__phone="13900000001")


@pytest.fixture
def owner_client():
    """A client with an owner session for ``mobile`` (no staff login)."""

    def make(mobile: str) -> Client:
        client = Client()
        session = client.session
        session[SESSION_KEY] = session_data(load_owner(mobile))
        session.save()
        return client

    return make


def last_code(mobile: str) -> str:
    """The code of the last SMS queued to ``mobile`` (read from the outbox, as staff would)."""
    body = (
        OutboundMessage.objects.filter(recipient=mobile, channel="sms").order_by("-pk").first().body
    )
    return re.search(r"\d{6}", body).group(0)
