import datetime
from decimal import Decimal

import pytest

from renovation import services
from renovation.exceptions import InvalidTransition
from renovation.models import FeeItem, FeePayment, RenovationApplication, Status
from salesite.models import Notification

from .factories import ACKS, fee_schedule

pytestmark = pytest.mark.django_db


def sign(app, **overrides):
    kwargs = dict(
        application=app,
        signed_by="owner",
        signer_name="业主",
        signed_on=datetime.date(2026, 3, 3),
        owner_confirmed_approval=True,
        acknowledgements=ACKS,
        user=None,
    )
    kwargs.update(overrides)
    return services.agreement_sign(**kwargs)


def test_every_prohibition_must_be_acknowledged(approved_app):
    app = approved_app()
    with pytest.raises(InvalidTransition, match="禁止安装外窗防护栏"):
        sign(app, acknowledgements={**ACKS, "ack_no_window_grilles": False})
    with pytest.raises(InvalidTransition, match="确认审批结果"):
        sign(app, owner_confirmed_approval=False)
    assert RenovationApplication.objects.get(pk=app.pk).status == Status.APPROVED


def test_contractor_signs_only_when_delegated(approved_app):
    app = approved_app()
    with pytest.raises(InvalidTransition, match="业主本人签署"):
        sign(app, signed_by="contractor")
    delegated = approved_app(commitment_delegates_contractor=True)
    sign(delegated, signed_by="contractor", signer_name="王工")
    assert RenovationApplication.objects.get(pk=delegated.pk).status == Status.AGREEMENT_SIGNED


def test_agreement_before_approval_refused(ready_app):
    with pytest.raises(InvalidTransition):
        sign(ready_app())


def test_fees_computed_from_schedule(approved_app):
    app = approved_app()  # unit area 100.00
    fee_schedule(app.project)
    sign(app)
    payment = services.fees_record_payment(
        application=app, worker_pass_count=3, receipt_number="R-001", user=None
    )
    # deposit 2000 + management 3 × 100 + debris 300 + passes 3 × 10
    assert payment.total == Decimal("2630.00")
    assert payment.deposit == Decimal("2000.00")
    assert payment.charges.count() == 4
    assert RenovationApplication.objects.get(pk=app.pk).status == Status.FEES_PAID


def test_fees_need_a_deposit_item_and_unique_receipt(approved_app):
    app = approved_app()
    sign(app)
    with pytest.raises(InvalidTransition, match="押金收费标准"):
        services.fees_record_payment(
            application=app, worker_pass_count=0, receipt_number="R1", user=None
        )
    fee_schedule(app.project)
    FeeItem.objects.filter(kind="management").update(is_active=False)
    other = approved_app(unit__building=app.unit.building)
    sign(other)
    services.fees_record_payment(
        application=other, worker_pass_count=0, receipt_number="R1", user=None
    )
    with pytest.raises(InvalidTransition, match="已被使用"):
        services.fees_record_payment(
            application=app, worker_pass_count=0, receipt_number="R1", user=None
        )
    assert not FeePayment.objects.filter(application=app).exists()


def test_permit_passes_entry_and_notice(paid_app, member):
    app = paid_app()
    eng = member("engineering", app.project)
    member("security", app.project)
    with pytest.raises(InvalidTransition):
        services.entry_notice_send(application=app, user=None)
    services.permit_issue(application=app, valid_until=datetime.date(2026, 6, 30), user=None)
    app = RenovationApplication.objects.get(pk=app.pk)
    assert app.status == Status.PERMITTED and app.permit_number.startswith("JC")
    p = services.worker_pass_add(
        application=app,
        name="李四",
        id_number="330106198001010011",
        valid_from=datetime.date(2026, 3, 5),
        valid_until=datetime.date(2026, 6, 30),
        user=None,
    )
    assert p.pass_number.endswith("-01")
    with pytest.raises(InvalidTransition, match="超过施工进场证有效期"):
        services.worker_pass_add(
            application=app,
            name="王五",
            id_number="x",
            valid_from=datetime.date(2026, 3, 5),
            valid_until=datetime.date(2026, 7, 30),
            user=None,
        )
    with pytest.raises(InvalidTransition, match="签字"):
        services.entry_confirm(
            application=app,
            confirmed_on=datetime.date(2026, 3, 5),
            facilities_condition="门窗完好",
            owner_signed=False,
            user=eng,
        )
    services.entry_confirm(
        application=app,
        confirmed_on=datetime.date(2026, 3, 5),
        facilities_condition="门窗完好",
        owner_signed=True,
        user=eng,
    )
    assert services.entry_notice_send(application=app, user=None) == 3  # + centre head
    assert services.entry_notice_send(application=app, user=None) == 0
    assert Notification.objects.filter(recipient=eng, title__contains="入场知会").count() == 1
