"""The venue screen (现场公示, issue #15 item 4): a full-screen page for a TV at the venue, no
login — reached by the batch's secret link, which staff rotate (the old link is a 404 at
once). It shows the numbers being called and their desks (never a name or a unit), the
handover steps and the batch's public documents; the board refreshes itself by htmx polling."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from salesite.attachment_views import serve_attachment

from .. import selectors_day
from ..models import HandoverStep, VenueSettings
from .day_plan import qr_svg, self_check_in_url

# How often the venue screen's board asks for the queue again (test settings: 1 s).
BOARD_REFRESH_SECONDS = 5


def _venue_or_404(token: str) -> VenueSettings:
    if not token:
        raise Http404
    venue = (
        VenueSettings.objects.select_related("batch", "batch__project")
        .filter(screen_token=token)
        .first()
    )
    if venue is None:
        raise Http404
    return venue


@never_cache
def venue_screen(request, token):
    venue = _venue_or_404(token)
    context = {
        "venue": venue,
        "batch": venue.batch,
        "steps": list(HandoverStep),
        "documents": venue.public_attachments.order_by("pk"),
        "board": selectors_day.venue_board(venue.batch),
        "refresh": getattr(settings, "VENUE_BOARD_REFRESH_SECONDS", BOARD_REFRESH_SECONDS),
    }
    return render(request, "handover/day/venue_screen.html", context)


@never_cache
def venue_board(request, token):
    """The part of the screen htmx reloads every few seconds."""
    venue = _venue_or_404(token)
    context = {"venue": venue, "board": selectors_day.venue_board(venue.batch)}
    return render(request, "handover/day/_venue_board.html", context)


@never_cache
def venue_document(request, token, pk):
    venue = _venue_or_404(token)
    attachment = venue.public_attachments.filter(pk=pk, personal=False).first()
    if attachment is None:
        raise Http404
    return serve_attachment(attachment)


@never_cache
def venue_qr(request, token):
    """The QR code of the owners' self check-in, shown on the screen."""
    venue = _venue_or_404(token)
    return qr_svg(self_check_in_url(request, venue.batch))
