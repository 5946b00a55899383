"""Deadline arithmetic of the front desk (R-FB-2, R-FB-4): pure functions of the time a case
was received. All times are aware; months are calendar months. The callback deadlines (24 h
after a repair, 2 months for a major one, 1 week for a rectification survey) are rows of
``feedback.CallbackRule``."""

import datetime

from dateutil.relativedelta import relativedelta

# The dispatch and answer limits are the project's service policy (salesite.policy): 10 minutes
# and 24 hours by default; the caller passes the values, which the case stores (rule_values).
# The callback offsets are the callback rules' rows (feedback.CallbackRule).


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
