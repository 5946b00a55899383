"""The owner pages of the URL conf: every view of the "owners" namespace that is an
``owner_view``. The bench and the browser crawl visit them all, so a new owner page is
measured and checked without being listed anywhere."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter


def owner_patterns() -> list[URLPattern]:
    found: list[URLPattern] = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, ":".join(n for n in (namespace, p.namespace) if n) or None)
            elif (
                isinstance(p, URLPattern)
                and namespace == "owners"
                and getattr(p.callback, "owner_view", False) is True
            ):
                found.append(p)

    walk(get_resolver().url_patterns, None)
    return found


def owner_page_urls(unit_pk: int) -> tuple[list[tuple[str, str]], list[str]]:
    """``([(url name, url)], [left-out url names])``: each owner page with no URL kwargs, or with
    its int kwargs filled with ``unit_pk``; a page needing other kwargs is left out."""
    urls, left_out = [], []
    for p in owner_patterns():
        converters = p.pattern.converters
        if all(isinstance(c, IntConverter) for c in converters.values()):
            kwargs = {k: unit_pk for k in converters} or None
            urls.append((f"owners:{p.name}", reverse(f"owners:{p.name}", kwargs=kwargs)))
        else:
            left_out.append(f"owners:{p.name}")
    return urls, left_out
