"""Where a view may send the browser next: the one check of a ``next`` URL.

Every view that redirects to a URL taken from the request (``next`` in the form or query
string, a stored link) goes through ``is_safe_url``/``next_url``, so that a crafted link cannot
send a logged-in user on to another site (an open redirect).
"""

from __future__ import annotations

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_url(request, url: str | None) -> bool:
    """True if ``url`` stays on this site (and on HTTPS when the request came over HTTPS)."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def next_url(request, default) -> str:
    """The request's ``next`` (POST, then GET) if it is safe, else ``default`` (a URL, URL
    name or model instance with get_absolute_url, as for ``redirect``)."""
    url = request.POST.get("next") or request.GET.get("next")
    if is_safe_url(request, url):
        return url
    return resolve_url(default)
