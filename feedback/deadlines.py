"""Deadline arithmetic of the front desk (R-FB-2, R-FB-4, R-FB-5): pure functions of the time a
case was received, closed or completed. All times are aware; months are calendar months."""

import datetime

from dateutil.relativedelta import relativedelta

# The dispatch and answer limits are the project's service policy (salesite.policy): 10 minutes
# and 24 hours by default; the caller passes the values, which the case stores (rule_values).
FIRST_CALLBACK_WITHIN = datetime.timedelta(hours=24)
SECOND_CALLBACK_WITHIN = relativedelta(months=2)
SURVEY_WITHIN = datetime.timedelta(weeks=1)


def dispatch_due(*, kind: str, received_at, settled_on_spot: bool, dispatch_minutes: int):
    """``dispatch_minutes`` (10 by default) to forward a request not settled on the spot, and
    to dispatch a repair."""
    if kind == "repair" or (kind == "request" and not settled_on_spot):
        return received_at + datetime.timedelta(minutes=dispatch_minutes)
    return None


def answer_due(
    *, kind: str, received_at, settled_on_spot: bool, answer_hours: int, promised_at=None
):
    """A request is answered within ``answer_hours`` (24 by default: 1 day) or by the time
    promised to the customer; any other case with a promised time is held to it."""
    if promised_at:
        return promised_at
    if kind == "request" and not settled_on_spot:
        return received_at + datetime.timedelta(hours=answer_hours)
    return None


def add_months(day: datetime.date, months: int) -> datetime.date:
    return day + relativedelta(months=months)
