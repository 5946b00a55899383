import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from renovation import services
from renovation.exceptions import InsufficientDeposit, InvalidTransition, RefundNotDue
from renovation.models import DepositLedgerEntry, DepositRefund, RenovationApplication, Status

pytestmark = pytest.mark.django_db

D = datetime.date
ACCEPTED_ON = D(2026, 4, 10)
DUE_DAY = D(2026, 7, 10)


def accepted(app, on=ACCEPTED_ON):
    """Set the accepted state directly (the completion flow itself: test_completion.py)."""
    RenovationApplication.objects.filter(pk=app.pk).update(
        status=Status.COMPLETION_ACCEPTED, completion_accepted_on=on, refund_due_on=on
    )
    return RenovationApplication.objects.get(pk=app.pk)


def request(app, today=DUE_DAY, **kw):
    args = dict(
        application=app,
        requested_by="owner",
        owner_consent=False,
        unpaid_fees=Decimal("0"),
        no_damage_confirmed=True,
        user=None,
        today=today,
    )
    args.update(kw)
    return services.refund_request(**args)


def test_deposit_enters_ledger_on_payment(paid_app):
    app = paid_app()
    assert services.ledger_balance(app.pk) == Decimal("2000.00")
    assert DepositLedgerEntry.objects.get(application=app).kind == "deposit_in"


def test_fine_cannot_make_balance_negative(paid_app):
    app = paid_app()
    services.deposit_deduct_fine(application=app, amount="1500", memo="违章", user=None)
    with pytest.raises(InsufficientDeposit, match="余额不足"):
        services.deposit_deduct_fine(application=app, amount="600", memo="违章", user=None)
    assert services.ledger_balance(app.pk) == Decimal("500.00")
    assert DepositLedgerEntry.objects.filter(application=app).count() == 2
    with pytest.raises(InsufficientDeposit):
        services.deposit_deduct_fine(application=app, amount="0", memo="x", user=None)


def test_refund_before_three_months_refused(paid_app):
    app = accepted(paid_app(), on=D(2026, 4, 10))
    with pytest.raises(RefundNotDue, match="2026-07-10"):
        request(app, today=D(2026, 7, 9))
    assert not DepositRefund.objects.exists()
    # month-end: accepted 30 Nov → due 28 Feb (relativedelta)
    other = accepted(paid_app(), on=D(2026, 11, 30))
    assert services.refund_due_date(other) == D(2027, 2, 28)


def test_refund_formula_and_full_flow(paid_app):
    app = paid_app()
    services.deposit_deduct_fine(application=app, amount="300", memo="违章", user=None)
    app = accepted(app)
    refund = request(app, unpaid_fees=Decimal("120.50"))
    assert refund.refund_amount == Decimal("1579.50")  # 2000 − 300 − 120.50
    with pytest.raises(InvalidTransition, match="项目经理审批"):
        services.refund_pay(application=app, memo_number="M1", user=None)
    with pytest.raises(InvalidTransition, match="三方签字"):
        services.refund_approve(application=app, user=None)
    services.refund_sign(
        application=app,
        owner_signed=True,
        contractor_signed=True,
        centre_head_signed=True,
        user=None,
    )
    services.refund_approve(application=app, user=None)
    refund = services.refund_pay(application=app, memo_number="M1", user=None)
    assert refund.refund_amount == Decimal("1579.50")
    assert services.ledger_balance(app.pk) == Decimal("0.00")
    kinds = list(DepositLedgerEntry.objects.filter(application=app).values_list("kind", flat=True))
    assert kinds == ["deposit_in", "fine", "unpaid_fee_deduction", "refund"]
    assert RenovationApplication.objects.get(pk=app.pk).status == Status.REFUNDED
    services.application_close(application=app, user=None)
    assert RenovationApplication.objects.get(pk=app.pk).status == Status.CLOSED


def test_contractor_request_needs_owner_consent_and_damage_check(paid_app):
    app = accepted(paid_app())
    with pytest.raises(InvalidTransition, match="业主同意"):
        request(app, requested_by="contractor")
    with pytest.raises(InvalidTransition, match="相邻业主"):
        request(app, no_damage_confirmed=False)
    with pytest.raises(InsufficientDeposit):
        request(app, unpaid_fees=Decimal("2500"))
    request(app, requested_by="contractor", owner_consent=True)
    assert RenovationApplication.objects.get(pk=app.pk).status == Status.REFUND_REQUESTED


def test_refunds_due_job_notifies_once(paid_app, member):
    app = accepted(paid_app(), on=D(2026, 4, 10))
    RenovationApplication.objects.filter(pk=app.pk).update(refund_due_on=D(2026, 7, 10))
    member("front_desk", app.project)
    assert services.refunds_due_notify(today=D(2026, 7, 9))["due"] == 0
    assert services.refunds_due_notify(today=D(2026, 7, 10)) == {"due": 1, "notified": 1}
    assert services.refunds_due_notify(today=D(2026, 7, 11))["due"] == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_fines_cannot_double_spend(paid_app):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL; SQLite serialises writes")
    app = paid_app()
    barrier = threading.Barrier(2)
    results = []

    def deduct():
        try:
            barrier.wait()
            services.deposit_deduct_fine(application=app, amount="1500", memo="并发", user=None)
            results.append("ok")
        except InsufficientDeposit:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deduct) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    assert services.ledger_balance(app.pk) == Decimal("500.00")
