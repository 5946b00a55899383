"""Fee arithmetic for handover (R-HO-4 step 5): the months prepaid from the handover date are
the project's service policy (salesite.policy, six by default); each fee line stores them."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from salesite.models.policy import DEFAULTS

PREPAID_MONTHS = DEFAULTS["prepaid_months"]  # the default only; step_fees passes the policy's
CENT = Decimal("0.01")


def prepaid_period(start: datetime.date, months: int = PREPAID_MONTHS):
    """(start, end): the end is start + months − 1 day, months by the calendar.

    relativedelta clamps to the last day of a shorter month: 2028-08-31 → 2029-02-28 − 1 day.
    """
    return start, start + relativedelta(months=months) - datetime.timedelta(days=1)


def fee_amount(*, basis: str, rate: Decimal, area: Decimal | None, months: int = PREPAID_MONTHS):
    from handover.models import FeeBasis

    amount = Decimal(rate) * months
    if basis == FeeBasis.PER_SQM_MONTH:
        amount *= Decimal(area)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
