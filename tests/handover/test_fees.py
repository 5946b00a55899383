"""Six months of fees prepaid from the handover date (R-HO-4 step 5)."""

import datetime
from decimal import Decimal

import pytest

from handover.fees import fee_amount, prepaid_period
from handover.models import FeeBasis


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.date(2027, 1, 1), datetime.date(2027, 6, 30)),
        (datetime.date(2027, 3, 15), datetime.date(2027, 9, 14)),
        (datetime.date(2028, 8, 31), datetime.date(2029, 2, 27)),  # Feb 28 clamp − 1 day
        (datetime.date(2027, 9, 1), datetime.date(2028, 2, 29)),  # leap year end
        (datetime.date(2027, 8, 31), datetime.date(2028, 2, 28)),  # Feb 29 clamp − 1 day
        (datetime.date(2027, 12, 31), datetime.date(2028, 6, 29)),
    ],
)
def test_prepaid_period(start, end):
    assert prepaid_period(start) == (start, end)


def test_amount_per_sqm_is_rate_times_area_times_six():
    assert fee_amount(
        basis=FeeBasis.PER_SQM_MONTH, rate=Decimal("2.35"), area=Decimal("89.37")
    ) == Decimal("1260.12")  # 2.35 × 89.37 × 6 = 1260.117


def test_amount_fixed_per_month_ignores_area():
    assert fee_amount(basis=FeeBasis.FIXED_MONTH, rate=Decimal("30"), area=None) == Decimal(
        "180.00"
    )
