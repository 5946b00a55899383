"""The owner's portal activity that staff see on the customer page (the 业主端 panel).

Each provider reads one kind of owner-originated activity of one customer record in one
query and returns an ``Activity`` line (or None when there is none). The panel asks every
registered provider, so its query count grows by one per provider and never with the amount
of activity. A part of the portal that creates records (e.g. cases submitted by an owner, with
their channel) adds its line by registering a provider here::

    @activity.register
    def portal_cases(customer): ...
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Activity:
    label: str
    count: int  # how many
    last_at: datetime.datetime | None = None  # the latest one
    detail: str = ""  # e.g. "3 sent"


Provider = Callable[[object], "Activity | None"]

_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def customer_activity(customer) -> list[Activity]:
    """Every provider's line for ``customer``, in registration order (one query each)."""
    found = []
    for provider in _PROVIDERS:
        line = provider(customer)
        if line is not None:
            found.append(line)
    return found


@register
def survey_links_answered(customer) -> Activity | None:
    """Callback questionnaires answered by SMS link (no login: the link is the identity)."""
    from feedback.selectors import customer_survey_links

    links = customer_survey_links(customer)
    if not links["sent"]:
        return None
    return Activity(
        label=_("回访问卷（短信链接）已填写"),
        count=links["answered"],
        last_at=links["last_answered_at"],
        detail=_("已发送 %(sent)s 份") % {"sent": links["sent"]},
    )


@register
def portal_cases(customer) -> Activity | None:
    """Requests, complaints and repairs the owner submitted on the portal (channel 业主端)."""
    from feedback.selectors import customer_portal_cases

    cases = customer_portal_cases(customer)
    if not cases["submitted"]:
        return None
    return Activity(
        label=_("业主端报事报修"),
        count=cases["submitted"],
        last_at=cases["last_at"],
        detail=_("已评价 %(rated)s 件") % {"rated": cases["rated"]},
    )
