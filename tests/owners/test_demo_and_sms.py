"""The demo owner (seed_demo prints the mobile) and the console SMS backend that shows the
login code in the worker's log in a local run."""

import io
import logging

import pytest
from django.core.management import call_command

from owners.demo import DEMO_OWNER_MOBILE
from owners.models import OwnerAccess
from owners.selectors import load_owner
from owners.services import request_code
from salesite import outbox
from salesite.models import OutboundMessage, SMSMessage
from tests import demo_snapshot
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_seed_demo_prints_a_demo_owner_with_units_in_two_projects():
    assert DEMO_OWNER_MOBILE in demo_snapshot.seed_demo(quiet=False)
    owner = load_owner(DEMO_OWNER_MOBILE)
    assert owner is not None and len(owner.customer_ids) == 2
    from salesite.models import Unit

    projects = set(
        Unit.objects.filter(pk__in=owner.owned_unit_ids).values_list("project__code", flat=True)
    )
    assert projects == {"binjiang", "yunqi"}
    assert OwnerAccess.objects.filter(mobile=DEMO_OWNER_MOBILE, is_disabled=False).exists()
    call_command("seed_demo", "--quiet-logins", stdout=io.StringIO())  # idempotent
    assert len(load_owner(DEMO_OWNER_MOBILE).customer_ids) == 2


def test_console_backend_logs_and_records_the_code(settings, caplog):
    settings.SMS_BACKEND = "salesite.notifications.sms.ConsoleSMSBackend"
    f.PurchaseFactory(customer__phone="13900000002")
    request_code(mobile="13900000002", ip=None)
    message = OutboundMessage.objects.get(recipient="13900000002")
    with caplog.at_level(logging.INFO, logger="salesite.sms"):
        assert outbox.deliver(message.pk)
    assert "13900000002" in caplog.text and "验证码" in caplog.text
    sms = SMSMessage.objects.get(phone="13900000002")
    assert sms.backend == "console" and "验证码" in sms.body
