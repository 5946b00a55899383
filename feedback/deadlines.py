"""Deadline arithmetic of the front desk (R-FB-2, R-FB-4): pure functions of the time a case
was received. All times are aware; months are calendar months. The callback deadlines (24 h
after a repair, 2 months for a major one, 1 week for a rectification survey) are rows of
``feedback.CallbackRule``."""

import datetime

from dateutil.relativedelta import relativedelta

DISPATCH_WITHIN = datetime.timedelta(minutes=10)
ANSWER_WITHIN = datetime.timedelta(days=1)


def dispatch_due(*, kind: str, received_at, settled_on_spot: bool):
    """10 minutes to forward a request not settled on the spot, and to dispatch a repair."""
    if kind == "repair" or (kind == "request" and not settled_on_spot):
        return received_at + DISPATCH_WITHIN
    return None


def answer_due(*, kind: str, received_at, settled_on_spot: bool, promised_at=None):
    """A request is answered within 1 day or by the time promised to the customer; any other
    case with a promised time is held to it."""
    if promised_at:
        return promised_at
    if kind == "request" and not settled_on_spot:
        return received_at + ANSWER_WITHIN
    return None


def add_months(day: datetime.date, months: int) -> datetime.date:
    return day + relativedelta(months=months)
