"""What the views of sales-site operations share: the form page, running a service with its
refusal shown as a message and the day in the query."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from salesite.exceptions import DomainError
from salesite.querystring import query_date
from salesite.views_access import staff_view

FORM = "salesite/form.html"
PRINT_BLANK_ROWS = 5  # empty lines on a sign-in sheet for people not registered beforehand


def _form_page(request, form, title, back=None):
    return render(request, FORM, {"form": form, "title": title, "back": back})


def _run(request, action, success: str) -> bool:
    """Call a service; show its refusal as an error message. True when it succeeded."""
    try:
        with transaction.atomic():
            action()
    except DomainError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


def _parse_day(value, default=None) -> datetime.date:
    return query_date(value) or default or timezone.localdate()


# --- index -----------------------------------------------------------------------------


@staff_view()
def index(request):
    return redirect("ops:roster_day")
