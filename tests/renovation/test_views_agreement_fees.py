import pytest
from django.urls import reverse

from renovation.models import RenovationApplication, Status

from .factories import fee_schedule

pytestmark = pytest.mark.django_db


def test_sign_collect_permit_in_browser(approved_app, member, client_for):
    app = approved_app()
    app.project.service_phone = "0571-88886666"
    app.project.save()
    fee_schedule(app.project)
    fd = client_for(member("front_desk", app.project))
    data = {
        "signed_by": "owner",
        "signer_name": "业主",
        "signed_on": "2026-03-03",
        "owner_confirmed_approval": "on",
        "ack_fire": "on",
        "ack_working_hours": "on",
        "ack_moving_hours": "on",
        "ack_no_facade_change": "on",
    }
    r = fd.post(reverse("renovation:agreement_sign", args=[app.pk]), data)
    assert r.status_code == 200  # window grilles not acknowledged
    data["ack_no_window_grilles"] = "on"
    assert fd.post(reverse("renovation:agreement_sign", args=[app.pk]), data).status_code == 302
    # front desk may not take money
    url = reverse("renovation:fee_payment", args=[app.pk])
    assert fd.get(url).status_code == 403
    cashier = client_for(member("cashier", app.project))
    r = cashier.get(url + "?worker_pass_count=2")
    assert "2620.00" in r.text  # 2000 + 3 × 100 m² + 300 + 2 × 10
    r = cashier.post(url, {"worker_pass_count": 2, "receipt_number": "NO.0001"})
    assert r.status_code == 302
    r = fd.post(reverse("renovation:permit_issue", args=[app.pk]), {"valid_until": "2026-12-31"})
    assert r.status_code == 302
    assert RenovationApplication.objects.get(pk=app.pk).status == Status.PERMITTED
    r = fd.get(reverse("renovation:permit_print", args=[app.pk]))
    assert "0571-88886666" in r.text and "施工进场证" in r.text
    r = fd.post(
        reverse("renovation:worker_pass_add", args=[app.pk]),
        {
            "name": "李四",
            "id_number": "330106198001010011",
            "valid_from": "2026-03-05",
            "valid_until": "2026-06-30",
        },
    )
    assert r.status_code == 302
    r = fd.get(reverse("renovation:passes_print", args=[app.pk]))
    assert "李四" in r.text and "330106198001010011" not in r.text
    r = fd.get(app.get_absolute_url())
    assert "NO.0001" in r.text
