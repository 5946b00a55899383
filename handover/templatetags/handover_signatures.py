"""The signatures of a handover case on its page and in its print layouts."""

from __future__ import annotations

from django import template

from ..services.signatures import document_states

register = template.Library()


def _states(case) -> dict:
    """The case's documents by kind, computed once per case object (a print has two copies)."""
    cached = getattr(case, "_signature_states", None)
    if cached is None:
        cached = {s.document: s for s in document_states(case)}
        case._signature_states = cached
    return cached


@register.inclusion_tag("handover/signatures/_status_card.html", takes_context=True)
def signatures_card(context, case):
    """The signature status of each document on the case page, with the signing links."""
    return {
        "case": case,
        "states": list(_states(case).values()),
        "can_perform": context.get("can_perform", False),
    }


@register.inclusion_tag("handover/signatures/_print_cells.html")
def signature_cells(case, document):
    """The owner's and the staff member's cells of a print's signature line: the drawn image
    with its time and hash prefix in place of the blank line, when the signature is valid."""
    return {"state": _states(case)[document]}
