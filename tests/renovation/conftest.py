import datetime

import pytest
from django.utils import timezone

from renovation import services
from renovation.models import RenovationApplication

from .factories import ApplicationFactory, complete_documents


def at(y, m, d, hh=10, mm=0):
    """An aware Asia/Shanghai datetime."""
    return timezone.make_aware(datetime.datetime(y, m, d, hh, mm))


@pytest.fixture
def ready_app(db):
    """A draft application whose documents are all received."""

    def make(**kwargs):
        return complete_documents(ApplicationFactory(**kwargs))

    return make


@pytest.fixture
def approved_app(ready_app, member):
    """An application approved by both heads."""

    def make(now=None, **kwargs):
        app = ready_app(**kwargs)
        head = member("centre_head", app.project)
        now = now or timezone.now()
        services.application_submit(application=app, user=head, now=now)
        for side in ("engineering", "cs"):
            services.application_review(
                application=app, side=side, approve=True, note="", user=head, now=now
            )
        return RenovationApplication.objects.get(pk=app.pk)

    return make


@pytest.fixture
def paid_app(approved_app):
    """An application with a signed agreement and fees paid (deposit 2000)."""
    from .factories import ACKS, fee_schedule

    def make(**kwargs):
        app = approved_app(**kwargs)
        fee_schedule(app.project)
        services.agreement_sign(
            application=app,
            signed_by="owner",
            signer_name=app.owner_name,
            signed_on=datetime.date(2026, 3, 3),
            owner_confirmed_approval=True,
            acknowledgements=ACKS,
            user=None,
        )
        services.fees_record_payment(
            application=app, worker_pass_count=2, receipt_number=f"R{app.pk}", user=None
        )
        return RenovationApplication.objects.get(pk=app.pk)

    return make


@pytest.fixture
def active_app(paid_app):
    """A permitted (active) renovation."""

    def make(now=None, **kwargs):
        app = paid_app(**kwargs)
        services.permit_issue(
            application=app, valid_until=datetime.date(2026, 12, 31), user=None, now=now
        )
        return RenovationApplication.objects.get(pk=app.pk)

    return make
