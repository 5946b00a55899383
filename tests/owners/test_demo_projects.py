"""seed_demo gives every demo project owners who can log in to the portal, names one per
project (and a tenant) in its notes, and a demo login code reaches the SMS log (admin 短信) and
the log of the process that sends it (the console backend of the local run)."""

import logging
import re

import pytest
from django.urls import reverse

from owners.demo import DEMO_OWNER_MOBILE, project_owner_mobiles
from owners.models import OwnerAccess
from owners.selectors import load_owner
from owners.services import request_code
from salesite import outbox
from salesite.models import OutboundMessage, Project, SMSMessage
from tests import demo_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    return demo_snapshot.seed_demo(quiet=False)


def test_every_demo_project_has_an_owner_who_can_log_in(seeded):
    mobiles = project_owner_mobiles()
    projects = set(Project.objects.values_list("name", flat=True))
    assert projects and set(mobiles) == projects
    for project, mobile in mobiles.items():
        assert re.fullmatch(r"1\d{10}", mobile), (project, mobile)
        owner = load_owner(mobile)
        assert owner is not None and owner.owned_unit_ids, project
        assert OwnerAccess.objects.filter(mobile=mobile, is_disabled=False).exists()
        assert mobile in seeded, f"{project}: {mobile} not in the seed_demo notes"
    # The demo owner stands for the projects where they own a unit.
    assert list(mobiles.values()).count(DEMO_OWNER_MOBILE) == 2
    assert "演示租户手机号: " in seeded


def test_the_demo_tenant_in_the_notes_logs_in_to_the_rented_unit_only(seeded, client):
    mobile = re.search(r"演示租户手机号: (\d{11})", seeded).group(1)
    tenant = load_owner(mobile)
    assert tenant is not None and tenant.tenant_unit_ids and not tenant.owned_unit_ids


def test_a_demo_code_is_in_the_sms_log_and_the_senders_log(seeded, settings, caplog, client):
    """The login page of a demo owner of each project: the code goes through the outbox to the
    SMS log (admin 短信) and, with the local run's console backend, to the worker's log."""
    settings.SMS_BACKEND = "salesite.notifications.sms.ConsoleSMSBackend"
    for mobile in sorted(set(project_owner_mobiles().values())):  # the demo owner's is twice
        request_code(mobile=mobile, ip=None)
        message = OutboundMessage.objects.get(
            recipient=mobile, dedupe_key__startswith="owners:login:"
        )
        code = re.search(r"\d{6}", message.body).group(0)
        with caplog.at_level(logging.INFO, logger="salesite.sms"):
            assert outbox.deliver(message.pk)
        assert f"SMS to {mobile}" in caplog.text and code in caplog.text, mobile
        sms = SMSMessage.objects.filter(phone=mobile).latest("pk")
        assert code in sms.body and sms.backend == "console"


def test_the_sms_log_is_in_the_admin(seeded, admin_client):
    request_code(mobile=DEMO_OWNER_MOBILE, ip=None)
    message = OutboundMessage.objects.get(
        recipient=DEMO_OWNER_MOBILE, dedupe_key__startswith="owners:login:"
    )
    assert outbox.deliver(message.pk)
    page = admin_client.get(reverse("admin:salesite_smsmessage_changelist"))
    assert page.status_code == 200 and DEMO_OWNER_MOBILE in page.content.decode()
