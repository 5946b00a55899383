"""Panels other apps add to core pages, without the core importing them.

An app registers, in its ``AppConfig.ready``, a function ``panel(request, customer) -> str``
returning the panel's HTML (or "" for none); the customer page shows them in registration
order. The owner portal (owners/) shows the owner's portal activity this way.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import mark_safe

CustomerPanel = Callable[[object, object], str]

_CUSTOMER_PANELS: list[CustomerPanel] = []


def register_customer_panel(panel: CustomerPanel) -> CustomerPanel:
    if panel not in _CUSTOMER_PANELS:
        _CUSTOMER_PANELS.append(panel)
    return panel


def customer_panels(request, customer) -> list[str]:
    """The registered panels' HTML for this customer page (rendered by trusted templates)."""
    found = []
    for panel in _CUSTOMER_PANELS:
        html = panel(request, customer)
        if html:
            found.append(mark_safe(html))  # a template's own rendered output
    return found
