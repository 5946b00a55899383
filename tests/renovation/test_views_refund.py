import datetime

import pytest
from django.urls import reverse

from renovation import services
from renovation.models import DepositRefund, RenovationApplication, Status

from .conftest import at

pytestmark = pytest.mark.django_db


def test_refund_flow_in_browser_and_permissions(active_app, member, client_for):
    app = active_app()
    # Completion accepted more than 3 months ago, through the completion flow (R-REN-7).
    inspection = services.completion_apply(
        application=app, agreed_date=datetime.date(2025, 1, 10), user=None, now=at(2025, 1, 8)
    )
    services.completion_inspect(
        inspection=inspection, engineering_ok=True, security_ok=True, user=None, now=at(2025, 1, 10)
    )
    app = RenovationApplication.objects.get(pk=app.pk)
    assert (app.status, app.refund_due_on) == (
        Status.COMPLETION_ACCEPTED,
        datetime.date(2025, 4, 10),
    )
    fd = client_for(member("front_desk", app.project))
    r = fd.post(
        reverse("renovation:refund_request", args=[app.pk]),
        {"requested_by": "contractor", "no_damage_confirmed": "on", "unpaid_fees": "0"},
    )
    assert "业主同意" in r.text
    r = fd.post(
        reverse("renovation:refund_request", args=[app.pk]),
        {"requested_by": "owner", "no_damage_confirmed": "on", "unpaid_fees": "100"},
    )
    assert r.status_code == 302
    fd.post(
        reverse("renovation:refund_sign", args=[app.pk]),
        {"owner_signed": "on", "contractor_signed": "on", "centre_head_signed": "on"},
    )
    assert fd.post(reverse("renovation:refund_approve", args=[app.pk])).status_code == 403
    head = client_for(member("centre_head", app.project))
    assert head.post(reverse("renovation:refund_approve", args=[app.pk])).status_code == 302
    cashier = client_for(member("cashier", app.project))
    r = cashier.post(reverse("renovation:refund_pay", args=[app.pk]), {"memo_number": "TH-01"})
    assert r.status_code == 302
    refund = DepositRefund.objects.get()
    assert str(refund.refund_amount) == "1900.00"
    r = fd.get(reverse("renovation:refund_memo_print", args=[app.pk]))
    assert "押金退还备忘表" in r.text and "1900.00" in r.text
    r = fd.get(app.get_absolute_url())
    assert "押金台账" in r.text
