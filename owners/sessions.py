"""The owner session: its own session key, never a Django auth login.

An owner session holds ``{"mobile", "customer_ids", "tenant_ids"}`` under ``SESSION_KEY``;
``request.user`` stays anonymous, so every staff view (``login_required`` through
``salesite.views_access.staff_view``) sends an owner to the staff login. ``owner_view`` is the
reverse door: it answers a staff login with 403 and an anonymous visitor with the owner login,
and re-reads the owner's records and access at each request (a disabled number is logged out
at once). Logging in as an owner flushes the session, so a staff login cannot survive into it.
"""

from __future__ import annotations

import functools
from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from .models import OwnerAccess
from .selectors import Owner, load_owner

SESSION_KEY = "owners.owner"


def session_data(owner: Owner) -> dict:
    return {
        "mobile": owner.mobile,
        "customer_ids": list(owner.customer_ids),
        "tenant_ids": list(owner.tenant_ids),
    }


def log_in(request, owner: Owner) -> None:
    request.session.flush()  # a new session: nothing of a staff login or an earlier owner
    request.session[SESSION_KEY] = session_data(owner)


def log_out(request) -> None:
    request.session.flush()


def current_owner(request) -> Owner | None:
    """The owner of this session (None: none, or access disabled, or records gone)."""
    if request.user.is_authenticated:
        return None
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict) or not data.get("mobile"):
        return None
    mobile = data["mobile"]
    if OwnerAccess.objects.filter(mobile=mobile, is_disabled=True).exists():
        return None
    return load_owner(mobile)


def login_url(next_url: str = "") -> str:
    url = reverse("owners:login")
    return f"{url}?next={quote(next_url)}" if next_url else url


def owner_view(view):
    """An owner page: sets ``request.owner``; staff get 403, anyone else the owner login."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            raise PermissionDenied  # staff sessions never open owner pages
        owner = current_owner(request)
        if owner is None:
            if SESSION_KEY in request.session:
                log_out(request)
            return redirect(login_url(request.get_full_path()))
        request.owner = owner
        return view(request, *args, **kwargs)

    wrapper.owner_view = True
    return wrapper
